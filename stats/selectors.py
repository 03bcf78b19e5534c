"""Permission-aware reads for the dashboards, exports and reports.

Who sees what:

* city reviewer, finance officer, administrator — the city and every county;
* county officer — their own county only (the city overview is the county view for them);
* enterprise user — their own enterprise's figures next to anonymised peers;
* partners and anyone else — nothing here (the open-data pages are public and aggregated).

Every dashboard figure is a ``Table`` (title, columns, rows) so the page, the chart data and the
Excel export are built from the same rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.access import (
    is_city_level,
    is_county_officer,
    is_enterprise_user,
    own_county_id,
    reads_all,
)
from enterprises import selectors as registry
from stats import sources
from stats.cache import cached
from stats.targets import all_progress

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from codes.models import County
    from enterprises.models import Enterprise

    AnyUser = User | AnonymousUser

TOP_N = 10
PEER_MINIMUM = 3


def can_view_city(user: AnyUser | None) -> bool:
    return reads_all(user)


def can_view_dashboards(user: AnyUser | None) -> bool:
    return can_view_city(user) or (is_county_officer(user) and bool(own_county_id(user)))


def can_view_own(user: AnyUser | None) -> bool:
    return is_enterprise_user(user)


def can_write_reports(user: AnyUser | None) -> bool:
    return is_city_level(user)


def can_read_reports(user: AnyUser | None) -> bool:
    return can_view_city(user)


def county_scope(user: AnyUser | None, code: str | None) -> County | None:
    """The county the user may look at: ``None`` is the whole city (city roles only).

    A county officer always gets their own county; asking for another one is refused.
    """
    from codes.models import County

    if is_county_officer(user) and own_county_id(user):
        own: County = user.county  # type: ignore[union-attr, assignment]
        if code and code != own.code:
            raise PermissionDenied(_("县区用户只能查看本县区的统计。"))
        return own
    if not reads_all(user):
        raise PermissionDenied(_("无权查看统计看板。"))
    if not code:
        return None
    county = County.objects.filter(code=code).first()
    if county is None:
        raise Http404(_("没有这个县区。"))
    return county


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Table:
    """One table of a dashboard: rendered on the page, drawn as a chart, exported to Excel."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    def column(self, index: int) -> list[Any]:
        return [row[index] for row in self.rows]


