"""Hostile inputs are refused with a clear error, in parse, streams and envelopes."""

from __future__ import annotations

import base64

import pytest

from ceb import CebParseError, CebUnsafeInput, Limits, build, iter_records, parse
from ceb.envelope import unwrap, wrap
from ceb.safety import check_prolog
from ceb.testing import example

NS = b'xmlns:ceb="http://www.chinaport.gov.cn/ceb"'
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b"<ceb:CEB604Message " + NS + b' guid="x" version="1.0">&xxe;</ceb:CEB604Message>'
)
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b"]>\n<lolz>&lol9;</lolz>"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE r SYSTEM "http://example.com/evil.dtd">\n'
    b"<ceb:CEB604Message " + NS + b' guid="x" version="1.0"/>'
)
AFTER_COMMENT = b"<!-- harmless -->\n<?pi x?>\n<!DOCTYPE r []>\n<r/>"
HOSTILE = {
    "xxe": XXE,
    "billion-laughs": LAUGHS,
    "external-dtd": EXTERNAL_DTD,
    "after-comment": AFTER_COMMENT,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_doctype_inputs_are_refused_by_parse(name: str) -> None:
    with pytest.raises(CebUnsafeInput, match="DOCTYPE"):
        parse(HOSTILE[name])


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_doctype_inputs_are_refused_by_streams(name: str) -> None:
    with pytest.raises(CebUnsafeInput, match="DOCTYPE"):
        list(iter_records(HOSTILE[name]))


def test_doctype_inside_an_envelope_is_refused() -> None:
    envelope = wrap(XXE, sender_id="DXPENT0000000001", msg_type="CEB604Message")
    payload = unwrap(envelope).data
    with pytest.raises(CebUnsafeInput):
        parse(payload)
    hostile_envelope = XXE.split(b"<ceb:")[0] + b'<dxp:DxpMsg xmlns:dxp="x"/>'
    with pytest.raises(CebUnsafeInput):
        unwrap(hostile_envelope)


def test_undeclared_entity_is_a_parse_error_not_an_expansion() -> None:
    xml = b"<ceb:CEB604Message " + NS + b' guid="x" version="1.0">&secret;</ceb:CEB604Message>'
    with pytest.raises(CebParseError):
        parse(xml)


def test_oversized_input() -> None:
    xml = build(example("CEB604"))
    with pytest.raises(CebUnsafeInput, match="size limit"):
        parse(xml, limits=Limits(max_bytes=len(xml) - 1))
    assert parse(xml, limits=Limits(max_bytes=len(xml))).message_type == "CEB604"
    big = wrap(xml, sender_id="DXPENT0000000001")
    with pytest.raises(CebUnsafeInput):
        unwrap(big, limits=Limits(max_bytes=100))


def _deep(levels: int) -> bytes:
    xml = build(example("CEB604"))
    nest = b"<a>" * levels + b"x" + b"</a>" * levels
    return xml.replace(b"</ceb:returnInfo>", nest + b"</ceb:returnInfo>", 1)


def test_too_deep_input_is_refused() -> None:
    with pytest.raises(CebUnsafeInput, match="depth"):
        parse(_deep(40))
    with pytest.raises(CebUnsafeInput, match="depth"):
        list(iter_records(_deep(40)))
    with pytest.raises(CebUnsafeInput, match="depth"):
        parse(_deep(5), limits=Limits(max_depth=6))


def test_extremely_deep_input_hits_the_parser_limit() -> None:
    with pytest.raises(CebUnsafeInput):
        parse(_deep(5000), limits=Limits(max_depth=10_000))


def test_shallow_nesting_in_a_field_is_a_validation_error_not_unsafe() -> None:
    from ceb import CebValidationError

    with pytest.raises(CebValidationError) as exc:
        parse(_deep(2))
    assert exc.value.errors[0].code == "type"


def test_utf16_is_refused() -> None:
    with pytest.raises(CebParseError):
        check_prolog("<?xml version='1.0' encoding='UTF-16'?><a/>".encode("utf-16"))


def test_base64_garbage_in_envelope() -> None:
    envelope = wrap(b"<a/>", sender_id="S", msg_type="CEB604Message")
    data = base64.b64encode(b"<a/>")
    with pytest.raises(CebParseError, match="Base64"):
        unwrap(envelope.replace(data, b"!!!not base64!!!"))
