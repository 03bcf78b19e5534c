"""The trade profile's signature: genuine documents pass, any changed content byte is refused,
by the function, the public page and the public API."""

from __future__ import annotations

import json
import random
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from credit import documents, services, signing, verification
from credit.tests.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(world: SimpleNamespace) -> Any:
    application = apply(world, scopes=["trade", "recognitions", "registry"])
    return services.profile_issue(actor=world.bank, application=application)


def test_genuine_envelope_passes(profile: Any) -> None:
    outcome = verification.verify_envelope(documents.envelope_bytes(profile))
    assert outcome.ok and outcome.number == profile.number and outcome.organisation == "示例银行"


def test_a_one_byte_change_in_the_content_is_refused(profile: Any) -> None:
    raw = documents.envelope_bytes(profile)
    tampered = raw.replace(b'"total_cny": "17345.00"', b'"total_cny": "17345.01"')
    assert tampered != raw and len(tampered) == len(raw)
    outcome = verification.verify_envelope(tampered)
    assert not outcome.ok and "SM3" in outcome.reason


def test_every_sampled_byte_change_of_the_document_is_refused(profile: Any) -> None:
    """Change one non-whitespace byte of the document part at 200 seeded positions: each is
    refused (invalid JSON, another digest or another structure)."""
    raw = documents.envelope_bytes(profile)
    start, end = raw.index(b'"document"'), raw.index(b'"signature"')
    positions = [i for i in range(start, end) if raw[i : i + 1] not in (b" ", b"\n")]
    rng = random.Random(19)
    for i in rng.sample(positions, 200):
        new = b"X" if raw[i : i + 1] != b"X" else b"Y"
        outcome = verification.verify_envelope(raw[:i] + new + raw[i + 1 :])
        assert not outcome.ok, (i, raw[i - 10 : i + 10])


@pytest.mark.parametrize("field", ["sm3", "value", "number", "key_name"])
def test_a_changed_signature_block_is_refused(profile: Any, field: str) -> None:
    envelope = documents.envelope(profile)
    value = envelope["signature"][field]
    envelope["signature"][field] = ("0" if value[0] != "0" else "1") + value[1:]
    assert not verification.verify_envelope(json.dumps(envelope)).ok


def test_a_document_signed_with_another_key_is_refused(profile: Any) -> None:
    """A forger re-digests changed content and signs with a key of its own."""
    envelope = documents.envelope(profile)
    envelope["document"]["data"]["trade"]["total_cny"] = "99999999.00"
    digest = signing.sm3_hex(signing.canonical(envelope["document"]))
    forger = signing.PlatformSigner("another deployment's secret " * 3)
    import base64

    envelope["signature"]["sm3"] = digest
    envelope["signature"]["value"] = base64.b64encode(
        forger.sign(signing.signed_info(profile.number, digest))
    ).decode()
    assert not verification.verify_envelope(json.dumps(envelope)).ok
    envelope["signature"]["key_name"] = forger.key_name
    assert not verification.verify_envelope(json.dumps(envelope)).ok


def test_number_and_digest(profile: Any) -> None:
    assert verification.verify_number(profile.number, profile.sm3).ok
    assert verification.verify_number(profile.number, profile.sm3.upper()).ok
    wrong = ("0" if profile.sm3[0] != "0" else "1") + profile.sm3[1:]
    assert not verification.verify_number(profile.number, wrong).ok
    assert not verification.verify_number("TP00000000XXXXXXXXXX", profile.sm3).ok
    assert not verification.verify_number(profile.number, "not-hex").ok


def test_garbage_is_refused_without_error() -> None:
    for raw in (b"", b"not json", b"[]", b'{"document": 1}', b"\xff\xfe", b"{" * 5000):
        assert not verification.verify_envelope(raw).ok
    assert not verification.verify_envelope(b" " * (verification.MAX_DOCUMENT_BYTES + 1)).ok


def test_public_page_and_api(profile: Any, world: SimpleNamespace) -> None:
    client = Client()  # anonymous: the bank checks from anywhere
    ok = client.get(f"/credit/verify/?number={profile.number}&digest={profile.sm3}")
    assert ok.status_code == 200 and 'data-testid="verify-ok"' in ok.content.decode()
    assert world.e1.name not in ok.content.decode()  # no enterprise data on the answer
    raw = documents.envelope_bytes(profile)
    upload = SimpleUploadedFile("p.json", raw, content_type="application/json")
    assert client.post("/credit/verify/", {"file": upload}).status_code == 200
    tampered = raw.replace(b"17345.00", b"17345.01").decode()
    refused = client.post("/credit/verify/", {"text": tampered})
    assert refused.status_code == 400 and 'data-testid="verify-refused"' in refused.content.decode()
    api = client.post(
        "/api/v1/credit/verify",
        {"envelope": json.loads(raw)},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["valid"] is True
    bad = json.loads(tampered)
    api = client.post("/api/v1/credit/verify", {"envelope": bad}, content_type="application/json")
    assert api.status_code == 200 and api.json()["valid"] is False
    by_number = client.post(
        "/api/v1/credit/verify",
        {"number": profile.number, "digest": profile.sm3},
        content_type="application/json",
    )
    assert by_number.json()["valid"] is True and "enterprise" not in by_number.json()


def test_the_platform_key_is_stable_per_secret() -> None:
    a, b = signing.PlatformSigner("s" * 60), signing.PlatformSigner("s" * 60)
    assert a.key_name == b.key_name
    assert b.verify(b"x", a.sign(b"x"))
    assert signing.PlatformSigner("t" * 60).key_name != a.key_name


def test_a_reindented_copy_is_the_same_content(profile: Any) -> None:
    """Whitespace between JSON tokens is not content: the canonical form (what is digested)
    ignores it, so a compact or re-indented copy of an unchanged document verifies."""
    envelope = documents.envelope(profile)
    for text in (json.dumps(envelope), json.dumps(envelope, indent=8, ensure_ascii=True)):
        assert verification.verify_envelope(text).ok
