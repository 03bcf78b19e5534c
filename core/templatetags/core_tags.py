"""Template tags of the shared kit: ``status_badge``, ``list_pagination`` and the number
filters ``money``, ``money_short``, ``number`` and ``month`` (how every page writes amounts)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.html import format_html
from django.utils.translation import get_language

from core.status import field_tones, tone_of

register = template.Library()


@register.simple_tag
def status_badge(obj: Any, field: str = "status", testid: str = "") -> str:
    """``<span class="badge TONE">label</span>`` for ``obj.<field>``, tone as its choices say.

    ``obj`` is a model instance, or any object whose class names the choices of the field as
    ``<field>_choices`` (a dataclass of a computed status: ``status_choices = TargetStatus``).
    """
    value = getattr(obj, field)
    choices = getattr(type(obj), f"{field}_choices", None)
    if choices is not None:
        tone = tone_of(choices, value)
        label = dict(choices.choices).get(str(value), value)
    else:
        tone = field_tones(type(obj), field).get(str(value), "")
        display = getattr(obj, f"get_{field}_display", None)
        label = display() if callable(display) else value
    css = f"badge {tone}".strip()
    if testid:
        return format_html('<span class="{}" data-testid="{}">{}</span>', css, testid, label)
    return format_html('<span class="{}">{}</span>', css, label)


@register.inclusion_tag("core/_pagination.html", takes_context=True)
def list_pagination(context: dict[str, Any], page: Page) -> dict[str, Any]:
    """Previous/next links that keep every other query parameter (all filters)."""
    return {"page_obj": page, "request": context.get("request")}


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _grouped(amount: Decimal, places: int) -> str:
    exp = Decimal(1).scaleb(-places)
    return f"{amount.quantize(exp, rounding=ROUND_HALF_UP):,.{places}f}"


@register.filter
def money(value: Any, places: int = 2) -> str:
    """An amount with thousands separators: ``185016553.32`` → ``185,016,553.32``.

    ``None`` or ``""`` give ``""`` (chain ``|default:"—"``); text that is no number is shown
    as it is. The unit (元) is the page's: in the column head or after the figure.
    """
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    return _grouped(amount, int(places))


@register.filter
def number(value: Any) -> str:
    """A figure with thousands separators: ``5000000000`` → ``5,000,000,000``; a figure written
    with decimals (``Decimal("400.00")``, an amount in yuan) keeps two places."""
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    exponent = amount.as_tuple().exponent
    return _grouped(amount, 2 if isinstance(exponent, int) and exponent < 0 else 0)


# Large sums for reading, by language: Chinese counts in 万 and 亿, English in million/billion.
_SCALES_ZH = ((Decimal(10) ** 8, "亿元"), (Decimal(10) ** 4, "万元"))
_SCALES_EN = ((Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million"))


@register.filter
def money_short(value: Any) -> str:
    """A large sum with its unit, as people say it: ``1.85 亿元`` / ``CNY 185.02 million``.

    Below 万 (10,000; in English below a million) the full amount is shown with separators:
    ``9,500.00 元`` / ``CNY 9,500.00``. Use it where a page shows sums in the millions
    (dashboards, targets, budgets); tables of individual amounts use ``money``.
    """
    amount = _decimal(value)
    if amount is None:
        return "" if value is None else str(value)
    english = (get_language() or "").startswith("en")
    for scale, unit in _SCALES_EN if english else _SCALES_ZH:
        if abs(amount) >= scale:
            figure = _grouped(amount / scale, 2)
            return f"CNY {figure} {unit}" if english else f"{figure} {unit}"
    return f"CNY {_grouped(amount, 2)}" if english else f"{_grouped(amount, 2)} 元"


@register.filter
def month(value: Any) -> str:
    """A month as ``2026-01``: from ``202601``, ``"2026-01"``, or a date."""
    if hasattr(value, "strftime"):
        return str(value.strftime("%Y-%m"))
    text = str(value or "")
    match = re.fullmatch(r"(\d{4})-?(\d{2})", text)
    return f"{match.group(1)}-{match.group(2)}" if match else text


@register.filter
def figure(value: Any) -> str:
    """A table cell: numbers (int, Decimal, float) as ``number`` does, anything else — text,
    codes kept as strings such as ``"320722"`` — unchanged."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return number(value)
    return "" if value is None else str(value)
