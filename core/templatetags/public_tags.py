"""The visitor's home page data (core.public): ``{% public_home_data as pub %}``."""

from __future__ import annotations

from typing import Any

from django import template

from core.public import public_home_context

register = template.Library()


@register.simple_tag
def public_home_data() -> dict[str, Any]:
    """Rounds, notices, guides, open statistics, FAQ and contact for ``_public_home.html``."""
    return public_home_context()
