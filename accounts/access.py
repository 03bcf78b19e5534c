"""Who may see what: the role predicates and data scopes every app's selectors use.

One place decides who a user is for permission purposes (``role_of``) and which rows of a
county- or enterprise-owned table they may read (``scope_by_county``, ``scope_by_enterprise``).
Each app's ``selectors.py`` builds its own rules (``can_publish``, ``can_record_payments`` …)
from these pieces; no app keeps its own copy of the role logic (``core/tests/
test_architecture.py`` fails when one appears).

The rules:

* nobody — anonymous, inactive or ``None`` — has a role: ``role_of`` is ``""`` and every scope
  is empty;
* a superuser counts as an administrator whatever its stored role;
* city level (city reviewer, administrator) may change what the city owns; the read-all roles
  (city level and the finance officer) read every county's data;
* a county officer reads the data of its own county / zone;
* an enterprise user reads its own enterprise's data;
* a partner reads nothing county- or enterprise-owned here (only what an app opens to it).

Predicates take ``User | AnonymousUser | None`` so views and services can pass
``request.user`` or an ``actor`` alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db.models import Model, QuerySet

from accounts.models import Role as Role  # the role names, for rules written with has_role()

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser

_M = TypeVar("_M", bound=Model)

# City level: may change what the city owns (recognitions, imports, any county's records).
CITY_LEVEL_ROLES = frozenset({Role.CITY_REVIEWER, Role.ADMINISTRATOR})
# Read every county's and every enterprise's data.
READ_ALL_ROLES = frozenset({Role.CITY_REVIEWER, Role.FINANCE_OFFICER, Role.ADMINISTRATOR})
# Government staff (each reads within its scope).
OFFICER_ROLES = frozenset({Role.COUNTY_OFFICER, *READ_ALL_ROLES})


class EnterpriseLike(Protocol):
    """What an object-level enterprise check needs: the enterprise's id and its county's."""

    @property
    def pk(self) -> Any: ...

    @property
    def county_id(self) -> int | None: ...


def role_of(user: AnyUser | None) -> str:
    """The user's role for permission checks; ``""`` for nobody (anonymous, inactive, None)."""
    if (
        user is None
        or not getattr(user, "is_authenticated", False)
        or not getattr(user, "is_active", False)
    ):
        return ""
    if getattr(user, "is_superuser", False):
        return Role.ADMINISTRATOR
    return str(getattr(user, "role", ""))


def has_role(user: AnyUser | None, *roles: str) -> bool:
    """Whether the user's role is one of ``roles``."""
    return role_of(user) in roles


def is_signed_in(user: AnyUser | None) -> bool:
    """An active, authenticated user (any role)."""
    return bool(role_of(user))


def own_county_id(user: AnyUser | None) -> int | None:
    """The county / zone the user is bound to (county officers), or None."""
    county_id = getattr(user, "county_id", None)
    return county_id if isinstance(county_id, int) else None


def own_enterprise_id(user: AnyUser | None) -> int | None:
    """The enterprise the user is bound to (enterprise users), or None."""
    enterprise_id = getattr(user, "enterprise_id", None)
    return enterprise_id if isinstance(enterprise_id, int) else None


def own_logistics_code(user: AnyUser | None) -> str:
    """The logistics company (customs code) a logistics partner user is bound to, or ``""``
    (every other role, and a logistics partner without a code)."""
    if role_of(user) != Role.PARTNER or getattr(user, "partner_kind", "") != "logistics":
        return ""
    code = getattr(user, "logistics_code", "")
    return code if isinstance(code, str) else ""


def is_city_level(user: AnyUser | None) -> bool:
    """City reviewer or administrator."""
    return role_of(user) in CITY_LEVEL_ROLES


def reads_all(user: AnyUser | None) -> bool:
    """City reviewer, finance officer or administrator: every county's data."""
    return role_of(user) in READ_ALL_ROLES


def is_officer(user: AnyUser | None) -> bool:
    """Government staff: county officer, city reviewer, finance officer or administrator."""
    return role_of(user) in OFFICER_ROLES


def is_county_officer(user: AnyUser | None) -> bool:
    return role_of(user) == Role.COUNTY_OFFICER


def is_city_reviewer(user: AnyUser | None) -> bool:
    return role_of(user) == Role.CITY_REVIEWER


def is_finance_officer(user: AnyUser | None) -> bool:
    return role_of(user) == Role.FINANCE_OFFICER


def is_administrator(user: AnyUser | None) -> bool:
    return role_of(user) == Role.ADMINISTRATOR


def is_partner(user: AnyUser | None) -> bool:
    return role_of(user) == Role.PARTNER


def is_enterprise_user(user: AnyUser | None) -> bool:
    """An enterprise user bound to its enterprise (every active one is, by a constraint)."""
    return role_of(user) == Role.ENTERPRISE and bool(own_enterprise_id(user))


def scope_by_county(
    qs: QuerySet[_M], user: AnyUser | None, *, field: str = "county_id"
) -> QuerySet[_M]:
    """Rows of a county-owned table ``user`` may read: all for the read-all roles, those whose
    ``field`` is its county for a county officer, none for anyone else."""
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return qs
    county_id = own_county_id(user)
    if role == Role.COUNTY_OFFICER and county_id:
        return qs.filter(**{field: county_id})
    return qs.none()


def scope_by_enterprise(
    qs: QuerySet[_M],
    user: AnyUser | None,
    *,
    field: str = "enterprise_id",
    county_field: str = "county_id",
) -> QuerySet[_M]:
    """Rows of an enterprise-owned table ``user`` may read (the registry scope): all for the
    read-all roles, the county's (``county_field``) for a county officer, the enterprise's own
    (``field``) for an enterprise user, none for anyone else (partners included)."""
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return qs
    county_id = own_county_id(user)
    if role == Role.COUNTY_OFFICER and county_id:
        return qs.filter(**{county_field: county_id})
    enterprise_id = own_enterprise_id(user)
    if role == Role.ENTERPRISE and enterprise_id:
        return qs.filter(**{field: enterprise_id})
    return qs.none()


def in_county(user: AnyUser | None, county_id: int | None) -> bool:
    """Whether ``county_id`` is the county officer's own county (False for other roles)."""
    own = own_county_id(user)
    return role_of(user) == Role.COUNTY_OFFICER and own is not None and own == county_id


def in_enterprise_scope(user: AnyUser | None, enterprise: EnterpriseLike) -> bool:
    """The object-level twin of :func:`scope_by_enterprise` for one enterprise."""
    role = role_of(user)
    if role in READ_ALL_ROLES:
        return True
    if role == Role.COUNTY_OFFICER:
        return in_county(user, enterprise.county_id)
    if role == Role.ENTERPRISE:
        own = own_enterprise_id(user)
        return own is not None and own == enterprise.pk
    return False
