"""Exception hierarchy of the ceb package.

``CebError`` is the base. ``CebParseError`` carries the line/column of malformed XML,
``CebValidationError`` carries the list of :class:`FieldError` found, ``CebUnsafeInput`` is raised
for DOCTYPE / entity / oversized / too-deep inputs, ``CebUnknownMessage`` for a root element that
is not a known CEB message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A field path is "" (the root), a str, or a lazily formatted (parent, name, index) tuple:
# formatting a string for every line read would cost more than converting the line.
PathT = str | tuple[Any, str, int | None]


def path_str(path: PathT) -> str:
    """``(("", "Inventory", 0), "InventoryList", 2)`` → ``Inventory[0].InventoryList[2]``."""
    if isinstance(path, str):
        return path
    parent, name, index = path
    head = path_str(parent)
    item = name if index is None else f"{name}[{index}]"
    return f"{head}.{item}" if head else item


def join_path(path: PathT, name: str) -> str:
    head = path_str(path)
    return f"{head}.{name}" if head else name


@dataclass(frozen=True, slots=True)
class FieldError:
    """One validation problem, addressed by an XML field path.

    ``path`` looks like ``Inventory[0].InventoryList[2].qty`` (XML element names, 0-based
    indexes for repeated elements). ``str(error)`` gives ``"<path>: <中文> / <English>"``.
    """

    path: str
    code: str  # required | length | digits | fixed | occurs | type | order | unexpected
    zh: str
    en: str

    def __str__(self) -> str:
        return f"{self.path}: {self.zh} / {self.en}"


class CebError(Exception):
    """Base class of every error raised by the ceb package."""


class CebParseError(CebError):
    """The input is not well-formed XML (or not XML at all)."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None):
        self.line = line
        self.column = column
        where = f" (line {line}, column {column})" if line is not None else ""
        super().__init__(f"{message}{where}")


class CebValidationError(CebError):
    """The message does not satisfy its definition; ``errors`` lists every problem."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        shown = "; ".join(str(e) for e in self.errors[:10])
        more = f" (+{len(self.errors) - 10} more)" if len(self.errors) > 10 else ""
        super().__init__(f"{len(self.errors)} validation error(s): {shown}{more}")


class CebUnsafeInput(CebError):
    """The input was refused for safety: DOCTYPE/entities, too large or too deep."""


class CebUnknownMessage(CebError):
    """The root element is not a known CEB message (or not the one expected)."""
