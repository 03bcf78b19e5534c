"""Deterministic helpers for demo data (called by the demo loader).

Given the same ``random.Random`` state they return the same codes, so ``ddt demo load`` can be
re-run without creating duplicates.
"""

from __future__ import annotations

import random

from enterprises.validators import customs_code_generate, uscc_generate

# Functional zones without an official GB/T 2260 code register with the county that hosts them.
LEGAL_REGION_FOR_PROJECT_CODE = {"3207X1": "320703", "3207X2": "320706"}


def generate_uscc(rng: random.Random, region: str = "320722") -> str:
    """A valid 18-character USCC (GB 32100-2015) of an enterprise registered in ``region``."""
    region = LEGAL_REGION_FOR_PROJECT_CODE.get(region, region)
    if not region.isdigit():
        region = "320700"
    return uscc_generate(rng, region=region)


def make_customs_code(rng: random.Random, county_code: str = "320722") -> str:
    """A well-formed 10-character customs registration code for an enterprise of the county."""
    area = county_code[:4] if county_code[:4].isdigit() else "3207"
    return customs_code_generate(rng, area=area)
