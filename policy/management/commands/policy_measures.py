"""``ddt policy measures``: see ``entitlement.cli`` (measures)."""

from __future__ import annotations

from ._engine import EngineCommand


class Command(EngineCommand):
    engine_command = "measures"
