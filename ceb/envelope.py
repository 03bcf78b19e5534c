"""The DXP transport envelope: ``dxp:DxpMsg`` (terminal node) and ``dxp:DxpMsgSv`` (transfer node).

The business message travels Base64-encoded in ``Data``; ``TransInfo`` names the sender, the
receivers, the creation time and the message type. :func:`wrap` builds a DxpMsg in the order of
``dxp-terminal.xsd``; :func:`unwrap` reads a DxpMsg or a DxpMsgSv (safe parser, size limit) and
returns an :class:`Envelope` with the decoded business XML.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from dataclasses import dataclass

from lxml import etree

from ceb.errors import CebParseError, CebValidationError, FieldError
from ceb.safety import (
    DEFAULT_LIMITS,
    Limits,
    check_prolog,
    raise_too_large,
    safe_parser,
    translate_syntax_error,
)
from ceb.schema import DXP_NS

_D = f"{{{DXP_NS}}}"
# Receiver id of the customs CEB system as used in public integrations; pass your own.
DEFAULT_RECEIVER = "DXPEDCCEB0000002"


@dataclass(frozen=True, slots=True)
class Envelope:
    cop_msg_id: str
    sender_id: str
    receiver_ids: tuple[str, ...]
    created: dt.datetime
    msg_type: str
    data: bytes  # the business XML (decoded)
    file_name: str | None = None
    sv_msg_id: str | None = None  # DxpMsgSv/SvNo/MsgId when unwrapped from a transfer node


def _check_len(errors: list[FieldError], path: str, value: str, lo: int, hi: int) -> None:
    if not lo <= len(value) <= hi:
        errors.append(
            FieldError(path, "length", f"长度应在 {lo}..{hi} 之间", f"length must be {lo}..{hi}")
        )


def wrap(
    message_xml: bytes,
    *,
    sender_id: str,
    receiver_ids: tuple[str, ...] = (DEFAULT_RECEIVER,),
    msg_type: str | None = None,
    cop_msg_id: str | None = None,
    created: dt.datetime | None = None,
    file_name: str | None = None,
) -> bytes:
    """Wrap a business message (bytes) in a ``dxp:DxpMsg``; ``msg_type`` defaults to its root."""
    if msg_type is None:
        check_prolog(message_xml[:65536])
        try:
            root = etree.fromstring(message_xml, safe_parser())
        except etree.XMLSyntaxError as exc:
            raise translate_syntax_error(exc) from None
        msg_type = etree.QName(root).localname
    created = created or dt.datetime.now(dt.UTC)
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    cop_msg_id = cop_msg_id or str(uuid.uuid4()).upper()
    errors: list[FieldError] = []
    _check_len(errors, "TransInfo.CopMsgId", cop_msg_id, 1, 255)
    _check_len(errors, "TransInfo.SenderId", sender_id, 1, 16)
    if not 1 <= len(receiver_ids) <= 5:
        errors.append(
            FieldError("TransInfo.ReceiverIds", "occurs", "接收方 1..5 个", "1..5 receivers")
        )
    for i, r in enumerate(receiver_ids):
        _check_len(errors, f"TransInfo.ReceiverIds.ReceiverId[{i}]", r, 1, 16)
    _check_len(errors, "TransInfo.MsgType", msg_type, 0, 30)
    if file_name is not None:
        _check_len(errors, "AddInfo.FileName", file_name, 1, 255)
    if errors:
        raise CebValidationError(errors)
    env = etree.Element(f"{_D}DxpMsg", nsmap={"dxp": DXP_NS}, ver="1.0")
    info = etree.SubElement(env, f"{_D}TransInfo")
    etree.SubElement(info, f"{_D}CopMsgId").text = cop_msg_id
    etree.SubElement(info, f"{_D}SenderId").text = sender_id
    ids = etree.SubElement(info, f"{_D}ReceiverIds")
    for r in receiver_ids:
        etree.SubElement(ids, f"{_D}ReceiverId").text = r
    etree.SubElement(info, f"{_D}CreatTime").text = created.isoformat(timespec="seconds")
    etree.SubElement(info, f"{_D}MsgType").text = msg_type
    etree.SubElement(env, f"{_D}Data").text = base64.b64encode(message_xml).decode("ascii")
    if file_name is not None:
        add = etree.SubElement(env, f"{_D}AddInfo")
        etree.SubElement(add, f"{_D}FileName").text = file_name
    return etree.tostring(env, encoding="UTF-8", xml_declaration=True)


def _text(parent: etree._Element, path: str) -> str:
    el = parent.find(path)
    if el is None:
        raise CebParseError(f"DxpMsg: {path.replace(_D, '')} 缺失 / missing")
    return el.text or ""


def unwrap(envelope_xml: bytes, *, limits: Limits = DEFAULT_LIMITS) -> Envelope:
    """Read a ``DxpMsg`` (or ``DxpMsgSv``) and return the decoded business message."""
    # Base64 grows the message by 4/3; allow for that on top of the per-message limit.
    if len(envelope_xml) > limits.max_bytes * 4 // 3 + 65536:
        raise_too_large(limits.max_bytes)
    check_prolog(envelope_xml[:65536])
    try:
        root = etree.fromstring(envelope_xml, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise translate_syntax_error(exc) from None
    sv_msg_id = None
    if root.tag == f"{_D}DxpMsgSv":
        sv_msg_id = _text(root, f"{_D}SvNo/{_D}MsgId")
        inner = root.find(f"{_D}DxpMsg")
        if inner is None:
            raise CebParseError("DxpMsgSv: DxpMsg 缺失 / missing")
        root = inner
    if root.tag != f"{_D}DxpMsg":
        raise CebParseError(f"不是 DxpMsg 信封 / not a DxpMsg envelope: {root.tag}")
    info = root.find(f"{_D}TransInfo")
    if info is None:
        raise CebParseError("DxpMsg: TransInfo 缺失 / missing")
    created_text = _text(info, f"{_D}CreatTime").strip()
    try:
        created = dt.datetime.fromisoformat(created_text.replace("Z", "+00:00"))
    except ValueError:
        raise CebParseError(
            f"DxpMsg: CreatTime 不是日期时间 / not a dateTime: {created_text}"
        ) from None
    try:
        data = base64.b64decode("".join(_text(root, f"{_D}Data").split()), validate=True)
    except (binascii.Error, ValueError):
        raise CebParseError("DxpMsg: Data 不是 Base64 / is not Base64") from None
    if len(data) > limits.max_bytes:
        raise_too_large(limits.max_bytes)
    file_name_el = root.find(f"{_D}AddInfo/{_D}FileName")
    return Envelope(
        cop_msg_id=_text(info, f"{_D}CopMsgId"),
        sender_id=_text(info, f"{_D}SenderId"),
        receiver_ids=tuple(r.text or "" for r in info.findall(f"{_D}ReceiverIds/{_D}ReceiverId")),
        created=created,
        msg_type=_text(info, f"{_D}MsgType"),
        data=data,
        file_name=file_name_el.text if file_name_el is not None else None,
        sv_msg_id=sv_msg_id,
    )


def wrap_transfer(
    dxp_msg: bytes,
    *,
    msg_id: str,
    end_node: str,
    sta_node: str,
    send_time: dt.datetime | None = None,
) -> bytes:
    """Wrap a DxpMsg in the transfer-node ``dxp:DxpMsgSv`` (third-party platforms)."""
    inner = etree.fromstring(dxp_msg, safe_parser())
    send_time = send_time or dt.datetime.now(dt.UTC)
    sv = etree.Element(f"{_D}DxpMsgSv", nsmap={"dxp": DXP_NS}, ver="1.0")
    no = etree.SubElement(sv, f"{_D}SvNo", Ver="1.0")
    etree.SubElement(no, f"{_D}MsgId").text = msg_id
    etree.SubElement(no, f"{_D}SendTime").text = send_time.isoformat(timespec="seconds")
    etree.SubElement(no, f"{_D}EndNode").text = end_node
    etree.SubElement(no, f"{_D}StaNode").text = sta_node
    sv.append(inner)
    return etree.tostring(sv, encoding="UTF-8", xml_declaration=True)
