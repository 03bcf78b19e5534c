"""Small display helpers for the applications templates."""

from __future__ import annotations

from django import template

from applications.measures import article_label as _article_label
from applications.measures import measure_name as _measure_name
from applications.measures import measure_title as _measure_title
from entitlement.measures import Measure

register = template.Library()


@register.filter
def measure_title(measure_id: str) -> str:
    return _measure_title(measure_id)


@register.filter
def measure_name(measure: Measure) -> str:
    """A catalogue measure's title in the page's language."""
    return _measure_name(measure)


@register.filter
def article_label(article: str) -> str:
    return _article_label(article)
