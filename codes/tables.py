"""The code tables as data: which model, natural key and columns each table has, and the rules a
row must satisfy. The loader (CSV files) and the services (admin edits) validate through here,
so a row the admin saves obeys the same rules as a row shipped in ``codes/data/``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from codes.models import Country, County, Currency, Holiday, SupervisionMode, Unit

TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "否", ""})


class RowError(ValueError):
    """One invalid value: the column it is in and a Chinese message."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


@dataclass(frozen=True)
class TableSpec:
    name: str
    model: type[models.Model]
    key: str
    columns: tuple[str, ...]
    label: str | Promise
    patterns: Mapping[str, tuple[str, str | Promise]] = field(default_factory=dict)
    row_check: Callable[[dict[str, Any]], None] | None = None

    def field(self, column: str) -> models.Field[Any, Any]:
        f = self.model._meta.get_field(column)
        assert isinstance(f, models.Field)
        return f

    @property
    def editable_columns(self) -> tuple[str, ...]:
        return tuple(c for c in self.columns if c != self.key)


def _check_county(row: dict[str, Any]) -> None:
    code, official = row.get("code", ""), row.get("official", True)
    if official and not re.fullmatch(r"\d{6}", code):
        raise RowError("code", _("官方代码必须是 6 位数字。"))
    if not official and not re.fullmatch(r"3207X\d", code):
        raise RowError("code", _("项目自定代码的格式为 3207X 加一位数字（如 3207X1）。"))


def _check_iso_numeric_not_142(row: dict[str, Any]) -> None:
    if row.get("iso_numeric") == "142":
        raise RowError(
            "iso_numeric",
            _("142 是海关代码（中国/人民币），不是 ISO 数字代码；中国的 ISO 数字代码是 156。"),
        )


def _check_country(row: dict[str, Any]) -> None:
    _check_iso_numeric_not_142(row)
    iso = [row.get("iso_alpha2", ""), row.get("iso_alpha3", ""), row.get("iso_numeric", "")]
    if any(iso) and not all(iso):
        raise RowError("iso_numeric", _("ISO 3166 二字母、三字母、数字代码须同时填写或同时留空。"))


def _check_currency(row: dict[str, Any]) -> None:
    _check_iso_numeric_not_142(row)
    if bool(row.get("iso_alpha")) != bool(row.get("iso_numeric")):
        raise RowError("iso_numeric", _("ISO 4217 字母代码和数字代码须同时填写或同时留空。"))


THREE_DIGITS = (r"\d{3}", gettext_lazy("必须是 3 位数字。"))

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            name="counties",
            model=County,
            key="code",
            columns=("code", "name", "name_en", "kind", "official", "sort_order"),
            label=gettext_lazy("县区与功能板块"),
            row_check=_check_county,
        ),
        TableSpec(
            name="countries",
            model=Country,
            key="customs_code",
            columns=(
                "customs_code",
                "name",
                "name_en",
                "iso_alpha2",
                "iso_alpha3",
                "iso_numeric",
                "notes",
            ),
            label=gettext_lazy("国别（地区）"),
            patterns={
                "customs_code": THREE_DIGITS,
                "iso_alpha2": (r"[A-Z]{2}", gettext_lazy("必须是 2 个大写字母。")),
                "iso_alpha3": (r"[A-Z]{3}", gettext_lazy("必须是 3 个大写字母。")),
                "iso_numeric": THREE_DIGITS,
            },
            row_check=_check_country,
        ),
        TableSpec(
            name="currencies",
            model=Currency,
            key="customs_code",
            columns=("customs_code", "name", "name_en", "iso_alpha", "iso_numeric", "notes"),
            label=gettext_lazy("币制"),
            patterns={
                "customs_code": THREE_DIGITS,
                "iso_alpha": (r"[A-Z]{3}", gettext_lazy("必须是 3 个大写字母。")),
                "iso_numeric": THREE_DIGITS,
            },
            row_check=_check_currency,
        ),
        TableSpec(
            name="units",
            model=Unit,
            key="code",
            columns=("code", "name", "name_en"),
            label=gettext_lazy("计量单位"),
            patterns={"code": THREE_DIGITS},
        ),
        TableSpec(
            name="supervision_modes",
            model=SupervisionMode,
            key="code",
            columns=("code", "short_name", "name", "name_en", "is_cbec", "reference"),
            label=gettext_lazy("监管方式"),
            patterns={"code": (r"\d{4}", gettext_lazy("必须是 4 位数字。"))},
        ),
        TableSpec(
            name="holidays",
            model=Holiday,
            key="date",
            columns=("date", "kind", "name", "provisional"),
            label=gettext_lazy("节假日与调休"),
        ),
    )
}


def spec_for(table: str) -> TableSpec:
    try:
        return TABLES[table]
    except KeyError:
        raise ValueError(
            _("未知代码表：%(t)s（可选：%(all)s）") % {"t": table, "all": ", ".join(TABLES)}
        ) from None


def parse_text(spec: TableSpec, column: str, raw: str) -> Any:
    """Turn one CSV cell into the Python value of its model field (raises RowError)."""
    f = spec.field(column)
    text = raw.strip()
    if isinstance(f, models.BooleanField):
        low = text.lower()
        if low in TRUE_WORDS:
            return True
        if low in FALSE_WORDS:
            return False
        raise RowError(column, _("“%(v)s”不是布尔值（true/false）。") % {"v": raw})
    if isinstance(f, models.DateField):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise RowError(column, _("“%(v)s”不是日期（格式 YYYY-MM-DD）。") % {"v": raw}) from None
    if isinstance(f, models.IntegerField):
        if not re.fullmatch(r"\d+", text):
            raise RowError(column, _("“%(v)s”不是非负整数。") % {"v": raw})
        return int(text)
    return text


def clean_row(spec: TableSpec, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check typed values against the model fields and the table's rules; return a clean dict."""
    row: dict[str, Any] = {}
    for column in spec.columns:
        f = spec.field(column)
        value = values.get(column, f.get_default())
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None) and not f.blank:
            raise RowError(column, _("必填。"))
        if isinstance(f, models.CharField):
            value = "" if value is None else str(value)
            if f.max_length is not None and len(value) > f.max_length:
                raise RowError(column, _("长度不能超过 %(n)d 个字符。") % {"n": f.max_length})
            if f.choices and value not in {c[0] for c in f.choices}:
                allowed = ", ".join(str(c[0]) for c in f.choices)
                raise RowError(
                    column, _("“%(v)s”不是允许的值（%(a)s）。") % {"v": value, "a": allowed}
                )
            pattern = spec.patterns.get(column)
            if pattern and value and not re.fullmatch(pattern[0], value):
                raise RowError(column, f"“{value}”{pattern[1]}")
        elif isinstance(f, models.BooleanField) and not isinstance(value, bool):
            raise RowError(column, _("必须是布尔值。"))
        elif isinstance(f, models.DateField) and not isinstance(value, dt.date):
            raise RowError(column, _("必须是日期。"))
        elif isinstance(f, models.IntegerField) and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            raise RowError(column, _("必须是非负整数。"))
        row[column] = value
    if spec.row_check is not None:
        spec.row_check(row)
    return row
