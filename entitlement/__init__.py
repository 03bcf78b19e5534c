"""The entitlement engine: policy catalogue, annual guides and claim evaluation.

A plain Python package with no Django import (``tests/test_no_django.py`` enforces it), so
it can be tested, benchmarked and reused on its own. Django code (the ``policy`` app, the
applications workflow) calls it; it never calls Django.

Bump ``ENGINE_VERSION`` whenever a rule changes what a scenario evaluates to: together with
the guide's content hash it lets every result be replayed.
"""

from __future__ import annotations

ENGINE_VERSION = "1.0.0"

__all__ = ["ENGINE_VERSION"]
