"""Demo capacity vouchers (运力券), relative to the day the demo is loaded, through the services.

What it makes, for the current year when its guide opens ``a11.capacity_voucher``: the year's
pool, capacity bought from the demo logistics company (the ``logistics`` demo user is bound to
it when it has no company yet), a published batch valid from 45 days ago to 90 days ahead, the
two demo enterprises' logistics contracts with their claims, partial redemptions by the
logistics partner, and one monthly settlement (of last month) ready for finance to pay.

Idempotent: the pool is keyed by year, the purchase, batch and contracts by their names and
numbers, the redemptions and the settlement by their contract and month; what exists is left
alone. Call after the registry demo, which creates the users (``city``, ``logistics``,
``enterprise_a``, ``enterprise_b``).

One thing is not done through a service: a redemption's time is "now", so the settlement's
redemption is moved to last month after it is recorded (only here, in demo data), because a
settlement covers a finished month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from accounts.services import user_update
from entitlement.guide import GuideError, shipped_guide
from vouchers import services
from vouchers.entitle import MEASURE
from vouchers.models import (
    CapacityPurchase,
    LogisticsContract,
    Redemption,
    Settlement,
    VoucherBatch,
    VoucherClaim,
    VoucherPool,
)

DEMO_LOGISTICS_CODE = "3207980088"
DEMO_COMPANY = "示例国际物流有限公司"
# a minimal PDF: the contract file goes through the evidence checks (type by magic bytes)
DEMO_PDF = b"%PDF-1.4\n% demo logistics contract\n%%EOF\n"


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _logistics_code(partner: User) -> str:
    if not partner.logistics_code:
        user_update(actor=None, user=partner, changes={"logistics_code": DEMO_LOGISTICS_CODE})
        partner.refresh_from_db()
    return partner.logistics_code


def load_demo() -> int:
    """Create what is missing; returns the number of rows created."""
    today = timezone.localdate()
    year = today.year
    try:
        guide = shipped_guide(year)
    except GuideError:
        return 0
    city, partner = _user("city"), _user("logistics")
    if MEASURE not in guide.measures or city is None or partner is None:
        return 0
    created = 0
    code = _logistics_code(partner)

    pool = VoucherPool.objects.filter(year=year).first()
    if pool is None:
        amount = min(Decimal(guide.budget_total), Decimal("2000000"))
        pool = services.pool_set(actor=city, year=year, amount=amount)
        created += 1

    purchase_no = f"YLQ-CG-{year}-01"
    if not CapacityPurchase.objects.filter(pool=pool, contract_no=purchase_no).exists():
        services.purchase_record(
            actor=city,
            pool=pool,
            logistics_code=code,
            company_name=DEMO_COMPANY,
            contract_no=purchase_no,
            amount=pool.amount / 2,
            valid_from=dt.date(year, 1, 1),
            valid_to=dt.date(year, 12, 31),
        )
        created += 1

    name = f"{year} 年第一批运力券"
    batch = VoucherBatch.objects.filter(pool=pool, name=name).first()
    if batch is None:
        batch = services.batch_create(
            actor=city,
            pool=pool,
            name=name,
            amount=min(pool.amount / 2, Decimal("500000")),
            face_values=["1000", "500", "100"],
            valid_from=max(today - dt.timedelta(days=45), dt.date(year, 1, 1)),
            valid_to=today + dt.timedelta(days=90),
            per_enterprise_limit="100000",
            notice="面向全市跨境电商企业发放，请登记与合作物流企业签订的物流合同后申领。",
        )
        services.batch_publish(actor=city, batch=batch)
        created += 1

    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for username, contract_amount, suffix in (
        ("enterprise_a", "300000", "A"),
        ("enterprise_b", "180000", "B"),
    ):
        user = _user(username)
        if user is None or user.enterprise_id is None:
            continue
        number = f"WL-{year}-{suffix}001"
        contract = LogisticsContract.objects.filter(logistics_code=code, contract_no=number).first()
        try:
            if contract is None:
                contract = services.contract_record(
                    actor=user,
                    logistics_code=code,
                    contract_no=number,
                    amount=contract_amount,
                    starts_on=today - dt.timedelta(days=90),
                    ends_on=today + dt.timedelta(days=180),
                    file=SimpleUploadedFile("contract.pdf", DEMO_PDF, "application/pdf"),
                )
                created += 1
            if not VoucherClaim.objects.filter(contract=contract).exists():
                services.claim_create(actor=user, batch=batch, contract=contract)
                created += 1
            created += _redeem(partner, contract, suffix, last_month)
        except ValidationError:
            continue  # e.g. a demo enterprise that is not active: it cannot claim

    if not Settlement.objects.filter(pool=pool, logistics_code=code).exists():
        try:
            services.settlement_issue(actor=city, pool=pool, logistics_code=code, month=last_month)
            created += 1
        except ValidationError:
            pass
    return created


def _redeem(partner: User, contract: LogisticsContract, suffix: str, last_month: dt.date) -> int:
    """Two partial redemptions of the contract's largest voucher: one moved to last month (for
    the settlement), one this month (still unsettled)."""
    if Redemption.objects.filter(contract=contract).exists():
        return 0
    voucher = contract.claim.vouchers.order_by("-face_value", "pk").first()
    if voucher is None:
        return 0
    half = (voucher.face_value / 2).quantize(Decimal("0.01"))
    earlier = services.voucher_redeem(
        actor=partner,
        voucher=voucher,
        invoice_no=f"FP{last_month:%Y%m}{suffix}01",
        invoice_amount=voucher.face_value * 3,
        invoice_date=max(last_month, contract.starts_on),
        amount=half,
    )
    moved = timezone.make_aware(
        dt.datetime.combine(last_month + dt.timedelta(days=14), dt.time(10))
    )
    Redemption.objects.filter(pk=earlier.pk).update(redeemed_at=moved)
    today = timezone.localdate()
    services.voucher_redeem(
        actor=partner,
        voucher=voucher,
        invoice_no=f"FP{today:%Y%m}{suffix}02",
        invoice_amount=voucher.face_value,
        invoice_date=today,
        amount=(half / 2).quantize(Decimal("0.01")),
    )
    return 2
