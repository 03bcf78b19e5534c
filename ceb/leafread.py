"""Generated readers for the leaf fields of a CEB node: the ingestion hot path.

``leaf_reader(node, wanted)`` compiles, once per node definition and list of wanted fields, a
function that takes an lxml element, checks every leaf field of the definition and returns the
texts of the ``wanted`` fields as a tuple ("" when absent), or ``None`` whenever it is not
*certain* the element passes the field checks of ``customs.ingestion.fastread._values`` (presence,
length, number format): unknown, foreign or repeated children, comments, whitespace around a
value, a number written in any form other than plain digits. ``None`` sends the element to the
detailed reader, which accepts it or raises the error with its field path, so the generated code
only ever accepts what the detailed reader accepts (a test checks the two agree on mutated
messages). The checks are straight-line code derived from the same definition tables (one
source of truth): one expression for the required fields, one for the lengths, and one regular
expression each over the joined values for whitespace and for numbers, several times cheaper
than a check per field.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

from ceb.schema import Kind

LeafReader = Callable[[Any], "tuple[str, ...] | None"]
LeafChecker = Callable[["tuple[str | None, ...]"], "tuple[str, ...] | None"]

_CACHE: dict[tuple[int, tuple[str, ...]], tuple[LeafReader, LeafChecker]] = {}
_PICKERS: dict[tuple[int, tuple[str, ...]], Callable[[tuple[str, ...]], tuple[str, ...]]] = {}
# A value with whitespace at either end (``str.strip``, ``str.split`` and ``\s`` agree on what
# whitespace is); the pattern runs only when ``split`` finds whitespace at all (a cheaper scan).
_EDGE = re.compile(r"\x00\s|\s\x00").search


def leaf_fields(node: Any) -> list[Any]:
    """The leaf element fields of a node definition (no nested nodes, no attributes)."""
    return [
        f
        for f in node.fields
        if f.node is None and not f.attribute and f.kind in (Kind.TEXT, Kind.DECIMAL, Kind.INTEGER)
    ]


def leaf_reader(node: Any, wanted: tuple[str, ...]) -> LeafReader:
    """The compiled reader of ``node``'s leaf fields, returning the ``wanted`` ones (by XML name,
    in that order; a name the definition does not have reads as ""). Cached per node and list."""
    return _compiled(node, wanted)[0]


def values_of(values: dict[str, str], wanted: tuple[str, ...]) -> tuple[str, ...]:
    """The ``wanted`` values of the detailed reader's result, as a generated reader returns them."""
    return tuple([values.get(name, "") for name in wanted])


def _joined(names: list[str]) -> str:
    """Source of one string joining the given variables with NUL (a character XML text cannot
    hold), so one regular expression checks them all."""
    if len(names) == 1:
        return names[0]
    return "SEP.join((" + ", ".join(names) + "))"


def leaf_picker(node: Any, wanted: tuple[str, ...]) -> Callable[[tuple[str, ...]], tuple[str, ...]]:
    """The ``wanted`` texts (by XML name; "" for a name the definition does not have) out of
    all of ``node``'s leaf texts in definition order, without checks: for texts already checked
    (``ceb.textscan`` patterns match only texts that pass them). Needs two wanted names."""
    key = (id(node), wanted)
    found = _PICKERS.get(key)
    if found is not None:
        return found
    names = [f.xml for f in leaf_fields(node)]
    missing = len(names)  # the index of the "" appended below
    get = operator.itemgetter(*[names.index(n) if n in names else missing for n in wanted])
    if all(n in names for n in wanted):
        found = _PICKERS[key] = get
    else:
        found = _PICKERS[key] = lambda texts: get((*texts, ""))
    return found


def _compiled(node: Any, wanted: tuple[str, ...]) -> tuple[LeafReader, LeafChecker]:
    key = (id(node), wanted)
    found = _CACHE.get(key)
    if found is None:
        found = _CACHE[key] = _compile(node, wanted)
    return found


def _compile(node: Any, wanted: tuple[str, ...]) -> tuple[LeafReader, LeafChecker]:
    fields = leaf_fields(node)
    env: dict[str, Any] = {
        "_EDGE": _EDGE,
        "SEP": "\x00",
        "TAGS": frozenset(f"{{{f.namespace}}}{f.xml}" for f in fields),
    }
    every = [f"x{i}" for i in range(len(fields))]
    unpack = ", ".join(every) + ("," if len(every) == 1 else "")
    # ``read`` takes an lxml element: the texts of its children by tag, ``None`` when the
    # children are not exactly distinct leaf fields; then the checks as ``check``.
    src = [
        "def read(element):",
        "    v = {c.tag: c.text for c in element}",
        "    if len(v) != len(element) or not v.keys() <= TAGS:",
        "        return None",
        "    try:",
    ]
    names: dict[str, str] = {}
    optional: list[str] = []
    for i, f in enumerate(fields):
        tag = repr(f"{{{f.namespace}}}{f.xml}")
        names[f.xml] = f"x{i}"
        if f.min_occurs > 0:
            src.append(f"        x{i} = v[{tag}]")  # absent: KeyError, the detailed reader says so
        else:
            optional.append(f"    x{i} = v.get({tag}) or ''")
    src += ["    except KeyError:", "        return None", *optional]
    src += ["    return check((" + unpack + "))", ""]
    # ``check`` takes the texts in definition order (a required one may be None: empty).
    src += ["def check(texts):", f"    {unpack} = texts"]
    checks = []
    required = [f"x{i}" for i, f in enumerate(fields) if f.min_occurs > 0]
    if required:  # present but empty (None or "") or blank
        checks.append("not (" + " and ".join(required) + ")")
    checks += [
        f"len(x{i}) > {int(f.max_length)}"
        for i, f in enumerate(fields)
        if f.kind is Kind.TEXT and f.max_length
    ]
    # Plain digits, with at most one point for decimals, each a valid ``int`` / ``Decimal`` (as
    # ``isdecimal`` is); a sign or any other form goes to the detailed check.
    for i, f in enumerate(fields):
        x, empty = f"x{i}", "" if f.min_occurs > 0 else f"x{i} and "
        if f.kind is Kind.DECIMAL:
            checks.append(f"{empty}not ({x}.isdecimal() or {x}.replace('.', '', 1).isdecimal())")
        elif f.kind is Kind.INTEGER:
            checks.append(f"{empty}not {x}.isdecimal()")
    src += ["    if (", *[f"        {c} or" for c in checks], "        False", "    ):"]
    src += ["        return None"]
    # Whitespace at either end of a value: the detailed reader strips it (rare: not decided here).
    # NUL before, between and after the values: ``split`` then sees any whitespace at all.
    every_joined = "SEP.join(('', " + ", ".join(every) + ", ''))"
    src += [f"    j = {every_joined}", "    if len(j.split()) != 1 and _EDGE(j) is not None:"]
    src += ["        return None"]
    src.append("    return (" + "".join(f"{names.get(n, repr(''))}, " for n in wanted) + ")")
    code = compile("\n".join(src), f"<ceb leaf reader {node.xml}>", "exec")
    exec(code, env)  # noqa: S102 - generated from the message definition tables
    return env["read"], env["check"]
