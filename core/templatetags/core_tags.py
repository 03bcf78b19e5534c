"""Template tags of the shared kit: ``status_badge`` and ``list_pagination``."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page
from django.utils.html import format_html

from core.status import field_tones, tone_of

register = template.Library()


@register.simple_tag
def status_badge(obj: Any, field: str = "status", testid: str = "") -> str:
    """``<span class="badge TONE">label</span>`` for ``obj.<field>``, tone as its choices say.

    ``obj`` is a model instance, or any object whose class names the choices of the field as
    ``<field>_choices`` (a dataclass of a computed status: ``status_choices = TargetStatus``).
    """
    value = getattr(obj, field)
    choices = getattr(type(obj), f"{field}_choices", None)
    if choices is not None:
        tone = tone_of(choices, value)
        label = dict(choices.choices).get(str(value), value)
    else:
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
