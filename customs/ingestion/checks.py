"""Checks of a whole message file before it is read: its declared encoding (UTF-8 only) and, on
the customs channel with a verifier configured, its enveloped signature."""

from __future__ import annotations

import re

from lxml import etree

import ceb
from ceb.safety import safe_parser, translate_syntax_error
from ceb.schema import DS_NS
from customs.ingestion.records import MessageError

# The XML declaration's encoding (after an optional UTF-8 BOM and whitespace).
_DECLARED_ENCODING = re.compile(
    rb"(?:\xef\xbb\xbf)?[ \t\r\n]*<\?xml[ \t\r\n][^>]*?encoding[ \t\r\n]*=[ \t\r\n]*"
    rb"[\"']([^\"']{0,40})[\"']"
)

UTF8_NAMES = frozenset({"utf-8", "utf8"})


def check_encoding(data: bytes) -> None:
    """Refuse a message that declares an encoding other than UTF-8 (``MessageError``).

    CEB messages are UTF-8 (the 2022 samples and schemas all are; ``ceb.safety`` already refuses
    UTF-16/32). The ``ceb`` library itself reads any encoding libxml2 knows, but a file declaring
    ISO-8859-1 would be read as Latin-1 and its Chinese stored garbled, and GBK is not what the
    single window exchanges: ingestion takes UTF-8 only, declared or not."""
    found = _DECLARED_ENCODING.match(data[:512])
    if found is None:
        return
    name = found.group(1).decode("ascii", "replace").strip()
    if name.lower() not in UTF8_NAMES:
        raise MessageError(
            f"报文声明的字符编码为 {name}，CEB 报文须使用 UTF-8 编码，本文件未导入 / the message "
            f"declares encoding {name}; CEB messages must be UTF-8"
        )


def check_signature(data: bytes, public_key_pem: bytes) -> None:
    """Refuse a channel file whose enveloped signature does not verify with the configured key
    of the customs channel (``DDT_CUSTOMS_CHANNEL_PUBLIC_KEY``; ``MessageError``).

    Message types whose CEB 2022 definition carries a ``ds:Signature`` (inventories, orders …)
    must be signed; receipts (CEB604 / CEB622 …) have no signature in the business message —
    customs signs the data-exchange envelope, which the exchange client checks — so they are
    taken on the channel's account alone. ``ceb.signature`` checks the SM3 digest and ECDSA
    values; SM2 signature values cannot be checked here (no SM2 in ``cryptography``), so a
    deployment receiving SM2-signed files checks them at the exchange client and leaves the
    setting empty."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from ceb.registry import BY_ROOT_TAG
    from ceb.signature import verify

    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise MessageError(str(translate_syntax_error(exc))) from exc
    mdef = BY_ROOT_TAG.get(root.tag) if isinstance(root.tag, str) else None
    signed = mdef is not None and any(
        f.tag == f"{{{DS_NS}}}Signature" for f in mdef.node.fields if not f.attribute
    )
    if not signed:
        return
    key = load_pem_public_key(public_key_pem)
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise MessageError("海关数据通道公钥不是椭圆曲线公钥 / channel key is not an EC key")
    try:
        check = verify(data, public_key=key)
    except ceb.CebError as exc:
        raise MessageError(f"签名无法验证 / signature not verifiable: {exc}") from exc
    if not check:
        raise MessageError(
            "海关数据通道报文签名验证失败，本文件未导入 / channel signature invalid: "
            f"{check.reason}"
        )
