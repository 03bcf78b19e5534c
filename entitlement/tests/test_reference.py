"""The optimised engine (integer fen, compiled rules, columns) equals a slow reference.

Also: the fast paths of the scenario reader agree with the detailed reader, and the fen
helpers of ``money`` agree with their ``Decimal`` twins.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entitlement.engine import evaluate
from entitlement.fastread import (
    LEVELLED_RECOGNITIONS,
    RECOGNITION_TYPES,
    read_beneficiary,
    read_claims,
    read_payment,
)
from entitlement.measures import BeneficiaryKind, Kind, catalogue
from entitlement.money import (
    _AMOUNT_RE,
    cents_of,
    fen_of,
    floor_cents,
    fmt,
    fmt_cents,
    fmt_grouped,
    fmt_grouped_cents,
    from_cents,
    round_down,
    share_cents,
    to_cents,
)
from entitlement.records import Beneficiary, Scenario, claim_rows, history_fen
from entitlement.rules import Context, Ledger, compile_rules
from entitlement.scenario import ScenarioError, _Reader, parse_scenario
from entitlement.tests import strategies
from entitlement.tests.helpers import GUIDE
from entitlement.tests.reference import reference

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(strategies.scenarios())
def test_engine_equals_the_reference_evaluator(raw: dict[str, Any]) -> None:
    sc = parse_scenario(raw)
    ev = evaluate(sc)
    expected = reference(sc)
    assert len(ev.results) == len(expected)
    for got, want in zip(ev.results, expected, strict=True):
        assert got.claim is want.claim
        assert (got.status.value, got.computed, got.due, got.granted) == (
            want.status,
            want.computed,
            want.due,
            want.granted,
        ), got.claim.id
        assert [r.code for r in got.reasons] == want.codes, got.claim.id
        assert got.superseded_by == want.superseded_by
    for lang in ("zh", "en"):  # output rendered from the records = from the Reason objects
        claims = [r.as_json(lang) for r in ev.results]
        assert ev.as_json(lang)["claims"] == claims
        assert [c["reasons"] for c in claims] == [
            [reason.as_json(lang) for reason in r.reasons] for r in ev.results
        ]
    assert ev.totals.granted == sum((o.granted for o in expected), Decimal(0))
    assert ev.totals.due == sum((o.due for o in expected), Decimal(0))
    assert ev.totals.computed == sum((o.computed for o in expected), Decimal(0))


@SETTINGS
@given(strategies.scenarios())
def test_written_out_rules_equal_the_composed_rules(raw: dict[str, Any]) -> None:
    """``rules.compile_cost_share`` and ``rules.compile_award`` (the hot paths) decide and
    explain exactly like the composition of the named rule functions (``rules.compile_rule``):
    same amounts, statuses and reason records, values included."""
    sc = parse_scenario(raw)
    fast, composed = evaluate(sc), evaluate(sc, fast=False)
    for got, want in zip(fast.results, composed.results, strict=True):
        assert (got.status, got.computed_cents, got.due_cents, got.granted_cents) == (
            want.status,
            want.computed_cents,
            want.due_cents,
            want.granted_cents,
        ), got.claim.id
        assert list(got.why) == list(want.why), got.claim.id
        assert got.superseded_by == want.superseded_by
    assert fast.totals == composed.totals


@SETTINGS
@given(strategies.scenarios())
def test_engine_reads_the_kept_rows_only_for_their_claims(raw: dict[str, Any]) -> None:
    """The reader keeps each claim's plain tuple for the engine (``Scenario.rows``); a
    scenario built without them, or whose claims were replaced after reading, is evaluated
    from copies of its claims: the same outcome either way, never from stale rows."""
    sc = parse_scenario(raw)
    assert sc.rows is not None and sc.rows[0] is sc.claims
    assert [type(row) for row in sc.rows[1]] == [tuple] * len(sc.claims)
    assert sc.rows[1] == list(sc.claims)
    assert claim_rows(sc) is sc.rows[1]
    expected = evaluate(sc).as_json()
    assert evaluate(dataclasses.replace(sc, rows=None)).as_json() == expected
    reordered = tuple(reversed(sc.claims))
    stale = dataclasses.replace(sc, claims=reordered)  # rows still those of sc.claims
    assert evaluate(stale).as_json() == evaluate(Scenario(*stale_fields(stale))).as_json()
    assert claim_rows(stale) == list(reordered)


@SETTINGS
@given(strategies.scenarios())
def test_ledger_reads_the_kept_fen_only_for_their_history(raw: dict[str, Any]) -> None:
    """The reader keeps the history's amounts in fen for the ledger (``Scenario.history_fen``,
    read from the text); a scenario without them, or whose history was replaced after
    reading, gets them from the ``Decimal`` amounts: the same outcome, never stale fen."""
    sc = parse_scenario(raw)
    assert sc.history_fen is not None and sc.history_fen[0] is sc.history
    assert sc.history_fen[1] == [to_cents(p.amount) for p in sc.history]
    assert history_fen(sc) is sc.history_fen[1]
    expected = evaluate(sc).as_json()
    assert evaluate(dataclasses.replace(sc, history_fen=None)).as_json() == expected
    changed = tuple(p._replace(amount=p.amount * 2) for p in reversed(sc.history))
    stale = dataclasses.replace(sc, history=changed)  # fen still those of sc.history
    assert history_fen(stale) is None or changed == ()  # () is one object: no stale fen
    fresh = dataclasses.replace(stale, history_fen=(changed, [to_cents(p.amount) for p in changed]))
    assert evaluate(stale).as_json() == evaluate(fresh).as_json()


def stale_fields(sc: Scenario) -> tuple[Any, ...]:
    return (sc.year, sc.guide, sc.beneficiaries, sc.history, sc.claims)


def test_cost_shares_and_awards_take_the_written_out_rules() -> None:
    """The equivalence above compares two different paths (not one path with itself): cost
    shares and awards open in the guide get their written-out rule, the rest the reference."""
    cat = catalogue()
    sc = parse_scenario({"year": 2025, "guide": GUIDE, "beneficiaries": [], "claims": []})
    ctx = Context(sc.year, sc.guide, cat.policy, 100)
    ledger = Ledger((), cat, sc.year)
    fast, composed = compile_rules(cat, ctx, ledger), compile_rules(cat, ctx, ledger, fast=False)
    written = {Kind.COST_SHARE: "compile_cost_share.", Kind.AWARD: "compile_award."}
    written |= {Kind.AWARD_TIERS: "compile_award.", Kind.AWARD_LEVEL: "compile_award."}
    for kind, name in written.items():
        ids = [mid for mid, m in cat.measures.items() if m.kind is kind]
        assert ids and all(mid in sc.guide.measures for mid in ids), kind
        for mid in ids:
            assert fast[mid].__qualname__.startswith(name), mid
    for mid, m in cat.measures.items():
        assert composed[mid].__qualname__.startswith("compile_rule."), mid
        if m.kind not in written or mid not in sc.guide.measures:
            assert fast[mid].__qualname__.startswith("compile_rule."), mid


# --- fast paths of the reader against the detailed reader ----------------------------------

ODD_VALUES: list[Any] = [
    None,
    True,
    0,
    1.5,
    "",
    "x",
    "-1",
    "1.005",
    "12,000",
    "０",
    [],
    {},
    2025,
    1800,
    "2025",
    "２０２５",
    "2025-05-10",
    "2025-06-01T09:00:00",
    "2025-06-01T09:00:00+08:00",
    "brand",
    "national",
    "E1",
    "enterprise",
    "a7.brand_promotion",
]


@st.composite
def mutated(draw: Any, item: dict[str, Any], nested: tuple[str, ...]) -> dict[str, Any]:
    """``item`` with up to three changes: a key set to an odd value, removed, or added."""
    item = copy.deepcopy(item)
    for _ in range(draw(st.integers(0, 3))):
        target = item
        for key in nested:
            if draw(st.booleans()) and isinstance(target.get(key), dict):
                target = target[key]
            elif draw(st.booleans()) and isinstance(target.get(key), list) and target[key]:
                inner = target[key][0]
                if isinstance(inner, dict):
                    target = inner
        keys = sorted(target) or ["id"]
        key = draw(st.sampled_from([*keys, "unknown"]))
        if draw(st.integers(0, 3)) == 0:
            target.pop(key, None)
        else:
            target[key] = draw(st.sampled_from(ODD_VALUES))
    return item


@SETTINGS
@given(st.data())
def test_fast_beneficiary_reader_agrees_with_the_detailed_reader(data: Any) -> None:
    raw = data.draw(strategies.beneficiaries("E1"))
    item = data.draw(mutated(raw, ("facts", "recognitions", "cbec_trade")))
    reader = _Reader(catalogue())
    slow = reader.beneficiary(item, "beneficiaries[0]")
    kinds = frozenset(k.value for k in BeneficiaryKind)
    levels = catalogue().policy.recognition_levels
    fast = read_beneficiary(item, kinds, RECOGNITION_TYPES, LEVELLED_RECOGNITIONS, levels)
    assert fast == (None if reader.problems else slow)
    if fast is not None:  # built as records.BeneficiaryFields, then given the frozen class
        assert type(fast) is Beneficiary and repr(fast) == repr(slow)
        assert [getattr(fast, f.name) for f in dataclasses.fields(Beneficiary)] == [
            getattr(slow, f.name) for f in dataclasses.fields(Beneficiary)
        ]
        with pytest.raises(dataclasses.FrozenInstanceError):
            fast.kind = "park_operator"  # type: ignore[misc]


def key_variants(required: dict[str, Any], optional: dict[str, Any]) -> list[dict[str, Any]]:
    """Objects with the required keys (or one left out), any optional keys present, absent
    or null, and an unknown key or not."""
    out = []
    for drop in [None, *required]:
        for states in itertools.product(("absent", "set", "null"), repeat=len(optional)):
            item = {k: v for k, v in required.items() if k != drop}
            for (key, value), state in zip(optional.items(), states, strict=True):
                if state != "absent":
                    item[key] = value if state == "set" else None
            out += [item, {**item, "unknown": 1}]
    return out


def test_fast_readers_count_keys_like_the_detailed_reader() -> None:
    """The fast readers rule out unknown keys by counting the keys they read (no set built):
    with any optional keys present, absent or null, a required one missing, or an unknown
    one, they accept exactly what the detailed reader accepts."""
    cat = catalogue()
    kinds = frozenset(k.value for k in BeneficiaryKind)
    levels = cat.policy.recognition_levels
    rec = {"type": "brand", "level": "national", "year": 2025}
    facts = {"first_cbec_year": 2025, "cbec_trade": {"2025": "1.50"}}
    facts |= {"independent_site_export": {}, "recognitions": [rec], "disqualified": False}
    items = key_variants({"id": "E1", "kind": "enterprise"}, {"county": "1", "name": "n"})
    items += key_variants({"id": "E1", "kind": "enterprise"}, {"facts": {}})
    items += [{"id": "E1", "kind": "enterprise", "facts": f} for f in key_variants({}, facts)]
    recs = key_variants({"type": "brand", "year": 2025}, {"level": "national"})
    recs += key_variants({"type": "benchmark", "year": 2025}, {"level": "national"})
    items += [{"id": "E1", "kind": "enterprise", "facts": {"recognitions": [r]}} for r in recs]
    accepted = 0
    for item in items:
        reader = _Reader(cat)
        slow = reader.beneficiary(item, "beneficiaries[0]")
        fast = read_beneficiary(item, kinds, RECOGNITION_TYPES, LEVELLED_RECOGNITIONS, levels)
        assert fast == (None if reader.problems else slow), item
        accepted += fast is not None
    history = {"beneficiary": "E1", "measure": "a3.benchmark", "year": 2025, "amount": "1.50"}
    for item in key_variants(history, {"matter": "m1", "note": "x"}):
        reader = _Reader(cat)
        slow_payment = reader.payment(item, "history[0]", {"E1"})
        assert read_payment(item, {"E1"}) == (None if reader.problems else slow_payment), item
        accepted += not reader.problems
    assert 0 < accepted < len(items)


@SETTINGS
@given(st.data())
def test_fast_history_reader_agrees_with_the_detailed_reader(data: Any) -> None:
    item = data.draw(mutated(data.draw(strategies.histories()), ()))
    reader = _Reader(catalogue())
    known = set(strategies.BENS)
    slow = reader.payment(item, "history[0]", known)
    assert read_payment(item, known) == (None if reader.problems else slow)


@SETTINGS
@given(st.data())
def test_fast_claim_reader_agrees_with_the_detailed_reader(data: Any) -> None:
    raw = data.draw(strategies.scenarios())
    claim = data.draw(strategies.claims(0))
    raw["claims"] = [data.draw(mutated(claim, ("attributes",)))]
    try:
        sc = parse_scenario(raw)
    except ScenarioError as exc:
        # the detailed reader found a problem the fast path refused too, and named it
        assert not any("is not a valid claim" in p for p in exc.problems), exc.problems
        return
    (parsed,) = sc.claims
    item = raw["claims"][0]
    assert (parsed.id, parsed.beneficiary, parsed.measure) == (
        item["id"],
        item["beneficiary"],
        item["measure"],
    )
    assert parsed.cost == (Decimal(item["cost"]) if item.get("cost") is not None else None)


def _mutated(draw: Any, text: str, alphabet: str, most: int) -> str:
    """``text`` with up to ``most`` characters changed, dropped or added (from ``alphabet``)."""
    chars = list(text)
    for _ in range(draw(st.integers(0, most))):
        at = draw(st.integers(0, len(chars)))
        action = draw(st.integers(0, 2))
        if action == 0 and at < len(chars):
            chars[at] = draw(st.sampled_from(alphabet))
        elif action == 1 and at < len(chars):
            del chars[at]
        else:
            chars.insert(at, draw(st.sampled_from(alphabet)))
    return "".join(chars)


STAMP = "2025-05-08T01:51:27+08:00"
STAMP_CHARS = "0123456789:-+TZ. ,W"


@st.composite
def fuzzed_stamps(draw: Any) -> str:
    """A stamp like ``STAMP`` with a few characters changed, dropped or added."""
    text = draw(st.sampled_from([STAMP, "2025-05-08T01:51:27-05:30", "2025-05-08 01:51"]))
    return _mutated(draw, text, STAMP_CHARS, 4)


@given(st.lists(fuzzed_stamps(), min_size=1, max_size=8))
@settings(max_examples=400, deadline=None)
def test_fast_stamps_equal_fromisoformat_in_utc(stamps: list[str]) -> None:
    """The offset-cache path of ``read_claims`` accepts, refuses and converts exactly like
    ``datetime.fromisoformat(stamp).astimezone(UTC)`` (aware stamps only)."""
    items = [
        {"id": f"C{i}", "beneficiary": "E1", "measure": "a3.benchmark", "date": "2025-05-10"}
        | {"submitted_at": stamp}
        for i, stamp in enumerate(stamps)
    ]
    refused: list[str] = []
    got = read_claims(items, {"E1"}, catalogue().measures, set(), lambda c, p, s: refused.append(p))
    expected = {}
    for i, stamp in enumerate(stamps):
        try:  # short forms ("…T01:51Z") are valid ISO 8601 too: accepted by both readers
            parsed = dt.datetime.fromisoformat(stamp)
        except ValueError:
            continue
        if parsed.tzinfo is not None:
            expected[f"C{i}"] = parsed.astimezone(dt.UTC)
    assert {c.id: c.submitted_at for c in got} == expected
    assert all(c.submitted_at.tzinfo is dt.UTC for c in got)
    assert len(refused) == len(stamps) - len(expected)


# --- fen helpers against Decimal ------------------------------------------------------------

amount_texts = strategies.amounts


@given(amount_texts, st.sampled_from(["1", "0.01", "10", "100"]))
def test_fen_helpers_equal_their_decimal_twins(text: str, unit_text: str) -> None:
    amount, unit = Decimal(text), Decimal(unit_text)
    cents, unit_c = cents_of(text), to_cents(unit)
    assert from_cents(cents) == amount and to_cents(amount) == cents
    assert from_cents(floor_cents(cents, unit_c)) == round_down(amount, unit)
    assert fmt_cents(cents) == fmt(amount)
    assert fmt_grouped_cents(cents) == fmt_grouped(amount)
    for rate in ("0.02", "0.3", "0.5", "0.7", "0.1234", "1"):
        units = int(Decimal(rate) * 10_000)
        expected = round_down(amount * Decimal(rate), unit)
        assert from_cents(share_cents(cents, units, unit_c)) == expected


AMOUNT_CHARS = "0123456789.-+ _,e\n٣０"


@st.composite
def fuzzed_amounts(draw: Any) -> object:
    """A valid amount text with a few characters changed, dropped or added (or not a str)."""
    if draw(st.integers(0, 19)) == 0:
        return draw(st.sampled_from([None, 12, 12.5, b"12.50", ["1"]]))
    return _mutated(draw, draw(amount_texts), AMOUNT_CHARS, 3)


@given(fuzzed_amounts())
@settings(max_examples=2000, deadline=None)
def test_fen_of_accepts_and_converts_like_the_amount_regex(text: object) -> None:
    """``fen_of`` (str methods for the two-decimal form) = ``_AMOUNT_RE`` + ``cents_of``."""
    valid = type(text) is str and _AMOUNT_RE.fullmatch(text) is not None
    assert fen_of(text) == (cents_of(text) if valid else None)  # type: ignore[arg-type]


FEN_ACCEPTED = {"0.05": 5, "0.50": 50, "1.00": 100, "999999999999999.99": 99999999999999999}
FEN_REFUSED = ["00.50", ".50", "1.2.50", "+1.50", "1_0.50", "١٢.٥٠", "1.50 "]
FEN_REFUSED.append("1" + "0" * 15 + ".00")  # sixteen digits before the point


@given(st.lists(fuzzed_amounts(), min_size=1, max_size=8))
@settings(max_examples=500, deadline=None)
def test_fast_cost_equals_fen_of(texts: list[object]) -> None:
    """``read_claims`` reads a claim's cost like ``fen_of`` (its two-decimal path is written
    out in the claim loop): the same texts accepted, the same fen."""
    check_costs(texts)


def test_fast_cost_edges() -> None:
    check_costs([*FEN_ACCEPTED, *FEN_REFUSED])
    for text in FEN_REFUSED:
        check_costs([text])


def check_costs(texts: list[object]) -> None:
    items = [
        {"id": f"C{i}", "beneficiary": "E1", "measure": "a7.brand_promotion", "cost": text}
        | {"date": "2025-05-10", "submitted_at": STAMP}
        for i, text in enumerate(texts)
    ]
    refused: list[str] = []
    got = read_claims(items, {"E1"}, catalogue().measures, set(), lambda c, p, s: refused.append(p))
    expected = {f"C{i}": fen_of(text) for i, text in enumerate(texts) if text is not None}
    assert {c.id: c.cost_cents for c in got} == {
        cid: fen for cid, fen in expected.items() if fen is not None
    } | {f"C{i}": None for i, text in enumerate(texts) if text is None}
    assert len(refused) == sum(fen is None for fen in expected.values())


def test_fen_of_edges() -> None:
    for text, fen in FEN_ACCEPTED.items():
        assert fen_of(text) == fen, text
    for text in FEN_REFUSED:
        assert fen_of(text) is None, text


def test_sub_fen_amounts_are_refused_by_to_cents() -> None:
    with pytest.raises(ValueError):
        to_cents(Decimal("0.005"))


def test_short_iso_stamps_are_read_like_the_detailed_reader() -> None:
    """A stamp without seconds ("…T01:51Z") is valid ISO 8601: both readers accept it."""
    import datetime as dt
    import json

    from entitlement.scenario import parse_scenario

    scenario = {
        "year": 2025,
        "guide": "2025",
        "beneficiaries": [
            {"id": "E1", "kind": "enterprise", "county": "320722",
             "facts": {"first_cbec_year": 2025, "cbec_trade": {"2025": "1200000.00"}}}
        ],
        "history": [],
        "claims": [
            {"id": "C1", "beneficiary": "E1", "measure": "a1.first_time", "matter": "M1",
             "date": "2025-05-10", "submitted_at": "2025-05-08T01:51Z", "attributes": {}}
        ],
    }  # fmt: skip
    parsed = parse_scenario(json.loads(json.dumps(scenario)))
    (claim,) = parsed.claims
    assert claim.submitted_at == dt.datetime(2025, 5, 8, 1, 51, tzinfo=dt.UTC)


@given(
    st.lists(
        st.tuples(st.sampled_from(["C1", "C2", "C10", "D", "c1"]), st.integers(0, 3)),
        max_size=12,
        unique_by=lambda t: t[0],
    ),
    st.booleans(),
)
def test_processing_order_is_by_time_then_id(
    pairs: list[tuple[str, int]], in_id_order: bool
) -> None:
    """Rule 7 sorts by (time, id), whether the claims come in id order or not."""
    from entitlement.engine import rule_7_processing_order
    from entitlement.records import make_claim

    if in_id_order:
        pairs = sorted(pairs)
    start = dt.datetime(2025, 5, 8, tzinfo=dt.UTC)
    claims = tuple(
        make_claim(cid, "E1", "a3.benchmark", dt.date(2025, 5, 8), start + dt.timedelta(hours=h))
        for cid, h in pairs
    )
    expected = sorted(range(len(claims)), key=lambda i: (claims[i].submitted_at, claims[i].id))
    assert rule_7_processing_order(claims) == expected
