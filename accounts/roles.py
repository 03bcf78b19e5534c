"""Where each role lands after logging in (its first page)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from accounts.models import Role, User

_LANDING: dict[str, str] = {
    Role.ENTERPRISE: "enterprises:mine",
    Role.COUNTY_OFFICER: "enterprises:list",
    Role.CITY_REVIEWER: "enterprises:list",
    Role.FINANCE_OFFICER: "enterprises:list",
    Role.PARTNER: "core:home",
    Role.ADMINISTRATOR: "core:home",
}


def landing_url_name(user: User) -> str:
    if user.is_administrator:
        return "core:home"
    return _LANDING.get(user.role, "core:home")


def landing_url(user: User) -> str:
    """The URL of the user's first page; the home page when that page is not available."""
    try:
        return reverse(landing_url_name(user))
    except NoReverseMatch:
        return reverse("core:home")
