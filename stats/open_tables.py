"""The open-data page as tables: what the page shows and what its CSV and Excel downloads hold.

Built only from the published cells of :mod:`stats.opendata` (each already through
``suppress``), so the page and both downloads show the same figures and the same "—" where a
cell is suppressed; nothing is recomputed here. Months read ``2026-01``, counties, supervision
modes and targets by name in the page's language, with the code after.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from stats import opendata
from stats.selectors import Table

SUPPRESSED = "—"


def _value(cell: dict[str, Any]) -> Decimal | str:
    """A published cell's value as a number, or "—" when suppressed."""
    return SUPPRESSED if cell["value"] is None else Decimal(cell["value"])


def _month(key: int) -> str:
    return f"{key // 100}-{key % 100:02d}"


def open_tables(*, year: int) -> list[Table]:
    from codes.models import County, SupervisionMode

    counties = {c.code: c.label_with_code for c in County.objects.all()}
    modes = {m.code: str(m) for m in SupervisionMode.objects.all()}
    targets = opendata.open_targets(year=year)
    trade = opendata.open_trade(year=year)

    target_table = Table(
        "open_targets", _("2027年目标"), [_("目标"), _("当前值"), _("目标值"), _("单位")]
    )
    for c in targets["targets"]:
        target_table.rows.append([c["name"], _value(c), Decimal(c["target_value"]), c["unit"]])
    total = Table("open_total", _("跨境电商进出口（元）"), [_("项目"), _("金额")])
    total.rows.append([_("合计"), _value(trade["total"])])
    months = Table("open_months", _("按月进出口额（元）"), [_("月份"), _("金额")])
    months.rows.extend([_month(c["key"]["month"]), _value(c)] for c in trade["by_month"])
    by_mode = Table("open_modes", _("按监管方式（元）"), [_("监管方式"), _("金额")])
    by_mode.rows.extend(
        [modes.get(c["key"]["mode"], c["key"]["mode"]), _value(c)] for c in trade["by_mode"]
    )
    by_county = Table("open_counties", _("按县区（元）"), [_("县区"), _("金额")])
    by_county.rows.extend(
        [counties.get(c["key"]["county"], c["key"]["county"]), _value(c)]
        for c in trade["by_county"]
    )
    return [target_table, total, months, by_mode, by_county]


def long_rows(tables: list[Table]) -> list[list[Any]]:
    """One row per published figure (table, row, column, value): the CSV download."""
    rows: list[list[Any]] = []
    for table in tables:
        for row in table.rows:
            for column, value in zip(table.columns[1:], row[1:], strict=True):
                rows.append([str(table.title), row[0], str(column), value])
    return rows
