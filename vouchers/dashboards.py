"""Dashboard figures: pool used and left, vouchers issued / redeemed / expired by county and
month, logistics spend supported. Scoped like the lists (a county officer sees its county)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role, reads_all
from accounts.models import Role
from codes.models import localized_name
from vouchers import selectors
from vouchers.models import VoucherPool, VoucherStatus


def _s(value: Any) -> str:
    return f"{Decimal(value or 0):.2f}"


def dashboard(*, user: Any, year: int | None = None) -> dict[str, Any]:
    if not (reads_all(user) or has_role(user, Role.COUNTY_OFFICER)):
        raise PermissionDenied(_("只有政府部门用户可以查看运力券看板。"))
    year = int(year or timezone.localdate().year)
    pool = VoucherPool.objects.filter(year=year).first()
    vouchers = selectors.voucher_list_for(user=user).filter(batch__pool__year=year)
    by_county: dict[tuple[str, str], dict[str, Any]] = {}
    rows = (
        vouchers.annotate(month=TruncMonth("claim__created_at"))
        .values("claim__county__name", "claim__county__name_en", "month", "status")
        .annotate(n=Count("pk"), face=Sum("face_value"), redeemed=Sum("redeemed"))
        .order_by("claim__county__name", "month")
    )
    for r in rows:
        county = localized_name(r["claim__county__name"] or "—", r["claim__county__name_en"] or "")
        key = (county, r["month"].strftime("%Y-%m") if r["month"] else "")
        row = by_county.setdefault(
            key,
            {
                "county": key[0],
                "month": key[1],
                "issued": 0,
                "issued_amount": Decimal(0),
                "redeemed_amount": Decimal(0),
                "expired": 0,
                "cancelled": 0,
            },
        )
        row["issued"] += r["n"]
        row["issued_amount"] += r["face"] or 0
        row["redeemed_amount"] += r["redeemed"] or 0
        if r["status"] == VoucherStatus.EXPIRED:
            row["expired"] += r["n"]
        if r["status"] == VoucherStatus.CANCELLED:
            row["cancelled"] += r["n"]
    contracts = selectors.contract_list_for(user=user).filter(claim__batch__pool__year=year)
    spend = contracts.aggregate(s=Sum("amount"))["s"]
    return {
        "year": year,
        "pool": None
        if pool is None
        else {
            "amount": _s(pool.amount),
            "used": _s(pool.committed),
            "left": _s(pool.left),
            "redeemed": _s(pool.redeemed),
            "paid": _s(pool.paid),
        },
        "rows": [
            {
                **r,
                "issued_amount": _s(r["issued_amount"]),
                "redeemed_amount": _s(r["redeemed_amount"]),
            }
            for r in by_county.values()
        ],
        "logistics_spend_supported": _s(spend),
        "contracts": contracts.count(),
    }
