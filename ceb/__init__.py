"""CEB 2022 customs messages (海关跨境电商统一版报文): definitions, build, parse, validate.

A plain Python package — it never imports Django. Public API (stable; see
``docs/customs-messages.md``)::

    from ceb import parse, build, validate, iter_records, message_def, MESSAGES
    from ceb import CebError, CebParseError, CebValidationError, CebUnsafeInput, CebUnknownMessage
    from ceb.messages.export_inventory import CEB603Message, ExportInventory, ExportInventoryHead

    msg = parse(xml_bytes)                 # → frozen dataclass, e.g. CEB603Message
    msg.message_type                       # "CEB603"
    msg.guid                               # root guid attribute
    msg.inventory[0].inventory_head.invt_no
    msg.inventory[0].inventory_list[2].qty # Decimal, never float
    xml = build(msg)                       # → UTF-8 bytes in XSD element order
    errors = validate(msg)                 # → [FieldError]; str(e) ==
                                           #   "Inventory[0].InventoryList[2].qty: 必填 / required"
    for record in iter_records("batch.xml", "CEB603"):   # streaming, flat memory
        record.inventory_head.cop_no, record.inventory_list

Naming contract: dataclass attributes are the XML element names in snake_case (``invtNo`` →
``invt_no``, ``InventoryHead`` → ``inventory_head``, ``POD`` → ``pod``); repeated elements are
tuples; optional elements are ``None`` when absent; amounts/quantities are ``Decimal``,
``gnum``/``packNo``/``msgCount``… are ``int``; everything else is ``str``. Classes are
``CEBnnnMessage`` for roots and ``Export…``/``Import…`` + element name for nodes (the two XSDs
define different ``InventoryHead`` etc.), with ``BaseTransfer``, ``BaseSubscribe`` and
``ExtendMessage`` shared. Business records carry ``message_type`` as a class constant.

Also: :mod:`ceb.typed` (``parse_ceb603``/``build_ceb603``… per type), :mod:`ceb.signature`
(XML-DSig with a :class:`~ceb.signature.Signer` interface; the software signer is an ECDSA
*test* signer because ``cryptography`` has no SM2), :mod:`ceb.envelope` (DxpMsg transport
envelope), :mod:`ceb.xsd` (official XSD validation, offline), :mod:`ceb.safety` (limits),
:mod:`ceb.testing` (``example(type)`` and hypothesis strategies), ``ceb.tools`` (generator of
the tables from the XSD, big-batch writer, streaming benchmark).

Errors: ``CebError`` → ``CebParseError`` (``.line``/``.column``), ``CebValidationError``
(``.errors``: list of :class:`FieldError`), ``CebUnsafeInput`` (DOCTYPE/entities, size,
depth), ``CebUnknownMessage``.
"""

from __future__ import annotations

from ceb.errors import (
    CebError,
    CebParseError,
    CebUnknownMessage,
    CebUnsafeInput,
    CebValidationError,
    FieldError,
)
from ceb.messages import MESSAGES
from ceb.reading import RecordStream, iter_records, parse
from ceb.registry import message_def
from ceb.safety import DEFAULT_LIMITS, Limits
from ceb.schema import CEB_NS, DS_NS, DXP_NS, Field, Kind, MessageDef, Node
from ceb.validation import validate
from ceb.writer import build

__all__ = [
    "CEB_NS",
    "DEFAULT_LIMITS",
    "DS_NS",
    "DXP_NS",
    "MESSAGES",
    "CebError",
    "CebParseError",
    "CebUnknownMessage",
    "CebUnsafeInput",
    "CebValidationError",
    "Field",
    "FieldError",
    "Kind",
    "Limits",
    "MessageDef",
    "Node",
    "RecordStream",
    "build",
    "iter_records",
    "message_def",
    "parse",
    "validate",
]
