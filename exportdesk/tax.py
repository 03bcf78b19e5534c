"""The tax helpers of article (十四), computed from the platform's data.

* :func:`checklist` — 无票免税 (财税〔2018〕103号) and 核定征收
  (国家税务总局公告2019年第36号) for an enterprise and a year: each condition, whether the
  platform's data meets it and what is missing, and the deemed taxable income (released
  export value × the rate of ``rules.yaml``), an estimate.
* :func:`return_deadline` / :func:`return_row` — the duty-free return deadline of each export
  inventory, from the :class:`ReturnWindow` table chosen by the export declaration date.
* :func:`awaiting_sale` — released 9810 exports without a sale confirmation.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet, Sum

from exportdesk.models import InvoiceDeclaration, ReturnWindow
from exportdesk.money import money
from exportdesk.rules import rules

if TYPE_CHECKING:
    from customs.models import Declaration
    from enterprises.models import Enterprise

SAMPLE = 20  # how many missing items a check lists by name


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    ok: bool
    detail: str
    missing: list[str]


def _exports(enterprise_id: int, year: int) -> QuerySet[Declaration]:
    from customs.models import Declaration, Direction

    return Declaration.objects.filter(
        enterprise_id=enterprise_id,
        direction=Direction.EXPORT,
        released=True,
        declared_on__year=year,
    )


def released_export_cny(enterprise_id: int, year: int) -> Decimal:
    from customs.models import Direction, LedgerAggregate, fen_to_yuan

    fen = LedgerAggregate.objects.filter(
        enterprise_id=enterprise_id, year=year, direction=Direction.EXPORT
    ).aggregate(s=Sum("amount_cny_fen"))["s"]
    return money(fen_to_yuan(fen))


def checklist(enterprise: Enterprise, year: int) -> dict[str, Any]:
    from django.utils.translation import gettext as _

    from customs.models import LedgerLine

    r = rules()
    checks: list[Check] = []
    county_code = enterprise.county.code if enterprise.county_id else ""
    in_zone = county_code.startswith(r.county_prefix)
    checks.append(
        Check(
            "registered",
            _("在综试区内注册"),
            in_zone,
            _("登记所在县区：%(c)s") % {"c": enterprise.county.label if in_zone else "—"},
            [] if in_zone else [_("企业登记地不在连云港市各县区")],
        )
    )
    exports = _exports(enterprise.pk, year)
    total = exports.count()
    elsewhere = exports.exclude(customs_code__in=r.customs_codes)
    n_elsewhere = elsewhere.count()
    checks.append(
        Check(
            "customs",
            _("在综试区所在地海关办理电子商务出口申报"),
            total > 0 and n_elsewhere == 0,
            _(
                "本年度海关放行的出口清单 %(n)s 票，其中在其他海关申报 %(m)s 票"
                "（综试区所在地海关代码：%(codes)s）"
            )
            % {"n": total, "m": n_elsewhere, "codes": "、".join(r.customs_codes)},
            [
                f"{d.invt_no or d.cop_no} ({d.customs_code or '—'})"
                for d in elsewhere.order_by("declared_on", "pk")[:SAMPLE]
            ]
            if total
            else [_("本年度没有海关放行的出口清单")],
        )
    )
    lines = LedgerLine.objects.filter(
        declaration__in=exports.values("pk"), month__gte=year * 100 + 1, month__lte=year * 100 + 12
    )
    incomplete = lines.filter(
        Q(goods_name="") | Q(unit="") | Q(quantity__lte=0) | Q(unit_price__lte=0) | Q(amount__lte=0)
    )
    n_lines, n_incomplete = lines.count(), incomplete.count()
    checks.append(
        Check(
            "six_fields",
            _("每笔出口的日期、名称、计量单位、数量、单价、金额已在平台登记"),
            n_lines > 0 and n_incomplete == 0,
            _("出口商品行 %(n)s 行，其中缺项 %(m)s 行") % {"n": n_lines, "m": n_incomplete},
            [
                f"{line.declaration.invt_no or line.declaration.cop_no} #{line.line_no}"
                for line in incomplete.select_related("declaration").order_by("date", "pk")[:SAMPLE]
            ],
        )
    )
    declared = InvoiceDeclaration.objects.filter(enterprise=enterprise, year=year).first()
    no_invoice = bool(declared and declared.no_purchase_invoice)
    checks.append(
        Check(
            "no_invoice",
            _("出口货物未取得有效进货凭证（企业声明）"),
            no_invoice,
            _("平台无法从数据中得知，由企业声明。")
            if declared is None
            else (
                _("企业已声明未取得有效进货凭证。")
                if no_invoice
                else _("企业声明已取得有效进货凭证，不适用无票免税。")
            ),
            [] if no_invoice else [_("尚未声明本年度出口货物无有效进货凭证")],
        )
    )
    revenue = released_export_cny(enterprise.pk, year)
    return {
        "year": year,
        "checks": checks,
        "all_met": all(c.ok for c in checks),
        "declaration": declared,
        "revenue": revenue,
        "rate": r.eit_rate,
        "rate_percent": money(r.eit_rate * 100),
        "deemed_income": money(revenue * r.eit_rate),
        "rules": r,
    }


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def windows() -> list[ReturnWindow]:
    return list(ReturnWindow.objects.order_by("export_from"))


def window_for(exported_on: dt.date, mode: str, rows: list[ReturnWindow]) -> ReturnWindow | None:
    for w in rows:
        if w.export_from <= exported_on <= w.export_to and mode in w.mode_list:
            return w
    return None


def return_deadline(exported_on: dt.date, mode: str, rows: list[ReturnWindow]) -> dt.date | None:
    """The last day goods exported on ``exported_on`` may come back duty-free, None when the
    export falls in no window (or its mode is not covered)."""
    w = window_for(exported_on, mode, rows)
    return add_months(exported_on, w.months) if w else None


@dataclass(frozen=True)
class ReturnRow:
    declaration: Declaration
    window: ReturnWindow | None
    deadline: dt.date | None
    days_left: int | None
    returned_on: dt.date | None
    state: str  # open / expired / not_covered / returned_ok / returned_late / returned_altered

    @property
    def flagged(self) -> bool:
        return self.state in {"returned_late", "returned_altered"}


def return_row(declaration: Declaration, rows: list[ReturnWindow], today: dt.date) -> ReturnRow:
    w = window_for(declaration.declared_on, declaration.trade_mode, rows)
    deadline = add_months(declaration.declared_on, w.months) if w else None
    returned = getattr(declaration, "goods_return", None)
    returned_on = returned.returned_on if returned else None
    if returned is not None:
        if deadline is None or returned.returned_on > deadline:
            state = "returned_late"
        elif not returned.original_state:
            state = "returned_altered"
        else:
            state = "returned_ok"
    elif deadline is None:
        state = "not_covered"
    else:
        state = "open" if today <= deadline else "expired"
    days_left = (deadline - today).days if deadline and state == "open" else None
    return ReturnRow(declaration, w, deadline, days_left, returned_on, state)


def export_inventories(enterprise_id: int, year: int) -> QuerySet[Declaration]:
    from customs.models import Declaration, Direction

    return (
        Declaration.objects.filter(
            enterprise_id=enterprise_id,
            direction=Direction.EXPORT,
            released=True,
            declared_on__year=year,
        )
        .select_related("goods_return")
        .order_by("-declared_on", "-pk")
    )


def awaiting_sale(enterprise_id: int) -> QuerySet[Declaration]:
    from customs.models import Declaration, Direction

    return Declaration.objects.filter(
        enterprise_id=enterprise_id,
        direction=Direction.EXPORT,
        released=True,
        trade_mode=rules().rebate_mode,
        sale_confirmation__isnull=True,
    ).order_by("declared_on", "pk")
