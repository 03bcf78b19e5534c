"""Extension point of customs ingestion: other apps read their own records from the messages
customs parses and write them in the same chunk transaction.

An extension is a pair of dotted paths:

* ``reader(message) -> list`` — called with each parsed message (``ceb`` dataclass) of a type in
  the reader module's ``MESSAGE_TYPES``, in the parse worker (plain Python: no Django there);
  what it returns must pickle. Raising ``ValueError`` refuses the file like any bad message;
* ``writer(*, run, records, released, enterprises) -> int`` — called by the ingesting process
  inside each chunk's transaction with the extension's records of the chunk, the declaration ids
  the chunk released and the run's customs code → (enterprise id, county id) index.

Customs keeps everything it did before: the message is still stored as a ``StoredMessage``.
Re-ingesting is the extension's business (it must store its records idempotently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from typing import Any

# (reader, writer) of each extension.
EXTENSIONS: tuple[tuple[str, str], ...] = (
    ("logistics.customs_messages.read", "logistics.services.customs_events_write"),
)


@dataclass(frozen=True, slots=True)
class ExtensionRecords:
    """The records one extension read from one message (one item of a file's record list)."""

    extension: int  # index into EXTENSIONS
    items: tuple[Any, ...]
    ebc_code: str = ""  # read by ``ingestion.trust.refusal`` like any other record: names nobody


def _load(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    return getattr(import_module(module), name)


@cache
def _readers() -> tuple[tuple[frozenset[str], Any], ...]:
    out = []
    for reader, _writer in EXTENSIONS:
        func = _load(reader)
        module = import_module(reader.rpartition(".")[0])
        types: frozenset[str] = frozenset(getattr(module, "MESSAGE_TYPES", ()))
        out.append((types, func))
    return tuple(out)


def read(message: Any) -> list[ExtensionRecords]:
    """The extensions' records of one parsed message (``[]`` when none takes its type)."""
    mtype = getattr(message, "message_type", "")
    found = []
    for index, (types, func) in enumerate(_readers()):
        if mtype in types:
            items = tuple(func(message))
            if items:
                found.append(ExtensionRecords(index, items))
    return found


def write(
    *,
    run: Any,
    records: Sequence[ExtensionRecords],
    released: Sequence[int],
    enterprises: Any,
) -> None:
    """Hand each extension its records of the chunk (and the chunk's releases)."""
    for index, (_reader, writer) in enumerate(EXTENSIONS):
        items = [item for r in records if r.extension == index for item in r.items]
        if items or released:
            _load(writer)(run=run, records=items, released=released, enterprises=enterprises)
