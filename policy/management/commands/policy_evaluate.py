"""``ddt policy evaluate``: see ``entitlement.cli`` (evaluate)."""

from __future__ import annotations

from ._engine import EngineCommand


class Command(EngineCommand):
    engine_command = "evaluate"
