"""Matter identity (就高不重复): one normalisation of invoice/contract numbers, and its use."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from entitlement.matter import matter_key, matter_keys
from entitlement.tests.helpers import claim, run, scenario

# an invoice/contract number as people write it: letters and digits in runs
NUMBERS = st.lists(
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=1, max_size=6),
    min_size=1,
    max_size=4,
)
SEPARATORS = st.sampled_from(["", " ", "-", "－", "_", "/", "／", ".", "　", " - ", "（", "）"])


def _full_width(text: str) -> str:
    """ASCII letters and digits as their full-width forms (Ｕ+FF01…)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


@st.composite
def variants(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A number and a few ways an enterprise might type it."""
    parts = draw(NUMBERS)
    out = []
    for _ in range(draw(st.integers(min_value=2, max_value=5))):
        text = ""
        for part in parts:
            text += draw(SEPARATORS) + part
        text += draw(SEPARATORS)
        if draw(st.booleans()):
            text = text.lower()
        if draw(st.booleans()):
            text = _full_width(text)
        out.append(text)
    return "".join(parts), out


def test_the_examples_of_the_issue() -> None:
    assert matter_key("INV-001") == matter_key("inv 001") == matter_key("ＩＮＶ－００１")
    assert matter_key("INV-001") == "inv001"
    assert matter_key("INV-001") != matter_key("INV-002")
    assert matter_key("合同 LYG/2026-07") == matter_key("合同lyg2026０７") == "合同lyg202607"
    assert matter_key("— / —") == ""  # no letter or digit: names no matter


@given(st.text(max_size=40))
@settings(max_examples=400)
def test_normalisation_is_idempotent(label: str) -> None:
    key = matter_key(label)
    assert matter_key(key) == key


@given(st.lists(st.text(max_size=20), max_size=20))
@settings(max_examples=200)
def test_the_batch_equals_one_call_per_label(labels: list[str]) -> None:
    assert matter_keys(labels) == {label: matter_key(label) for label in labels}


@given(st.lists(st.text(alphabet="AbZ09 -/\n.", max_size=12), max_size=20))
def test_the_ascii_batch_equals_one_call_per_label(labels: list[str]) -> None:
    assert matter_keys(labels) == {label: matter_key(label) for label in labels}


@given(variants())
@settings(max_examples=300)
def test_variants_of_one_number_have_one_key(case: tuple[str, list[str]]) -> None:
    number, typed = case
    assert {matter_key(t) for t in typed} == {matter_key(number)}


@given(variants(), st.lists(st.integers(min_value=100, max_value=9000), min_size=5, max_size=5))
@settings(max_examples=100, deadline=None)
def test_variants_of_one_number_group_together(
    case: tuple[str, list[str]], costs: list[int]
) -> None:
    """However the enterprise types the number, at most one claim of the matter is paid, and
    it is the highest; the reasons show the labels as typed."""
    _, typed = case
    claims = [
        claim("a7.ip_certification", f"C{i}", cost=str(costs[i]), matter=label)
        for i, label in enumerate(typed)
    ]
    results = run(scenario(claims)).results
    granted = [r for r in results if r.granted > 0]
    assert len(granted) == 1
    assert granted[0].computed == max(r.computed for r in results)
    for r in results:
        if r.status == "superseded":
            assert r.reasons[-1].params["matter"] == r.claim.matter  # as typed


def test_history_of_a_variant_is_deducted() -> None:
    raw = scenario(
        [claim("a7.ip_certification", "C1", cost="10000", matter="inv 001")],
        history=[
            {
                "beneficiary": "E1",
                "measure": "other.public_money",
                "year": 2025,
                "amount": "3000",
                "matter": "ＩＮＶ－００１",
            }
        ],
    )
    (result,) = run(raw).results
    assert str(result.granted) == "2000.00"
    assert [r.code for r in result.reasons][-1] == "matter_deducted"


def test_a_label_without_letters_or_digits_groups_nothing() -> None:
    claims = [
        claim("a7.ip_certification", "C1", cost="1000", matter="--"),
        claim("a7.ip_certification", "C2", cost="2000", matter="--"),
    ]
    assert [r.status for r in run(scenario(claims)).results] == ["granted", "granted"]