def _num(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def chart(
    table: Table,
    kind: str,
    *,
    label_col: int = 0,
    value_cols: list[int] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The JSON a ``dashboard.js`` chart is drawn from (numbers as floats for display only)."""
    cols = value_cols or list(range(1, len(table.columns)))
    return {
        "kind": kind,
        "title": table.title,
        "categories": [str(v) for v in table.column(label_col)],
        "series": [
            {"name": table.columns[c], "data": [_num(v) for v in table.column(c)]} for c in cols
        ],
        **extra,
    }


# --- targets -----------------------------------------------------------------------------------


def _targets_table(*, as_of: dt.date, county: County | None) -> tuple[Table, list[Any]]:
    progress = all_progress(as_of=as_of, county=county)
    table = Table(
        "targets",
        _("2027年目标进度"),
        [_("目标"), _("目标值"), _("单位"), _("当前值"), _("完成率%"), _("2027年预测"), _("状态")],
    )
    for p in progress:
        table.rows.append(
            [
                p.target.text("name"),
                p.county_value if p.county_value is not None else p.target.value,
                p.target.text("unit"),
                p.current,
                p.percent,
                p.forecast,
                p.status_label,
            ]
        )
    return table, progress


# --- trade -------------------------------------------------------------------------------------


def _country_names() -> dict[str, str]:
    from codes.models import Country

    return {c.customs_code: c.label for c in Country.objects.all()}


def _trade_tables(
    *, year: int, county: County | None, with_enterprises: bool = True, until_month: int = 12
) -> list[Table]:
    """Trade of ``year`` (months 1 … ``until_month``) by month (export/import), mode, destination
    country, county, industry belt and top enterprises — from the ledger's monthly pre-aggregate."""
    from codes.models import County as CountyModel
    from customs.models import Direction

    qs = sources.trade_aggregates(year=year, county=county)
    if until_month < 12:
        qs = qs.filter(month__lte=year * 100 + until_month)
    month_rows = qs.values_list("month", "direction").annotate(fen=Sum("amount_cny_fen")).order_by()
    months: dict[int, dict[str, int]] = {year * 100 + m: {} for m in range(1, until_month + 1)}
    for month, direction, fen in month_rows:
        months.setdefault(month, {})[direction] = int(fen or 0)
    by_month = Table(
        "trade_month", _("按月进出口额（元）"), [_("月份"), _("出口"), _("进口"), _("合计")]
    )
    for month, parts in sorted(months.items()):
        ex, im = parts.get(Direction.EXPORT, 0), parts.get(Direction.IMPORT, 0)
        by_month.rows.append(
            [
                f"{month // 100}-{month % 100:02d}",
                sources.fen_to_yuan(ex),
                sources.fen_to_yuan(im),
                sources.fen_to_yuan(ex + im),
            ]
        )

    by_mode = Table("trade_mode", _("按监管方式（元）"), [_("监管方式"), _("金额")])
    for mode, fen in qs.values_list("mode").annotate(f=Sum("amount_cny_fen")).order_by("mode"):
        by_mode.rows.append([mode, sources.fen_to_yuan(fen)])

    names = _country_names()
    by_country = Table(
        "trade_country", _("按目的国（地区）前十五（元）"), [_("国别（地区）"), _("金额")]
    )
    country_rows = (
        qs.values_list("country").annotate(f=Sum("amount_cny_fen")).order_by("-f", "country")[:15]
    )
    for code, fen in country_rows:
        by_country.rows.append([names.get(code, code), sources.fen_to_yuan(fen)])

    tables = [by_month, by_mode, by_country]
    if county is None:
        by_county = Table("trade_county", _("按县区（元）"), [_("县区"), _("金额")])
        sums = dict(
            qs.exclude(county__isnull=True)
            .values_list("county_id")
            .annotate(f=Sum("amount_cny_fen"))
            .order_by()
        )
        for c in CountyModel.objects.all():
            by_county.rows.append([c.label, sources.fen_to_yuan(sums.get(c.pk, 0))])
        tables.append(by_county)

    by_belt = Table("trade_belt", _("按产业带（元）"), [_("产业带"), _("金额")])
    belt_rows = (
        qs.exclude(enterprise__industry_belt__isnull=True)
        .values_list("enterprise__industry_belt__name")
        .annotate(f=Sum("amount_cny_fen"))
        .order_by("-f")
    )
    for name, fen in belt_rows:
        by_belt.rows.append([name, sources.fen_to_yuan(fen)])
    tables.append(by_belt)

    if with_enterprises:
        top = Table("trade_top", _("进出口额前十企业（元）"), [_("企业"), _("金额")])
        top_rows = (
            qs.exclude(enterprise__isnull=True)
            .values_list("enterprise_id")
            .annotate(f=Sum("amount_cny_fen"))
            .order_by("-f", "enterprise_id")[:TOP_N]
        )
        top_rows = list(top_rows)
        ent_names = registry.enterprise_values([pk for pk, _f in top_rows], "name")
        for pk, fen in top_rows:
            top.rows.append([ent_names.get(pk, (str(pk),))[0], sources.fen_to_yuan(fen)])
        tables.append(top)
    return tables


# --- fund --------------------------------------------------------------------------------------

FUNNEL = [
    (
        "submitted",
        gettext_noop("已提交"),
        [
            "submitted",
            "county_review",
            "city_review",
            "proposed",
            "public_notice",
            "approved",
            "disbursed",
            "returned",
            "rejected",
        ],
    ),
    (
        "county_passed",
        gettext_noop("通过县区审核"),
        ["city_review", "proposed", "public_notice", "approved", "disbursed"],
    ),
    ("proposed", gettext_noop("拟支持"), ["proposed", "public_notice", "approved", "disbursed"]),
    ("approved", gettext_noop("已批准"), ["approved", "disbursed"]),
    ("disbursed", gettext_noop("已拨付"), ["disbursed"]),
]
USED_STATUSES = ["approved", "disbursed"]


def _measure_names() -> dict[str, str]:
    from django.utils.translation import get_language

    from applications.measures import article_label
    from entitlement.measures import catalogue

    english = (get_language() or "").startswith("en")
    return {
        mid: f"{article_label(m.article)} {m.title_en if english else m.title_zh}"
        for mid, m in catalogue().measures.items()
    }


def _fund_tables(*, year: int, county: County | None) -> list[Table]:
    """Budget used by measure and county (approved and paid amounts) and the application funnel."""
    from codes.models import County as CountyModel

    apps = sources.applications(year=year, county=county)
    used = apps.filter(status__in=USED_STATUSES)
    names = _measure_names()
    by_measure = Table(
        "fund_measure",
        _("按支持事项的资金使用（元）"),
        [_("支持事项"), _("批准金额"), _("已拨付"), _("项目数")],
    )
    rows = (
        used.values_list("measure")
        .annotate(a=Sum("amount_approved"), p=Sum("amount_paid"), n=Count("pk"))
        .order_by("measure")
    )
    for measure, approved, paid, n in rows:
        label = names.get(measure, measure)
        by_measure.rows.append([label, Decimal(approved or 0), Decimal(paid or 0), n])
    tables = [by_measure]
    if county is None:
        by_county = Table(
            "fund_county", _("按县区的资金使用（元）"), [_("县区"), _("批准金额"), _("已拨付")]
        )
        sums = {
            pk: (a, p)
            for pk, a, p in used.values_list("county_id")
            .annotate(a=Sum("amount_approved"), p=Sum("amount_paid"))
            .order_by()
        }
        for c in CountyModel.objects.all():
            a, p = sums.get(c.pk, (0, 0))
            by_county.rows.append([c.label, Decimal(a or 0), Decimal(p or 0)])
        tables.append(by_county)
    funnel = Table("fund_funnel", _("申报漏斗（件）"), [_("阶段"), _("件数")])
    counts = dict(apps.values_list("status").annotate(n=Count("pk")).order_by())
    for _key, label, statuses in FUNNEL:
        funnel.rows.append([_(label), sum(counts.get(s, 0) for s in statuses)])
    tables.append(funnel)
    budget = Table("fund_budget", _("预算执行（元）"), [_("项目"), _("金额")])
    total = sources.round_budget(year=year) if county is None else None
    approved = Decimal(used.aggregate(s=Sum("amount_approved"))["s"] or 0)
    paid = Decimal(used.aggregate(s=Sum("amount_paid"))["s"] or 0)
    if total is not None:
        budget.rows.append([_("年度预算总额"), total])
    budget.rows.append([_("已批准"), approved])
    budget.rows.append([_("已拨付"), paid])
    tables.append(budget)
    return tables


# --- counties ----------------------------------------------------------------------------------

# A tile map (grid cartogram) of Lianyungang's counties and zones: (column, row), north at top.
TILES: dict[str, tuple[int, int]] = {
    "320707": (2, 0),  # 赣榆区
    "320722": (0, 1),  # 东海县
    "320772": (1, 1),  # 高新区
    "320771": (2, 1),  # 经济技术开发区
    "320703": (3, 1),  # 连云区
    "320706": (1, 2),  # 海州区
    "3207X2": (2, 2),  # 云台山景区
    "3207X1": (3, 2),  # 徐圩新区
    "320724": (1, 3),  # 灌南县
    "320723": (2, 3),  # 灌云县
}


def _county_comparison(*, year: int) -> Table:
    """One row per county: trade, new CBEC enterprises, belts, parks, in-park enterprises,
    training person-times and matchmaking events of ``year`` (grouped queries, not per county)."""
    from codes.models import County as CountyModel

    trade = dict(
        sources.trade_aggregates(year=year, county=None)
        .values_list("county_id")
        .annotate(f=Sum("amount_cny_fen"))
        .order_by()
    )
    new_ent = dict(
        registry.new_cbec_qs(first_year=sources.POLICY_FIRST_YEAR, last_year=year)
        .values_list("county_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    belts = dict(
        registry.recognised_belts_qs(year=year)
        .values_list("county_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    park_n = dict(
        registry.recognised_parks_qs(year=year)
        .values_list("county_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    in_parks = dict(
        registry.in_recognised_parks_qs(until=dt.date(year, 12, 31))
        .values_list("county_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table = Table(
        "county_comparison",
        _("县区对比"),
        [
            _("县区"),
            _("代码"),
            _("进出口额（元）"),
            _("新增跨境电商企业"),
            _("产业带"),
            _("产业园"),
            _("入园企业"),
            _("培训人次"),
            _("对接活动"),
        ],
    )
    for c in CountyModel.objects.all():
        training = sources.training_person_times(year=year, county=c).value
        events = sources.matchmaking_events(year=year, county=c).value
        table.rows.append(
            [
                c.label,
                c.code,
                sources.fen_to_yuan(trade.get(c.pk, 0)),
                new_ent.get(c.pk, 0),
                belts.get(c.pk, 0),
                park_n.get(c.pk, 0),
                in_parks.get(c.pk, 0),
                int(training),
                int(events),
            ]
        )
    return table


def tile_map(table: Table, value_col: int = 2) -> dict[str, Any]:
    """Chart JSON of the county tile map coloured by ``value_col`` of the comparison table."""
    cells = []
    for row in table.rows:
        code = row[1]
        if code in TILES:
            x, y = TILES[code]
            cells.append(
                {"name": row[0], "code": code, "x": x, "y": y, "value": _num(row[value_col])}
            )
    return {
        "kind": "tilemap",
        "title": table.columns[value_col],
        "cells": cells,
        "columns": 4,
        "rows": 4,
    }


# --- enterprise --------------------------------------------------------------------------------


def percentile_rank(value: Decimal, others: list[Decimal]) -> int:
    """Share (%) of ``others`` strictly below ``value``, plus half of the ties (mid-rank)."""
    if not others:
        return 0
    below = sum(1 for v in others if v < value)
    ties = sum(1 for v in others if v == value)
    return round((below + ties / 2) / len(others) * 100)


def _quantile(values: list[Decimal], q: Decimal) -> Decimal:
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return (ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)).quantize(Decimal("0.01"))


def enterprise_view(*, user: AnyUser | None, year: int) -> dict[str, Any]:
    """The user's own enterprise: trade of ``year`` by month, and its place among anonymised peers
    (same industry belt, else same county). Peer statistics only with at least 3 peers."""
    if not can_view_own(user):
        raise PermissionDenied(_("只有企业用户可以查看本企业统计。"))
    enterprise: Enterprise = user.enterprise  # type: ignore[union-attr, assignment]
    own = sources.trade_aggregates(year=year, county=None).filter(enterprise=enterprise)
    months = dict(own.values_list("month").annotate(f=Sum("amount_cny_fen")).order_by())
    by_month = Table("own_month", _("本企业按月进出口额（元）"), [_("月份"), _("金额")])
    for m in range(1, 13):
        by_month.rows.append(
            [f"{year}-{m:02d}", sources.fen_to_yuan(months.get(year * 100 + m, 0))]
        )
    total = sum((r[1] for r in by_month.rows), Decimal(0))

    if enterprise.industry_belt_id:
        peer_filter = Q(enterprise__industry_belt_id=enterprise.industry_belt_id)
        group = _("同产业带企业")
    else:
        peer_filter = Q(enterprise__county_id=enterprise.county_id)
        group = _("同县区企业")
    peer_sums = (
        sources.trade_aggregates(year=year, county=None)
        .filter(peer_filter)
        .exclude(enterprise=enterprise)
        .values_list("enterprise_id")
        .annotate(f=Sum("amount_cny_fen"))
        .order_by()
    )
    peers = [sources.fen_to_yuan(f) for _pk, f in peer_sums]
    peer_table = Table("own_peers", _("与同类企业比较（匿名）"), [_("指标"), _("数值")])
    enough = len(peers) >= PEER_MINIMUM
    peer_table.rows.append([_("本企业全年进出口额"), total])
    peer_table.rows.append([_("比较组"), group])
    peer_table.rows.append([_("比较组企业数"), len(peers) if enough else _("少于3家，不显示")])
    if enough:
        peer_table.rows.append([_("百分位（越高越好）"), percentile_rank(total, peers)])
        peer_table.rows.append([_("比较组下四分位"), _quantile(peers, Decimal("0.25"))])
        peer_table.rows.append([_("比较组中位数"), _quantile(peers, Decimal("0.5"))])
        peer_table.rows.append([_("比较组上四分位"), _quantile(peers, Decimal("0.75"))])
    return {
        "enterprise": enterprise,
        "total": total,
        "tables": [by_month, peer_table],
        "percentile": percentile_rank(total, peers) if enough else None,
        "peer_count": len(peers),
        "peers_shown": enough,
    }


# --- reports -----------------------------------------------------------------------------------


def report_list_for(*, user: AnyUser | None) -> Any:
    from stats.models import Report

    if not can_read_reports(user):
        raise PermissionDenied(_("无权查看统计报告。"))
    return Report.objects.select_related("created_by").order_by("-month", "-created_at")


def report_get_for(*, user: AnyUser | None, pk: int) -> Any:
    report = report_list_for(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404(_("没有这份报告。"))
    return report


def dashboard_tables(
    *, page: str, user: AnyUser | None, year: int, county_code: str | None
) -> list[Table]:
    """The tables of one dashboard page for ``user`` (the Excel export uses the same rows)."""
    if page == "own":
        return list(enterprise_view(user=user, year=year)["tables"])
    county = county_scope(user, county_code)
    if page == "overview":
        as_of = min(today(), dt.date(year, 12, 31))
        return [targets_table(as_of=as_of, county=county)[0]]
    if page == "trade":
        return trade_tables(year=year, county=county)
    if page == "fund":
        return fund_tables(year=year, county=county)
    if page == "counties":
        if county is not None:
            raise PermissionDenied(_("县区对比仅市级用户可见。"))
        return [county_comparison(year=year)]
    raise Http404(page)


# --- cached entry points (see stats.cache) -------------------------------------------------------


def _pk(county: County | None) -> int | None:
    return county.pk if county is not None else None


def targets_table(*, as_of: dt.date, county: County | None) -> tuple[Table, list[Any]]:
    return cached(
        ("targets", as_of, _pk(county)), lambda: _targets_table(as_of=as_of, county=county)
    )


def trade_tables(
    *, year: int, county: County | None, with_enterprises: bool = True, until_month: int = 12
) -> list[Table]:
    return cached(
        ("trade", year, _pk(county), with_enterprises, until_month),
        lambda: _trade_tables(
            year=year, county=county, with_enterprises=with_enterprises, until_month=until_month
        ),
    )


def fund_tables(*, year: int, county: County | None) -> list[Table]:
    return cached(("fund", year, _pk(county)), lambda: _fund_tables(year=year, county=county))


def county_comparison(*, year: int) -> Table:
    return cached(("counties", year), lambda: _county_comparison(year=year))
