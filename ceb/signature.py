"""XML-DSig enveloped signatures in the layout of the 2022 spec, behind a ``Signer`` interface.

The 2022 spec signs with SM2 over an SM3 digest (``…2022/04/xmldsig#sm2-sm3`` and
``…2022/04/xmldsig#sm3``), with inclusive C14N, ``Reference URI=""`` and the enveloped-signature
transform; ``KeyInfo`` carries ``KeyName`` (certificate number) and ``X509Data``. The real SM2 key
lives on the enterprise's E-Port IC card/UKey, which the platform never holds: production signing
is an implementation of :class:`Signer` that forwards the canonical ``SignedInfo`` to the card.

``cryptography`` has SM3 (``hashes.SM3``) but **no SM2**. The software signer here,
:class:`EcdsaTestSigner`, is therefore a **test signer**: ECDSA P-256 with SHA-256 over the
canonical SignedInfo, declared honestly as ``xmldsig-more#ecdsa-sha256``. The reference digest
is the real SM3 digest. Its signatures are for tests and demos, never for customs.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree

from ceb.errors import CebError
from ceb.registry import BY_ROOT_TAG
from ceb.safety import safe_parser
from ceb.schema import DS_NS

C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SM2_SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm2-sm3"
SM3 = "http://www.chinaport.gov.cn/2022/04/xmldsig#sm3"
SHA1 = "http://www.w3.org/2000/09/xmldsig#sha1"
RSA_SHA1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1"
ECDSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"

_DS = f"{{{DS_NS}}}"


class CebSignatureError(CebError):
    """A signature could not be produced or checked (structure, algorithm)."""


class Signer(Protocol):
    """Signs the canonical SignedInfo bytes (an E-Port card client, or the test signer)."""

    @property
    def signature_method(self) -> str:
        """SignatureMethod URI (``SM2_SM3`` for an E-Port card)."""
        ...

    @property
    def key_name(self) -> str:
        """KeyName: the certificate serial number."""
        ...

    def certificate_der(self) -> bytes | None:
        """The signer's X.509 certificate (DER) for KeyInfo/X509Data, if available."""
        ...

    def sign(self, signed_info_c14n: bytes) -> bytes:
        """Raw signature value over the canonical SignedInfo."""
        ...


class EcdsaTestSigner:
    """TEST SIGNER: ECDSA P-256/SHA-256, self-signed certificate. Not SM2; never for customs."""

    signature_method = ECDSA_SHA256

    def __init__(self, private_key: ec.EllipticCurvePrivateKey | None = None) -> None:
        self.private_key = private_key or ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ddt CEB test signer (not SM2)")])
        self.certificate = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.private_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=365))
            .sign(self.private_key, hashes.SHA256())
        )

    @property
    def key_name(self) -> str:
        return format(self.certificate.serial_number, "x")

    def certificate_der(self) -> bytes | None:
        from cryptography.hazmat.primitives.serialization import Encoding

        return self.certificate.public_bytes(Encoding.DER)

    def sign(self, signed_info_c14n: bytes) -> bytes:
        return self.private_key.sign(signed_info_c14n, ec.ECDSA(hashes.SHA256()))


