"""Permission-aware reads of finance and insurance, and who may do what.

* bank / insurer partner users (role ``partner``, ``partner_kind`` bank or insurer) — their own
  products; the applications to their products **whose consent is active now** (checked in the
  query on every read, never cached); nothing else of any enterprise;
* enterprise users — published products (browse, compare, apply); their own enterprise's
  applications, consents, the accesses made under them and the profiles issued about it;
* city reviewer, finance officer, administrator — every product; the volumes of every county;
* county officer — every product; the volumes of its own county;
* nobody reads another enterprise's application rows through the bureau views: the bureau
  sees counts and amounts by county, product kind and month only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.access import (
    has_role,
    is_enterprise_user,
    is_officer,
    is_partner,
    own_enterprise_id,
    reads_all,
    scope_by_county,
)
from accounts.models import PartnerKind, Role
from codes.models import localized_name
from credit.filters import ApplicationFilterSet, ProductFilterSet
from credit.models import (
    Consent,
    ConsentAccess,
    CreditApplication,
    Product,
    ProductDocument,
    ProductKind,
    ProductStatus,
    TradeProfile,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser

FINANCE_KINDS = {PartnerKind.BANK: ProductKind.LOAN, PartnerKind.INSURER: ProductKind.INSURANCE}


# ------------------------------------------------------------------ who may do what


def finance_partner_kind(user: AnyUser | None) -> str:
    """``bank`` or ``insurer`` for a bank / insurer partner user, else ``""``."""
    if not is_partner(user):
        return ""
    kind = str(getattr(user, "partner_kind", ""))
    return kind if kind in FINANCE_KINDS else ""


def is_finance_partner(user: AnyUser | None) -> bool:
    """Bank and insurer partners (their menu entries' ``when=`` predicate)."""
    return bool(finance_partner_kind(user))


def product_kind_for(user: AnyUser | None) -> str:
    """The product kind a partner publishes: banks lend, insurers insure."""
    return str(FINANCE_KINDS.get(finance_partner_kind(user), ""))  # type: ignore[call-overload]


def can_apply(user: AnyUser | None) -> bool:
    return is_enterprise_user(user)


def can_see_volumes(user: AnyUser | None) -> bool:
    return is_officer(user)


def is_credit_user(user: AnyUser | None) -> bool:
    """Anyone with a finance page: enterprises, bank / insurer partners, officers."""
    return is_enterprise_user(user) or is_finance_partner(user) or is_officer(user)


# ------------------------------------------------------------------ products


def product_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Product]:
    qs = Product.objects.select_related("partner")
    if is_officer(user):
        pass
    elif is_finance_partner(user):
        qs = qs.filter(partner_id=getattr(user, "pk", None))
    elif is_enterprise_user(user):
        qs = qs.filter(status=ProductStatus.PUBLISHED)
    else:
        qs = qs.none()
    return ProductFilterSet.apply(qs, filters)


def product_get_for(*, user: AnyUser | None, pk: int) -> Product:
    product = product_list_for(user=user).filter(pk=pk).first()
    if product is None:
        raise Http404
    return product


def products_to_compare(*, user: AnyUser | None, ids: list[int]) -> list[Product]:
    """Up to four products side by side, in the order asked."""
    wanted = [i for i in dict.fromkeys(ids) if 0 < i < 2**63][:4]
    found = {p.pk: p for p in product_list_for(user=user).filter(pk__in=wanted)}
    return [found[i] for i in wanted if i in found]


def document_get_for(*, user: AnyUser | None, pk: int) -> ProductDocument:
    doc = (
        ProductDocument.objects.select_related("product")
        .filter(pk=pk, product__in=product_list_for(user=user))
        .first()
    )
    if doc is None:
        raise Http404
    return doc


def can_manage_product(user: AnyUser | None, product: Product) -> bool:
    return is_finance_partner(user) and product.partner_id == getattr(user, "pk", None)


# ------------------------------------------------------------------ applications


def application_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[CreditApplication]:
    """Enterprise: its own. Bank / insurer: applications to its products whose consent is active
    at this instant (a revoked or expired consent hides the application at once). Others: none
    (the bureau reads volumes, not applications)."""
    qs = CreditApplication.objects.select_related("product", "enterprise", "consent", "county")
    if is_enterprise_user(user):
        qs = qs.filter(enterprise_id=own_enterprise_id(user) or 0)
    elif is_finance_partner(user):
        qs = qs.filter(Consent.active_q("consent__"), partner_id=getattr(user, "pk", None))
    else:
        qs = qs.none()
    return ApplicationFilterSet.apply(qs, filters)


