"""Official XSD validation (offline): export, import and DXP schemas from the reference folder.

The XSDs are reference data outside the repository (``<repo>/../shared/reference/ceb-2022``
or ``$DDT_CEB_REFERENCE``). They are loaded with the safe parser and a resolver that serves
only the files of that folder (the xmldsig import, the dxp include) — never the network.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from ceb.registry import message_def
from ceb.safety import SAFE_PARSER_OPTIONS

REPO_ROOT = Path(__file__).resolve().parents[1]


def reference_dir() -> Path:
    """Where the official 2022 distribution lives (may not exist on a developer machine)."""
    env = os.environ.get("DDT_CEB_REFERENCE")
    return Path(env) if env else REPO_ROOT.parent / "shared" / "reference" / "ceb-2022"


class _LocalOnly(etree.Resolver):
    """Resolve schema imports to files of one folder; refuse everything else."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        name = Path(system_url.split("?")[0]).name
        local = self.folder / name
        if local.is_file() and "://" not in system_url.replace("file://", ""):
            return self.resolve_filename(str(local), context)
        raise OSError(f"refusing to resolve {system_url!r} outside {self.folder}")


def _load(name: str, folder: Path) -> etree.XMLSchema:
    parser = etree.XMLParser(**SAFE_PARSER_OPTIONS)
    parser.resolvers.add(_LocalOnly(folder))
    doc = etree.parse(str(folder / name), parser)
    return etree.XMLSchema(doc)


@lru_cache(maxsize=8)
def schema(kind: str, folder: str | None = None) -> etree.XMLSchema:
    """``kind``: ``export`` | ``import`` | ``dxp-terminal`` | ``dxp-transfer``."""
    base = Path(folder) if folder else reference_dir() / "xsd"
    names = {
        "export": "ceb-export.xsd",
        "import": "ceb-import.xsd",
        "dxp-terminal": "dxp-terminal.xsd",
        "dxp-transfer": "dxp-transfer.xsd",
    }
    return _load(names[kind], base)


def xsd_errors(xml: bytes, kind: str | None = None) -> list[str]:
    """Validate XML bytes against the official XSD; ``[]`` when valid.

    ``kind`` defaults to the direction of the root message (CEB messages) — pass
    ``"dxp-terminal"`` for a DxpMsg envelope.
    """
    doc = etree.fromstring(xml, etree.XMLParser(**SAFE_PARSER_OPTIONS))
    if kind is None:
        kind = message_def(etree.QName(doc).localname).direction
    validator = schema(kind)
    if validator.validate(doc):
        return []
    return [f"{e.line}:{e.column}: {e.message}" for e in validator.error_log]
