"""The number filters of core_tags: every page writes amounts, figures and months one way."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.core_tags import figure, money, money_short, month, number


def test_money_groups_thousands_and_keeps_two_places() -> None:
    assert money(Decimal("185016553.32")) == "185,016,553.32"
    assert money("5000000000") == "5,000,000,000.00"
    assert money(Decimal("0.005")) == "0.01"  # half up
    assert money(None) == "" and money("") == ""
    assert money("—") == "—"  # text that is no number is shown as it is


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (Decimal("185016553.32"), "1.85 亿元", "CNY 185.02 million"),
        ("5000000000", "50.00 亿元", "CNY 5.00 billion"),
        (Decimal("123456"), "12.35 万元", "CNY 123,456.00"),
        (Decimal("9500"), "9,500.00 元", "CNY 9,500.00"),
    ],
)
def test_money_short_in_wan_and_yi_or_millions(value: object, zh: str, en: str) -> None:
    with translation.override("zh-hans"):
        assert money_short(value) == zh
    with translation.override("en"):
        assert money_short(value) == en


def test_number_figure_and_month() -> None:
    assert number(5000000000) == "5,000,000,000"
    assert number(Decimal("400.00")) == "400.00"
    assert figure(Decimal("1234.5")) == "1,234.50"
    assert figure("320722") == "320722"  # a code kept as text is not a number to group
    assert month(202601) == "2026-01" and month("2026-01") == "2026-01"
    import datetime as dt

    assert month(dt.date(2026, 1, 31)) == "2026-01"


def test_filters_in_a_template() -> None:
    html = Template("{% load core_tags %}{{ v|money }} {{ v|money_short }}").render(
        Context({"v": Decimal("185016553.32")})
    )
    assert html == "185,016,553.32 1.85 亿元"
