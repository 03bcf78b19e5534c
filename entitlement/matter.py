"""Matter identity (就高不重复): the one normalisation of invoice and contract numbers.

Enterprises type the same invoice as ``INV-001``, ``inv 001`` or ``ＩＮＶ－００１``. Rule 6
groups claims (and matches money already paid) by ``matter_key`` of the label, never by the
label itself; the label is kept as typed for people to read.

``matter_key``: Unicode NFKC (full-width letters, digits and punctuation become half-width),
case folded, and everything that is not a letter or a digit dropped (spaces, dashes, slashes,
dots, brackets …). A label with no letter or digit has the empty key: it names no matter
(such a claim forms a group of its own). The Django apps (duplicate flags, proposal runs)
import this function; there is no second copy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

# ASCII: NFKC is the identity and case folding is ``lower``; drop what is not alphanumeric
_DROP_ASCII = {c: None for c in range(128) if not chr(c).isalnum()}
_DROP_ASCII_KEEP_NL = {c: v for c, v in _DROP_ASCII.items() if c != ord("\n")}


def _general(label: str) -> str:
    text = unicodedata.normalize("NFKC", label).casefold()
    return unicodedata.normalize("NFKC", "".join(ch for ch in text if ch.isalnum()))


def matter_key(label: str) -> str:
    """The identity of an invoice/contract number: ``"INV-001"`` and ``"inv 001"`` → ``"inv001"``.

    Idempotent (``matter_key(matter_key(x)) == matter_key(x)``, a hypothesis test checks it).
    """
    if label.isascii():
        return label.translate(_DROP_ASCII).lower()
    key = _general(label)
    for _ in range(3):  # a few code points need a second pass to reach the fixed point
        again = _general(key)
        if again == key:
            break
        key = again
    return key


def matter_keys(labels: Iterable[str]) -> dict[str, str]:
    """``{label: matter_key(label)}`` for many labels (the engine's rule 6 over a whole run).

    When every label is ASCII without a newline, one ``translate`` over the joined text does
    the work of a call per label (same result: a test compares it with ``matter_key``).
    """
    distinct = list(set(labels))
    joined = "\n".join(distinct)
    if joined.isascii() and joined.count("\n") == len(distinct) - 1:
        keys = joined.translate(_DROP_ASCII_KEEP_NL).lower().split("\n")
        return dict(zip(distinct, keys, strict=True))
    return {label: matter_key(label) for label in distinct}