def sm3_digest(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def _digest(method: str, data: bytes) -> bytes:
    if method == SM3:
        return sm3_digest(data)
    if method == SHA1:
        return hashlib.sha1(data, usedforsecurity=False).digest()
    raise CebSignatureError(f"unsupported DigestMethod {method}")


def _parse(xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise CebSignatureError(f"malformed XML: {exc}") from None


def _c14n(el: etree._Element | etree._ElementTree) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=False, with_comments=False)


def _insert_position(root: etree._Element) -> int:
    """Index at which ds:Signature goes (export: before ExtendMessage; import: last)."""
    mdef = BY_ROOT_TAG.get(root.tag)
    if mdef is None:
        raise CebSignatureError(f"not a CEB message root: {root.tag}")
    order = {f.tag: i for i, f in enumerate(mdef.node.fields) if not f.attribute}
    sig_index = order[f"{_DS}Signature"]
    pos = 0
    for i, ch in enumerate(root):
        if isinstance(ch.tag, str) and order.get(ch.tag, -1) < sig_index:
            pos = i + 1
    return pos


def sign(xml: bytes, signer: Signer, *, digest_method: str = SM3) -> bytes:
    """Return ``xml`` with an enveloped ``ds:Signature`` (replacing any existing one)."""
    root = _parse(xml)
    for old in root.findall(f"{_DS}Signature"):
        root.remove(old)
    digest = _digest(digest_method, _c14n(root.getroottree()))
    sig = etree.Element(f"{_DS}Signature", nsmap={"ds": DS_NS})
    si = etree.SubElement(sig, f"{_DS}SignedInfo")
    etree.SubElement(si, f"{_DS}CanonicalizationMethod", Algorithm=C14N)
    etree.SubElement(si, f"{_DS}SignatureMethod", Algorithm=signer.signature_method)
    ref = etree.SubElement(si, f"{_DS}Reference", URI="")
    transforms = etree.SubElement(ref, f"{_DS}Transforms")
    etree.SubElement(transforms, f"{_DS}Transform", Algorithm=ENVELOPED)
    etree.SubElement(ref, f"{_DS}DigestMethod", Algorithm=digest_method)
    etree.SubElement(ref, f"{_DS}DigestValue").text = base64.b64encode(digest).decode()
    value = etree.SubElement(sig, f"{_DS}SignatureValue")
    key_info = etree.SubElement(sig, f"{_DS}KeyInfo")
    etree.SubElement(key_info, f"{_DS}KeyName").text = signer.key_name
    cert = signer.certificate_der()
    if cert:
        x509_data = etree.SubElement(key_info, f"{_DS}X509Data")
        etree.SubElement(x509_data, f"{_DS}X509Certificate").text = base64.b64encode(cert).decode()
    root.insert(_insert_position(root), sig)
    value.text = base64.b64encode(signer.sign(_c14n(si))).decode()
    return etree.tostring(root, encoding="UTF-8", xml_declaration=True)


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    """Outcome of :func:`verify`; truthy when valid. ``reason`` says why not."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def verify(xml: bytes, *, public_key: ec.EllipticCurvePublicKey | None = None) -> SignatureCheck:
    """Check the enveloped signature: the SM3/SHA-1 digest, then the signature value.

    The signature value is checked for ECDSA-SHA256 (our test signer) with ``public_key`` or the
    embedded certificate's key. SM2 values cannot be checked here (no SM2 implementation in
    ``cryptography``): customs checks those.
    """
    root = _parse(xml)
    sigs = root.findall(f"{_DS}Signature")
    if len(sigs) != 1:
        return SignatureCheck(False, f"expected one ds:Signature, found {len(sigs)}")
    sig = sigs[0]
    si = sig.find(f"{_DS}SignedInfo")
    ref = si.find(f"{_DS}Reference") if si is not None else None
    if si is None or ref is None:
        return SignatureCheck(False, "SignedInfo/Reference missing")
    method_el = si.find(f"{_DS}SignatureMethod")
    digest_el = ref.find(f"{_DS}DigestMethod")
    value_el = ref.find(f"{_DS}DigestValue")
    sigval_el = sig.find(f"{_DS}SignatureValue")
    if method_el is None or digest_el is None or value_el is None or sigval_el is None:
        return SignatureCheck(False, "incomplete ds:Signature")
    if ref.get("URI") != "":
        return SignatureCheck(False, 'only Reference URI="" (whole document) is supported')
    signed_info = _c14n(si)
    root.remove(sig)
    try:
        digest = _digest(digest_el.get("Algorithm", ""), _c14n(root.getroottree()))
    except CebSignatureError as exc:
        return SignatureCheck(False, str(exc))
    try:
        claimed = base64.b64decode("".join((value_el.text or "").split()), validate=True)
        signature = base64.b64decode("".join((sigval_el.text or "").split()), validate=True)
    except ValueError:
        return SignatureCheck(False, "DigestValue/SignatureValue is not Base64")
    if digest != claimed:
        return SignatureCheck(False, "digest mismatch: the message was changed after signing")
    method = method_el.get("Algorithm")
    if method != ECDSA_SHA256:
        return SignatureCheck(
            False, f"cannot check SignatureMethod {method} here (SM2 is not available)"
        )
    key = public_key or _embedded_key(sig)
    if key is None:
        return SignatureCheck(False, "no public key (pass public_key or embed X509Certificate)")
    try:
        key.verify(signature, signed_info, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return SignatureCheck(False, "signature value does not match SignedInfo")
    return SignatureCheck(True)


def _embedded_key(sig: etree._Element) -> ec.EllipticCurvePublicKey | None:
    cert_el = sig.find(f"{_DS}KeyInfo/{_DS}X509Data/{_DS}X509Certificate")
    if cert_el is None or not cert_el.text:
        return None
    cert = x509.load_der_x509_certificate(base64.b64decode("".join(cert_el.text.split())))
    key = cert.public_key()
    return key if isinstance(key, ec.EllipticCurvePublicKey) else None
