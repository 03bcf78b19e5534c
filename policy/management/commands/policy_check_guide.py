"""``ddt policy check-guide``: see ``entitlement.cli`` (check-guide)."""

from __future__ import annotations

from ._engine import EngineCommand


class Command(EngineCommand):
    engine_command = "check-guide"
