"""Reads of the mandates app, with who may see what:

* an enterprise user sees the mandates its enterprise gave and every act made under them;
* a service platform partner user (``partner_kind`` service_platform) sees the mandates given to
  it and its own acts; it reaches an enterprise only through an active mandate with the scope;
* city level sees every mandate (read only); anyone else sees none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import (
    is_city_level,
    is_enterprise_user,
    is_partner,
    own_enterprise_id,
)
from accounts.models import PartnerKind, Role, User
from mandates.models import Mandate, MandateAction, MandateScope

if TYPE_CHECKING:
    from accounts.access import AnyUser
    from credit.models import Product
    from enterprises.models import Enterprise


def is_service_platform(user: AnyUser | None) -> bool:
    """A partner user of the service platform kind (外贸综合服务平台)."""
    return is_partner(user) and getattr(user, "partner_kind", "") == PartnerKind.SERVICE_PLATFORM


def can_grant(user: AnyUser | None) -> bool:
    return is_enterprise_user(user)


def is_mandate_user(user: AnyUser | None) -> bool:
    """Has a mandates page: an enterprise user, a service platform, city level."""
    return can_grant(user) or is_service_platform(user) or is_city_level(user)


def platform_choices() -> QuerySet[User]:
    """The registered, active service platform users an enterprise may authorise."""
    return User.objects.filter(
        role=Role.PARTNER, partner_kind=PartnerKind.SERVICE_PLATFORM, is_active=True
    ).order_by("organisation", "username")


def mandate_list_for(*, user: AnyUser | None) -> QuerySet[Mandate]:
    qs = Mandate.objects.select_related("enterprise", "platform", "granted_by")
    if is_city_level(user):
        return qs
    if can_grant(user):
        return qs.filter(enterprise_id=own_enterprise_id(user) or 0)
    if is_service_platform(user):
        return qs.filter(platform_id=getattr(user, "pk", None))
    return qs.none()


def mandate_get_for(*, user: AnyUser | None, pk: int) -> Mandate:
    mandate = mandate_list_for(user=user).filter(pk=pk).first()
    if mandate is None:
        raise Http404("not found")
    return mandate


def action_list_for(
    *, user: AnyUser | None, mandate: Mandate | None = None
) -> QuerySet[MandateAction]:
    """Acts made under the mandates ``user`` may see (of one ``mandate`` when given)."""
    qs = MandateAction.objects.select_related("mandate", "enterprise")
    if mandate is not None:
        qs = qs.filter(mandate=mandate)
    if is_city_level(user):
        return qs
    if can_grant(user):
        return qs.filter(enterprise_id=own_enterprise_id(user) or 0)
    if is_service_platform(user):
        return qs.filter(mandate__platform_id=getattr(user, "pk", None))
    return qs.none()


def mandated_enterprise(*, user: AnyUser | None, uscc: str, scope: str) -> Enterprise:
    """The enterprise (by its USCC) that has given ``user`` an active mandate with ``scope``.

    PermissionDenied otherwise, with the same answer whether the enterprise exists or not (a
    platform learns nothing of enterprises that did not authorise it). The service re-checks
    under a lock when it acts (``services.mandate_require``)."""
    if not is_service_platform(user):
        raise PermissionDenied(_("只有外贸综合服务平台可以代企业办理。"))
    mandate = (
        Mandate.objects.select_related("enterprise")
        .filter(Mandate.active_q(), platform_id=getattr(user, "pk", None))
        .filter(enterprise__uscc=str(uscc).strip().upper()[:18])
        .order_by("-granted_at")
    )
    for row in mandate:
        if scope in row.scopes:
            return row.enterprise
    raise PermissionDenied(_("该企业未授权贵平台办理此事项，或授权已撤回、已到期。"))


def customs_upload_enterprise(*, user: AnyUser | None, uscc: str) -> Enterprise:
    """The enterprise a platform names for a customs upload (``on_behalf_of``), if it may."""
    return mandated_enterprise(user=user, uscc=uscc, scope=MandateScope.CUSTOMS_UPLOAD)


def published_products() -> QuerySet[Product]:
    """The finance and insurance products a platform may apply to for an enterprise: those
    published (the list an enterprise user browses, ``credit.selectors.product_list_for``)."""
    from credit.models import Product, ProductStatus

    return (
        Product.objects.select_related("partner")
        .filter(status=ProductStatus.PUBLISHED)
        .order_by("kind", "name", "pk")
    )


def published_product_get(*, pk: int) -> Product:
    product = published_products().filter(pk=pk).first()
    if product is None:
        raise Http404("not found")
    return product
