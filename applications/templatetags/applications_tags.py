"""Small display helpers for the applications templates."""

from __future__ import annotations

from django import template

from applications.measures import measure_title as _measure_title

register = template.Library()

BADGES = {
    "approved": "ok",
    "disbursed": "ok",
    "proposed": "ok",
    "public_notice": "ok",
    "returned": "warn",
    "submitted": "warn",
    "county_review": "warn",
    "city_review": "warn",
    "rejected": "err",
    "withdrawn": "",
    "draft": "",
}


@register.filter
def status_badge(status: str) -> str:
    return BADGES.get(status, "")


@register.filter
def measure_title(measure_id: str) -> str:
    return _measure_title(measure_id)
