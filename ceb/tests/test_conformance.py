"""Official samples and the official XSD: what customs ships must parse (or fail precisely),
and what we build must validate against the XSD."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ceb import MESSAGES, CebValidationError, build, parse, validate
from ceb.signature import EcdsaTestSigner, sign
from ceb.testing import example
from ceb.xsd import xsd_errors

# Reference §9: samples that are defective as shipped, and the precise error we report.
DEFECTIVE = {
    **{
        t: ["BaseTransfer: 重复出现(最多 1 次) / occurs more than once (at most 1 allowed)"]
        for t in ("CEB303", "CEB403", "CEB505", "CEB507", "CEB509", "CEB603", "CEB605", "CEB607")
    },
}
SIGNATURE_REQUIRED = {"CEB621", "CEB623", "CEB625", "CEB711"}
EXPECTED_SAMPLES = 39


def test_all_official_samples_are_present(samples: dict[str, bytes]) -> None:
    assert len(samples) == EXPECTED_SAMPLES


def test_valid_samples_parse_and_round_trip(samples: dict[str, bytes]) -> None:
    parsed = 0
    for name, data in samples.items():
        if name in DEFECTIVE or name in ("CEB214", "CEB792"):
            continue
        message = parse(data, require_signature=True)
        assert message.message_type == name
        assert parse(build(message)) == message
        parsed += 1
    assert parsed == EXPECTED_SAMPLES - len(DEFECTIVE) - 2


@pytest.mark.parametrize("name", sorted(DEFECTIVE))
def test_duplicate_base_transfer_samples_fail_precisely(
    samples: dict[str, bytes], name: str
) -> None:
    with pytest.raises(CebValidationError) as exc:
        parse(samples[name])
    assert [str(e) for e in exc.value.errors] == DEFECTIVE[name]


def test_ceb792_sample_lacks_gseqno(samples: dict[str, bytes]) -> None:
    with pytest.raises(CebValidationError) as exc:
        parse(samples["CEB792"])
    errors = [str(e) for e in exc.value.errors]
    assert "SummaryResult[0].SummaryResultList[0].gseqno: 必填 / required" in errors
    assert all(e.path.endswith(".gseqno") and e.code == "required" for e in exc.value.errors)


def test_ceb214_sample_has_a_short_root_name(samples: dict[str, bytes]) -> None:
    with pytest.raises(CebValidationError) as exc:
        parse(samples["CEB214"])
    first = exc.value.errors[0]
    assert (
        str(first)
        == "CEB214: 根元素名称应为 CEB214Message / root element must be named CEB214Message"
    )
    # it also carries an element the XSD does not define
    assert any(e.code == "unexpected" and "appSenderId" in e.path for e in exc.value.errors)
    lenient = parse(samples["CEB214"], validate_result=False)
    assert lenient.message_type == "CEB214"


def test_our_verdict_matches_the_xsd_on_every_sample(samples: dict[str, bytes]) -> None:
    for name, data in samples.items():
        xsd_ok = not xsd_errors(data) if name != "CEB214" else False
        try:
            parse(data, require_signature=True)
            ours = True
        except CebValidationError:
            ours = False
        assert ours == xsd_ok, name


def test_duplicate_removed_the_samples_validate(samples: dict[str, bytes]) -> None:
    data = samples["CEB603"]
    first = data.index(b"<ceb:BaseTransfer>")
    second = data.index(b"<ceb:BaseTransfer>", first + 1)
    end = data.index(b"</ceb:BaseTransfer>", second) + len(b"</ceb:BaseTransfer>")
    fixed = data[:second] + data[end:]
    message = parse(fixed)
    assert len(message.inventory) == data.count(b"<ceb:Inventory>")
    assert xsd_errors(build(message)) == []


@pytest.mark.parametrize("message_type", sorted(MESSAGES))
def test_every_built_message_validates_against_the_official_xsd(
    reference: Path, message_type: str
) -> None:
    message = example(message_type)
    assert validate(message, require_signature=False) == []
    xml = build(message)
    if message_type in SIGNATURE_REQUIRED:
        assert xsd_errors(xml) != []  # the import XSD requires the signature …
        xml = sign(xml, EcdsaTestSigner())  # … which signing adds in the right place
    assert xsd_errors(xml) == []
    assert parse(xml, require_signature=message_type in SIGNATURE_REQUIRED).message_type == (
        message_type
    )


def test_signature_required_by_the_import_xsd_is_reported(samples: dict[str, bytes]) -> None:
    message = dataclasses.replace(parse(samples["CEB621"]), signature=None)
    assert [str(e) for e in validate(message)] == ["Signature: 必填 / required"]
    assert validate(message, require_signature=False) == []
