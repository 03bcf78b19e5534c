"""The export desk's legal numbers, read from ``rules.yaml`` (each with its document); the return
windows are the :class:`exportdesk.models.ReturnWindow` table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).resolve().parent / "rules.yaml"


@dataclass(frozen=True)
class Rules:
    eit_rate: Decimal
    eit_document: str
    eit_title: str
    vat_document: str
    vat_title: str
    zone_name: str
    zone_document: str
    county_prefix: str
    customs_codes: tuple[str, ...]
    fx_document: str
    fx_title: str
    rebate_document: str
    rebate_mode: str


@cache
def rules() -> Rules:
    data: dict[str, Any] = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    eit, vat, zone = data["eit_deemed"], data["vat_exempt_no_invoice"], data["pilot_zone"]
    return Rules(
        eit_rate=Decimal(str(eit["rate"])),
        eit_document=eit["document"],
        eit_title=eit["title"],
        vat_document=vat["document"],
        vat_title=vat["title"],
        zone_name=zone["name"],
        zone_document=zone["document"],
        county_prefix=str(zone["county_prefix"]),
        customs_codes=tuple(str(c) for c in zone["customs_codes"]),
        fx_document=data["fx_netting"]["document"],
        fx_title=data["fx_netting"]["title"],
        rebate_document=data["overseas_rebate"]["document"],
        rebate_mode=str(data["overseas_rebate"]["mode"]),
    )
