"""DxpMsg transport envelope: XSD-valid wrapping, round trip, transfer node, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ceb import CebParseError, CebValidationError, build, parse
from ceb.envelope import unwrap, wrap, wrap_transfer
from ceb.signature import EcdsaTestSigner, sign, verify
from ceb.testing import example
from ceb.xsd import xsd_errors

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_wrap_is_valid_and_unwraps_to_the_same_bytes(reference: Path) -> None:
    message = sign(build(example("CEB621")), EcdsaTestSigner())
    created = dt.datetime(2026, 11, 26, 9, 30, tzinfo=SHANGHAI)
    envelope = wrap(
        message,
        sender_id="DXPENT0000458763",
        receiver_ids=("DXPEDCCEB0000002",),
        cop_msg_id="MSG-1",
        created=created,
        file_name="CEB621_1.xml",
    )
    assert xsd_errors(envelope, "dxp-terminal") == []
    env = unwrap(envelope)
    assert env.data == message
    assert env.msg_type == "CEB621Message"
    assert env.created == created
    assert (env.cop_msg_id, env.sender_id, env.receiver_ids) == (
        "MSG-1",
        "DXPENT0000458763",
        ("DXPEDCCEB0000002",),
    )
    assert env.file_name == "CEB621_1.xml"
    assert verify(env.data)  # the signature survives the Base64 trip
    assert parse(env.data, require_signature=True).message_type == "CEB621"


def test_transfer_node(reference: Path) -> None:
    inner = wrap(build(example("CEB311")), sender_id="DXPENT0000458763")
    outer = wrap_transfer(inner, msg_id="SV-1", end_node="EPORT", sta_node="LYG01")
    assert xsd_errors(outer, "dxp-transfer") == []
    env = unwrap(outer)
    assert env.sv_msg_id == "SV-1"
    assert env.msg_type == "CEB311Message"


def test_envelope_field_limits() -> None:
    with pytest.raises(CebValidationError) as exc:
        wrap(b"<a/>", sender_id="X" * 17, receiver_ids=(), msg_type="CEB311Message")
    paths = {e.path for e in exc.value.errors}
    assert paths == {"TransInfo.SenderId", "TransInfo.ReceiverIds"}
    with pytest.raises(ValueError, match="timezone"):
        wrap(b"<a/>", sender_id="S", created=dt.datetime(2026, 1, 1), msg_type="CEB311Message")


def test_not_an_envelope() -> None:
    with pytest.raises(CebParseError):
        unwrap(build(example("CEB311")))
    with pytest.raises(CebParseError):
        unwrap(b'<dxp:DxpMsg xmlns:dxp="http://www.chinaport.gov.cn/dxp" ver="1.0"/>')