def application_get_for(*, user: AnyUser | None, pk: int) -> CreditApplication:
    application = application_list_for(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def is_partner_of(user: AnyUser | None, application: CreditApplication) -> bool:
    return is_finance_partner(user) and application.partner_id == getattr(user, "pk", None)


def is_enterprise_of(user: AnyUser | None, application: CreditApplication) -> bool:
    return is_enterprise_user(user) and own_enterprise_id(user) == application.enterprise_id


# ------------------------------------------------------------------ consents and accesses


def consent_list_for(*, user: AnyUser | None) -> QuerySet[Consent]:
    """The consents an enterprise gave by applying (its own users only); the report
    authorisations it gives on the export desk (no application) are listed there."""
    qs = Consent.objects.select_related("application", "application__product").filter(
        application__isnull=False
    )
    if is_enterprise_user(user):
        return qs.filter(enterprise_id=own_enterprise_id(user) or 0)
    return qs.none()


def consent_get_for(*, user: AnyUser | None, pk: int) -> Consent:
    consent = consent_list_for(user=user).filter(pk=pk).first()
    if consent is None:
        raise Http404
    return consent


def access_list_for(*, user: AnyUser | None, consent: Consent) -> QuerySet[ConsentAccess]:
    if not (is_enterprise_user(user) and own_enterprise_id(user) == consent.enterprise_id):
        return ConsentAccess.objects.none()
    return consent.accesses.all()


# ------------------------------------------------------------------ trade profiles


def profile_list_for(*, user: AnyUser | None) -> QuerySet[TradeProfile]:
    """Enterprise: the profiles issued about it. Bank / insurer: those issued to it, while the
    consent they were issued under is active."""
    qs = TradeProfile.objects.select_related("application", "consent", "issued_to")
    if is_enterprise_user(user):
        return qs.filter(application__enterprise_id=own_enterprise_id(user) or 0)
    if is_finance_partner(user):
        return qs.filter(Consent.active_q("consent__"), issued_to_id=getattr(user, "pk", None))
    return qs.none()


def profile_get_for(*, user: AnyUser | None, number: str) -> TradeProfile:
    profile = profile_list_for(user=user).filter(number=number[:32]).first()
    if profile is None:
        raise Http404
    return profile


# ------------------------------------------------------------------ the bureau's volumes


def volumes_for(*, user: AnyUser | None, year: int | None = None) -> dict[str, Any]:
    """Applications, offers and completed financing / insurance by county, product kind and
    month (of the application), within the officer's scope; no enterprise appears."""
    if not can_see_volumes(user):
        return {"rows": [], "totals": {}, "year": year}
    qs = scope_by_county(CreditApplication.objects.all(), user)
    if year:
        start = timezone.make_aware(dt.datetime(year, 1, 1))
        qs = qs.filter(created_at__gte=start, created_at__lt=start.replace(year=year + 1))
    cells: dict[tuple[str, str, str, str], dict[str, Any]] = defaultdict(
        lambda: {"applications": 0, "offered": 0, "completed": 0, "amount": Decimal(0)}
    )
    rows = qs.values_list(
        "county__code",
        "county__name",
        "county__name_en",
        "kind",
        "created_at",
        "status",
        "offer_amount",
    )
    completed = {"disbursed", "policy_issued"}
    offered = {"offered", "accepted", "declined", *completed}
    for code, name, name_en, kind, created, status, offer in rows:
        month = timezone.localtime(created).strftime("%Y-%m")
        cell = cells[(code or "", localized_name(name or "", name_en or ""), str(kind), month)]
        cell["applications"] += 1
        cell["offered"] += status in offered
        if status in completed:
            cell["completed"] += 1
            cell["amount"] += offer or Decimal(0)
    labels = dict(ProductKind.choices)
    out = [
        {
            "county_code": code,
            "county": name,
            "kind": kind,
            "kind_label": str(labels.get(kind, kind)),
            "month": month,
            **values,
        }
        for (code, name, kind, month), values in sorted(cells.items())
    ]
    totals: dict[str, Any] = {}
    for row in out:
        t = totals.setdefault(
            row["kind"],
            {"kind_label": row["kind_label"], "applications": 0, "completed": 0, "amount": 0},
        )
        t["applications"] += row["applications"]
        t["completed"] += row["completed"]
        t["amount"] += row["amount"]
    return {"rows": out, "totals": totals, "year": year, "all_counties": reads_all(user)}


def county_officer(user: AnyUser | None) -> bool:
    return has_role(user, Role.COUNTY_OFFICER)
