"""Template tags of the shared kit: ``status_badge`` and ``list_pagination``."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.html import format_html

from core.status import field_tones

register = template.Library()


@register.simple_tag
def status_badge(obj: Any, field: str = "status", testid: str = "") -> str:
    """``<span class="badge TONE">label</span>`` for ``obj.<field>``, tone as its choices say."""
    value = getattr(obj, field)
    tone = field_tones(type(obj), field).get(str(value), "")
    display = getattr(obj, f"get_{field}_display", None)
    label = display() if callable(display) else value
    css = f"badge {tone}".strip()
    if testid:
        return format_html('<span class="{}" data-testid="{}">{}</span>', css, testid, label)
    return format_html('<span class="{}">{}</span>', css, label)


@register.inclusion_tag("core/_pagination.html", takes_context=True)
def list_pagination(context: dict[str, Any], page: Page) -> dict[str, Any]:
    """Previous/next links that keep every other query parameter (all filters)."""
    return {"page_obj": page, "request": context.get("request")}
