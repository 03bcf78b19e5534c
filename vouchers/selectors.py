"""Permission-aware reads of capacity vouchers, and who may do what.

Who sees what (built from ``accounts.access``):

* city reviewer, finance officer, administrator — everything;
* county officer — pools and batches, and the contracts, claims, vouchers and redemptions of
  the enterprises of its county (the dashboards by county);
* enterprise user — published batches, its own contracts, claims, vouchers and redemptions;
* logistics partner user (``User.logistics_code``) — published batches, the contracts, vouchers
  and redemptions under its own company's code, its own company's settlements;
* anyone else — nothing.

Who writes: the city reviewer / administrator sets the pool, records capacity purchases,
creates, publishes and closes batches, cancels vouchers and issues settlements (finance may
issue them too); an enterprise user records its contracts and claims; a logistics partner user
redeems; the finance officer pays settlements.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.access import (
    has_role,
    is_city_level,
    is_enterprise_user,
    is_finance_officer,
    is_signed_in,
    own_enterprise_id,
    own_logistics_code,
    reads_all,
    scope_by_enterprise,
)
from accounts.models import Role
from vouchers.filters import (
    BatchFilterSet,
    ContractFilterSet,
    SettlementFilterSet,
    VoucherFilterSet,
)
from vouchers.models import (
    BatchStatus,
    LogisticsContract,
    Redemption,
    Settlement,
    Voucher,
    VoucherBatch,
    VoucherClaim,
    VoucherPool,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

    AnyUser = User | AnonymousUser


# ------------------------------------------------------------------ who may do what


def can_manage(user: AnyUser | None) -> bool:
    """Pool, purchases, batches, cancellation: the city reviewer and the administrator."""
    return is_city_level(user)


def can_claim(user: AnyUser | None) -> bool:
    return is_enterprise_user(user)


def can_redeem(user: AnyUser | None) -> bool:
    return bool(own_logistics_code(user))


def can_issue_settlements(user: AnyUser | None) -> bool:
    return is_city_level(user) or is_finance_officer(user)


def can_pay_settlements(user: AnyUser | None) -> bool:
    return has_role(user, Role.FINANCE_OFFICER, Role.ADMINISTRATOR)


def is_voucher_user(user: AnyUser | None) -> bool:
    """Anyone with a voucher page: officers, enterprise users, logistics partners."""
    return (
        has_role(user, Role.COUNTY_OFFICER)
        or reads_all(user)
        or is_enterprise_user(user)
        or can_redeem(user)
    )


# ------------------------------------------------------------------ reads


def pool_list_for(*, user: AnyUser | None) -> QuerySet[VoucherPool]:
    qs = VoucherPool.objects.all()
    return (
        qs
        if is_signed_in(user) and (reads_all(user) or has_role(user, Role.COUNTY_OFFICER))
        else qs.none()
    )


def pool_get_for(*, user: AnyUser | None, pk: int) -> VoucherPool:
    pool = pool_list_for(user=user).filter(pk=pk).first()
    if pool is None:
        raise Http404
    return pool


def batch_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[VoucherBatch]:
    qs = VoucherBatch.objects.select_related("pool")
    if reads_all(user) or has_role(user, Role.COUNTY_OFFICER):
        pass
    elif is_enterprise_user(user) or can_redeem(user):
        qs = qs.exclude(status=BatchStatus.DRAFT)
    else:
        qs = qs.none()
    return BatchFilterSet.apply(qs, filters)


def batch_get_for(*, user: AnyUser | None, pk: int) -> VoucherBatch:
    batch = batch_list_for(user=user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def _scoped(
    qs: QuerySet[Any], user: AnyUser | None, *, enterprise: str, code: str
) -> QuerySet[Any]:
    code_value = own_logistics_code(user)
    if code_value:
        return qs.filter(**{code: code_value})
    return scope_by_enterprise(
        qs, user, field=f"{enterprise}_id", county_field=f"{enterprise}__county_id"
    )


def contract_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[LogisticsContract]:
    qs = LogisticsContract.objects.select_related("enterprise")
    qs = _scoped(qs, user, enterprise="enterprise", code="logistics_code")
    return ContractFilterSet.apply(qs, filters)


def contract_get_for(*, user: AnyUser | None, pk: int) -> LogisticsContract:
    contract = contract_list_for(user=user).filter(pk=pk).first()
    if contract is None:
        raise Http404
    return contract


def claim_list_for(*, user: AnyUser | None) -> QuerySet[VoucherClaim]:
    qs = VoucherClaim.objects.select_related("batch", "contract", "enterprise", "county")
    return _scoped(qs, user, enterprise="enterprise", code="contract__logistics_code")


def voucher_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Voucher]:
    qs = Voucher.objects.select_related("claim", "claim__contract", "claim__enterprise", "batch")
    qs = _scoped(qs, user, enterprise="claim__enterprise", code="claim__contract__logistics_code")
    return VoucherFilterSet.apply(qs, filters)


def voucher_get_for(*, user: AnyUser | None, pk: int | None = None, code: str = "") -> Voucher:
    qs = voucher_list_for(user=user)
    voucher = qs.filter(pk=pk).first() if pk is not None else qs.filter(code=code).first()
    if voucher is None:
        raise Http404
    return voucher


def redemption_list_for(*, user: AnyUser | None) -> QuerySet[Redemption]:
    qs = Redemption.objects.select_related("voucher", "contract", "contract__enterprise")
    return _scoped(qs, user, enterprise="contract__enterprise", code="logistics_code")


def settlement_list_for(
    *, user: AnyUser | None, filters: Mapping[str, Any] | None = None
) -> QuerySet[Settlement]:
    qs = Settlement.objects.select_related("pool")
    if not reads_all(user):
        code = own_logistics_code(user)
        qs = qs.filter(logistics_code=code) if code else qs.none()
    return SettlementFilterSet.apply(qs, filters)


def settlement_get_for(*, user: AnyUser | None, pk: int) -> Settlement:
    settlement = settlement_list_for(user=user).filter(pk=pk).first()
    if settlement is None:
        raise Http404
    return settlement


def enterprise_claim_total(*, enterprise_id: int, year: int) -> Any:
    """What an enterprise holds in vouchers for ``year``: face value less what went back."""
    from django.db.models import F, Sum

    row = Voucher.objects.filter(
        claim__enterprise_id=enterprise_id, batch__pool__year=year
    ).aggregate(total=Sum(F("face_value") - F("returned")))
    return row["total"] or 0


def payment_history(enterprise_ids: list[int]) -> list[dict[str, Any]]:
    """Redeemed voucher amounts as engine payment history (measure ``a11.capacity_voucher``,
    matter = the contract number), per enterprise, year and contract — for the application
    rounds' proposal runs and matching (``funds.inputs``)."""
    from django.db.models import Sum

    rows = (
        Redemption.objects.filter(contract__enterprise_id__in=enterprise_ids)
        .values("contract__enterprise_id", "voucher__batch__pool__year", "contract__contract_no")
        .annotate(total=Sum("amount"))
        .order_by("contract__enterprise_id", "voucher__batch__pool__year", "contract__contract_no")
    )
    return [
        {
            "enterprise_id": r["contract__enterprise_id"],
            "year": r["voucher__batch__pool__year"],
            "matter": r["contract__contract_no"],
            "amount": r["total"],
        }
        for r in rows
    ]


def own_enterprise(user: AnyUser | None) -> int | None:
    return own_enterprise_id(user)


def live_application_for_matter(*, enterprise_id: int, matter: str) -> bool:
    """Whether a live application (not rejected or withdrawn) names this contract as its matter."""
    from applications.models import Application, ApplicationStatus

    return (
        Application.objects.filter(enterprise_id=enterprise_id, matter=matter)
        .exclude(status__in=[ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN])
        .exists()
    )


__all__ = ["Q"]
