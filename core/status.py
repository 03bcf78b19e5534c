"""Status colours declared beside each status choice, read by the one ``status_badge`` tag.

A ``TextChoices`` of statuses says which badge tone each value wears::

    @tones(active="ok", pending="warn", suspended="err", deregistered="err")
    class EnterpriseStatus(models.TextChoices):
        ...

and every template shows a status with ``{% status_badge enterprise %}`` (or
``{% status_badge change "status" %}`` for another field): the label is the choice's
``get_<field>_display``, the colour the declared tone. Tones are the CSS classes of
``.badge``: ``ok`` (green), ``warn`` (amber), ``err`` (red), ``""`` (neutral).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models

C = TypeVar("C", bound=type[models.Choices])

TONES = frozenset({"ok", "warn", "err", ""})
_REGISTRY: list[tuple[type[models.Choices], dict[str, str]]] = []
_BY_FIELD: dict[tuple[type[models.Model], str], dict[str, str]] = {}


def tones(**by_value: str) -> Callable[[C], C]:
    """Class decorator: the badge tone of each value of a status ``TextChoices``."""

    def register(choices: C) -> C:
        known = {str(member.value) for member in choices}
        unknown = set(by_value) - known
        bad = {t for t in by_value.values() if t not in TONES}
        if unknown or bad:
            raise ValueError(f"{choices.__name__}: unknown values {unknown} or tones {bad}")
        _REGISTRY.append((choices, dict(by_value)))
        return choices

    return register


def tone_of(choices: type[models.Choices], value: Any) -> str:
    for cls, mapping in _REGISTRY:
        if cls is choices:
            return mapping.get(str(value), "")
    return ""


def field_tones(model: type[models.Model], field_name: str) -> dict[str, str]:
    """The tones of the choices a model field uses (found by its choices; empty when none)."""
    key = (model, field_name)
    if key not in _BY_FIELD:
        choices = list(model._meta.get_field(field_name).choices or [])  # type: ignore[union-attr]
        _BY_FIELD[key] = next(
            (mapping for cls, mapping in _REGISTRY if list(cls.choices) == choices), {}
        )
    return _BY_FIELD[key]
