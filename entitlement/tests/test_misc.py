"""Catalogue, money helpers, reports and the package's independence from Django."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from entitlement.batch import no_gc
from entitlement.compare import compare
from entitlement.guide import shipped_guide
from entitlement.measures import Kind, catalogue
from entitlement.money import AmountError, Scaler, fmt, parse_amount, round_down
from entitlement.report import evaluation_text, measures_text
from entitlement.scenario import parse_scenario
from entitlement.tests.helpers import ben, claim, run, scenario

PACKAGE = Path(__file__).resolve().parent.parent
FIXED_IDS = [
    "a1.first_time",
    "a1.independent_site",
    "a2.regional_center",
    "a3.benchmark",
    "a5.exhibition",
    "a6.livestream",
    "a7.ip_certification",
    "a7.brand_recognition",
    "a7.brand_promotion",
    "a8.park_recognition",
    "a10.public_warehouse",
    "a11.bonded_rent",
    "a11.capacity_voucher",
]


def test_catalogue_has_every_fixed_id_and_the_discretionary_measures() -> None:
    cat = catalogue()
    assert [m for m in cat.measures if cat.measures[m].kind is not Kind.DISCRETIONARY] == FIXED_IDS
    discretionary = {m.article for m in cat.measures.values() if m.discretionary}
    assert discretionary == {"(三)", "(四)", "(十一)", "(十二)", "(十六)", "(十八)"}
    assert cat.measures["a7.brand_promotion"].ceilings() == {
        "rate": Decimal("0.50"),
        "cap": Decimal(300000),
        "annual_cap": Decimal(300000),
    }
    assert (
        str(cat.policy.window_start) == "2024-11-20" and str(cat.policy.window_end) == "2027-12-31"
    )


def test_every_ceiling_is_quoted_from_the_seed_basis() -> None:
    for m in catalogue().measures.values():
        assert m.basis and m.article in {f"({n})" for n in "一二三四五六七八九十"} | {
            "(十一)",
            "(十二)",
            "(十六)",
            "(十八)",
        }


def test_money_rounds_down_and_formats() -> None:
    assert round_down(Decimal("40000.995"), Decimal(1)) == Decimal(40000)
    assert round_down(Decimal("-3"), Decimal(1)) == 0
    assert fmt(Decimal(40000)) == "40000.00"
    assert Scaler(Decimal(10000), Decimal(15000), Decimal(1))(Decimal(5000)) == Decimal(3333)
    with pytest.raises(AmountError):
        parse_amount("1e5")


def test_text_report_is_in_chinese() -> None:
    b = ben(recognitions=[{"type": "brand", "level": "national", "year": 2025}])
    text = evaluation_text(run(scenario([claim("a7.brand_recognition", "C1")], beneficiaries=[b])))
    assert (
        "政策资金测算报告" in text
        and "予以支持" in text
        and "500,000.00" in text
        and "第（七）条" in text
    )


def test_measures_text_lists_the_catalogue() -> None:
    text = measures_text()
    assert "a11.capacity_voucher" in text and "运力券" in text and "就高不重复" in text


def test_compare_totals_by_measure_and_county() -> None:
    sc = parse_scenario(scenario([claim("a7.brand_promotion", "C1", cost="1000000")]))
    other = shipped_guide(2025)
    result = compare(sc, other).as_json()
    (row,) = result["by_measure"]
    assert row["measure"] == "a7.brand_promotion" and row["base"]["due"] == "300000.00"
    assert result["by_county"][0]["county"] == "320722"
    assert result["other"]["guide_hash"] == other.content_hash


def test_engine_imports_no_django_in_a_fresh_interpreter() -> None:
    code = (
        "import sys, entitlement.cli, entitlement.engine, entitlement.report, entitlement.compare; "
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PACKAGE.parent)


def test_no_module_of_the_package_imports_django() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n == "django" or n.startswith("django.") for n in names), path


def test_no_gc_restores_the_collector_and_leaves_the_young_generation_empty() -> None:
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        gc.collect()  # every count at 0: the next automatic collection is a young one
        with no_gc():
            assert not gc.isenabled()
            made = [[i] for i in range(1000)]  # young, tracked objects
        assert gc.isenabled()
        [[i] for i in range(1000)]  # enough allocations for a young collection
        oldest = gc.get_objects(generation=2)  # promoted at once, not walked as young
        assert any(x is made[-1] for x in oldest)
        assert gc.get_freeze_count() == 0  # nothing left frozen
        gc.disable()
        with no_gc():
            pass
        assert not gc.isenabled()  # a disabled collector stays disabled
    finally:
        if was_enabled:
            gc.enable()
        else:
            gc.disable()


def test_no_gc_does_not_thaw_what_the_caller_froze() -> None:
    frozen = [[0]]
    gc.freeze()
    try:
        with no_gc():
            pass
        # Still in the permanent generation, which ``gc.get_objects()`` does not list. (The
        # freeze count itself may drop meanwhile: frozen objects that die leave it.)
        assert gc.get_freeze_count() > 0
        assert not any(x is frozen for x in gc.get_objects())
    finally:
        gc.unfreeze()
    assert any(x is frozen for x in gc.get_objects())
