"""The data a consent opens, read from the apps that own it: the trade profile (released customs
trade by month, supervision mode, direction and market, from the customs ledger's aggregates),
recognitions, subsidies received and the registry details. Plain JSON values only (amounts as
strings in yuan), so the same dict is shown on the page and issued as a signed document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from credit.models import DataScope

TRADE_MONTHS = 24  # the trade profile covers the last 24 months, this month included


def _month_back(today: dt.date, months: int) -> int:
    index = today.year * 12 + today.month - 1 - months
    return (index // 12) * 100 + index % 12 + 1


def trade(enterprise_id: int, *, today: dt.date) -> dict[str, Any]:
    from customs.models import LedgerAggregate, fen_to_yuan

    start = _month_back(today, TRADE_MONTHS - 1)
    end = today.year * 100 + today.month
    rows = (
        LedgerAggregate.objects.filter(
            enterprise_id=enterprise_id, month__gte=start, month__lte=end
        )
        .order_by("month", "direction", "mode", "country")
        .values_list("month", "direction", "mode", "country", "lines", "amount_cny_fen")
    )
    lines = [
        {
            "month": f"{m // 100:04d}-{m % 100:02d}",
            "direction": d,
            "mode": mode,
            "country": c,
            "lines": int(n),
            "amount_cny": str(fen_to_yuan(fen)),
        }
        for m, d, mode, c, n, fen in rows
    ]
    total = sum((int(fen) for *_x, fen in rows), 0)
    return {
        "from_month": f"{start // 100:04d}-{start % 100:02d}",
        "to_month": f"{end // 100:04d}-{end % 100:02d}",
        "source": "customs ledger, released declarations (海关放行的跨境电商清单)",
        "rows": lines,
        "total_cny": str(fen_to_yuan(total)),
    }


def recognitions(enterprise_id: int) -> list[dict[str, Any]]:
    from enterprises.models import Recognition

    return [
        {"type": r.type, "label": str(r.get_type_display()), "level": r.level, "year": r.year}
        for r in Recognition.objects.filter(enterprise_id=enterprise_id).order_by("-year", "type")
    ]


def subsidies(enterprise_id: int) -> list[dict[str, Any]]:
    from funds.models import Disbursement

    return [
        {
            "measure": d.measure,
            "year": d.year,
            "amount_cny": str(d.amount),
            "paid_on": d.paid_on.isoformat(),
        }
        for d in Disbursement.objects.filter(enterprise_id=enterprise_id).order_by("paid_on", "pk")
    ]


def registry(enterprise_id: int) -> dict[str, Any]:
    from enterprises.models import Enterprise

    e = Enterprise.objects.select_related("county").get(pk=enterprise_id)
    return {
        "uscc": e.uscc,
        "name": e.name,
        "customs_code": e.customs_code,
        "county": e.county.name if e.county_id else "",
        "county_code": e.county.code if e.county_id else "",
        "county_en": e.county.name_en if e.county_id else "",
        "kind": e.kind,
        "first_cbec_year": e.first_cbec_year,
        "status": e.status,
        "address": e.address,
    }


def data_for(enterprise_id: int, scopes: list[str], *, today: dt.date) -> dict[str, Any]:
    """The consented data, one key per scope (in the order of ``DataScope``)."""
    out: dict[str, Any] = {}
    for scope in DataScope.values:
        if scope not in scopes:
            continue
        if scope == DataScope.TRADE:
            out[scope] = trade(enterprise_id, today=today)
        elif scope == DataScope.RECOGNITIONS:
            out[scope] = recognitions(enterprise_id)
        elif scope == DataScope.SUBSIDIES:
            out[scope] = subsidies(enterprise_id)
        elif scope == DataScope.REGISTRY:
            out[scope] = registry(enterprise_id)
    return out
