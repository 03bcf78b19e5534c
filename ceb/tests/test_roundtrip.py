"""Property tests: for every message type, parse(build(x)) == x and the XML is XSD-valid."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceb import MESSAGES, build, parse, validate
from ceb.testing import strategy
from ceb.xsd import xsd_errors

SIGNATURE_REQUIRED = {"CEB621", "CEB623", "CEB625", "CEB711"}


@pytest.mark.parametrize("message_type", sorted(MESSAGES))
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_round_trip(message_type: str, data: st.DataObject) -> None:
    message = data.draw(strategy(message_type))
    assert validate(message, require_signature=False) == []
    xml = build(message)
    assert parse(xml) == message


@pytest.mark.parametrize("message_type", ["CEB303", "CEB603", "CEB311", "CEB792", "CEB816"])
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_messages_are_xsd_valid(
    reference: Path, message_type: str, data: st.DataObject
) -> None:
    message = data.draw(strategy(message_type))
    assert xsd_errors(build(message)) == []
