"""The platform's signature on the documents it issues (trade profiles), through the ``Signer``
interface of :mod:`ceb.signature`.

A document is canonical JSON (keys sorted, no spaces, UTF-8): its **SM3** digest
(``ceb.signature.sm3_digest``) names its content, and the platform signs the "signed info"
``ddt-document\\n<number>\\n<sm3 hex>`` with its key. Anyone holding the document checks it by
recomputing the digest and verifying the signature with the platform's public key
(:func:`verify_signature`); the public verification page does this for the bank.

The platform key: :class:`PlatformSigner` derives an ECDSA P-256 key from the deployment's
secret (HKDF-SHA256 over ``SECRET_KEY``), so every process of one deployment signs with the
same key and no key file has to be distributed. Like ``ceb.signature.EcdsaTestSigner`` it is a
software signer declared honestly as ``ecdsa-sha256`` (``cryptography`` has SM3 but no SM2);
production can put an SM2 signing service behind the same ``Signer`` interface
(``DDT_PLATFORM_SIGNER``, a dotted path to a factory returning a ``Signer``).
"""

from __future__ import annotations

import base64
import json
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.utils.module_loading import import_string

from ceb.signature import ECDSA_SHA256, Signer, sm3_digest

_P256_ORDER = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def canonical(document: Any) -> bytes:
    """The one byte form of a JSON document that is digested and signed."""
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode("utf-8")


def sm3_hex(data: bytes) -> str:
    return sm3_digest(data).hex()


def signed_info(number: str, digest_hex: str) -> bytes:
    return f"ddt-document\n{number}\n{digest_hex}".encode()


class PlatformSigner:
    """The platform's software signer (ECDSA P-256 / SHA-256), key derived from the secret."""

    signature_method = ECDSA_SHA256

    def __init__(self, secret: str) -> None:
        material = HKDF(
            algorithm=hashes.SHA256(), length=48, salt=b"ddt-platform-signer", info=b"v1"
        ).derive(secret.encode("utf-8"))
        scalar = int.from_bytes(material, "big") % (_P256_ORDER - 1) + 1
        self.private_key = ec.derive_private_key(scalar, ec.SECP256R1())

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    @property
    def key_name(self) -> str:
        """The key's fingerprint: the SM3 digest of its public key (first 32 hex digits)."""
        der = self.public_key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        return sm3_hex(der)[:32]

    def certificate_der(self) -> bytes | None:
        return None

    def sign(self, signed_info_c14n: bytes) -> bytes:
        return self.private_key.sign(signed_info_c14n, ec.ECDSA(hashes.SHA256()))

    def verify(self, data: bytes, signature: bytes) -> bool:
        try:
            self.public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True


@lru_cache(maxsize=4)
def _derived(secret: str) -> PlatformSigner:
    return PlatformSigner(secret)


def platform_signer() -> Signer:
    """The signer of this deployment (``DDT_PLATFORM_SIGNER`` factory, else the derived key)."""
    factory = getattr(settings, "DDT_PLATFORM_SIGNER", "")
    if factory:
        return import_string(factory)()
    return _derived(str(settings.SECRET_KEY))


def sign_document(number: str, digest_hex: str) -> tuple[str, str]:
    """(signature in Base64, key name) for a document's number and digest."""
    signer = platform_signer()
    value = signer.sign(signed_info(number, digest_hex))
    return base64.b64encode(value).decode("ascii"), signer.key_name


def verify_signature(number: str, digest_hex: str, signature_b64: str, key_name: str) -> bool:
    """Whether ``signature_b64`` is this platform's signature on (number, digest)."""
    signer = platform_signer()
    if key_name != signer.key_name or not hasattr(signer, "verify"):
        return False
    try:
        value = base64.b64decode(signature_b64.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return False
    return bool(signer.verify(signed_info(number, digest_hex), value))
