"""Small display helpers for the applications templates."""

from __future__ import annotations

from django import template

from applications.measures import measure_title as _measure_title

register = template.Library()


@register.filter
def measure_title(measure_id: str) -> str:
    return _measure_title(measure_id)
