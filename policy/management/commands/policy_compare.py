"""``ddt policy compare``: see ``entitlement.cli`` (compare)."""

from __future__ import annotations

from ._engine import EngineCommand


class Command(EngineCommand):
    engine_command = "compare"
