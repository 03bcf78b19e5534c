"""The shipped tables: customs codes kept apart from ISO codes, and the expected coverage."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from codes import services
from codes.loaders import LoadResult
from codes.models import Country, County, Currency, SupervisionMode, Unit

pytestmark = pytest.mark.django_db

RCEP_AND_ASEAN = [
    "JP",
    "KR",
    "AU",
    "NZ",
    "BN",
    "KH",
    "ID",
    "LA",
    "MY",
    "MM",
    "PH",
    "SG",
    "TH",
    "VN",
]
EU_MAIN = ["DE", "FR", "IT", "NL", "BE", "ES", "PL", "SE", "IE", "AT", "DK", "FI", "PT", "GR", "CZ"]
CENTRAL_ASIA = ["KZ", "KG", "TJ", "TM", "UZ"]
OTHERS = ["RU", "US", "CA", "MX", "BR", "AR", "CL", "AE", "SA", "TR", "IL", "ZA", "EG", "NG", "KE"]


def test_china_and_usa_crosswalk(code_tables: list[LoadResult]) -> None:
    china = Country.objects.get(customs_code="142")
    assert (china.iso_alpha2, china.iso_alpha3, china.iso_numeric) == ("CN", "CHN", "156")
    usa = Country.objects.get(customs_code="502")
    assert (usa.iso_alpha2, usa.iso_alpha3, usa.iso_numeric) == ("US", "USA", "840")
    assert Country.objects.get(iso_alpha3="CHN").customs_code == "142"
    assert Country.objects.get(iso_numeric="840").customs_code == "502"


@pytest.mark.parametrize(
    ("customs", "a3", "numeric"),
    [
        ("110", "HKG", "344"),
        ("116", "JPN", "392"),
        ("133", "KOR", "410"),
        ("141", "VNM", "704"),
        ("303", "GBR", "826"),
        ("304", "DEU", "276"),
        ("328", "ROU", "642"),
        ("344", "RUS", "643"),
    ],
)
def test_country_samples(
    code_tables: list[LoadResult], customs: str, a3: str, numeric: str
) -> None:
    row = Country.objects.get(customs_code=customs)
    assert (row.iso_alpha3, row.iso_numeric) == (a3, numeric)


@pytest.mark.parametrize(
    ("customs", "alpha", "numeric"),
    [
        ("142", "CNY", "156"),
        ("502", "USD", "840"),
        ("300", "EUR", "978"),
        ("303", "GBP", "826"),
        ("116", "JPY", "392"),
        ("110", "HKD", "344"),
    ],
)
def test_currency_crosswalk(
    code_tables: list[LoadResult], customs: str, alpha: str, numeric: str
) -> None:
    row = Currency.objects.get(customs_code=customs)
    assert (row.iso_alpha, row.iso_numeric) == (alpha, numeric)


def test_no_customs_code_is_stored_as_its_iso_numeric(code_tables: list[LoadResult]) -> None:
    for model in (Country, Currency):
        same = [r.customs_code for r in model.objects.all() if r.customs_code == r.iso_numeric]
        assert same == [], model
    assert not Country.objects.filter(iso_numeric="142").exists()
    assert not Currency.objects.filter(iso_numeric="142").exists()


def test_uncertain_currency_codes_are_flagged(code_tables: list[LoadResult]) -> None:
    for customs in ("133", "344"):
        assert "待核实" in Currency.objects.get(customs_code=customs).notes
    assert "待核实" not in Currency.objects.get(customs_code="502").notes


def test_database_refuses_142_as_an_iso_numeric(code_tables: list[LoadResult]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Country.objects.filter(customs_code="142").update(iso_numeric="142")
    with pytest.raises(IntegrityError), transaction.atomic():
        Currency.objects.filter(customs_code="142").update(iso_numeric="142")
    assert Country.objects.get(customs_code="142").iso_numeric == "156"


def test_service_refuses_142_as_an_iso_numeric(
    code_tables: list[LoadResult], users: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.code_update(
            actor=users["administrator"],
            table="countries",
            key="142",
            values={"iso_numeric": "142"},
        )
    assert "iso_numeric" in caught.value.message_dict
    assert Country.objects.get(customs_code="142").iso_numeric == "156"


def test_main_trading_partners_are_covered(code_tables: list[LoadResult]) -> None:
    alpha2 = set(Country.objects.exclude(iso_alpha2="").values_list("iso_alpha2", flat=True))
    for group in (RCEP_AND_ASEAN, EU_MAIN, CENTRAL_ASIA, OTHERS):
        assert set(group) <= alpha2, set(group) - alpha2
    assert Country.objects.exclude(iso_numeric="").count() >= 60
    for customs in ("701", "702"):
        row = Country.objects.get(customs_code=customs)
        assert (row.iso_alpha2, row.iso_alpha3, row.iso_numeric) == ("", "", "")


def test_counties_in_order_with_project_codes(code_tables: list[LoadResult]) -> None:
    rows = list(County.objects.values_list("code", "name", "official"))
    assert [r[0] for r in rows] == [
        "320703", "320706", "320707", "320722", "320723", "320724",
        "320771", "320772", "3207X1", "3207X2",
    ]  # fmt: skip
    assert rows[8] == ("3207X1", "徐圩新区", False)
    assert rows[9] == ("3207X2", "云台山景区", False)
    assert all(official for _code, _name, official in rows[:8])
    assert County.objects.get(code="320771").kind == "zone"


def test_supervision_modes(code_tables: list[LoadResult]) -> None:
    modes = {m.code: m for m in SupervisionMode.objects.all()}
    assert set(modes) == {"0110", "1210", "1239", "9610", "9710", "9810"}
    assert [c for c, m in modes.items() if not m.is_cbec] == ["0110"]
    assert modes["9610"].reference == "海关总署公告2014年第12号"
    assert modes["1210"].reference == "海关总署公告2014年第57号"
    assert modes["1239"].reference == "海关总署公告2016年第75号"
    assert modes["9710"].reference == modes["9810"].reference == "海关总署公告2020年第75号"


def test_units(code_tables: list[LoadResult]) -> None:
    assert Unit.objects.get(code="035").name == "千克"
    assert Unit.objects.get(code="007").name == "个"
    assert Unit.objects.get(code="163").name == "部"
    assert not Unit.objects.filter(name_en="").exists()
