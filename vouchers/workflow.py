"""What may happen next to a batch, a voucher or a settlement: one rule for the service that
refuses and the page that shows (or hides) the button. Each ``*_refusal`` returns the reason a
step is refused now, or None when it is allowed."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from vouchers.models import (
    BatchStatus,
    Settlement,
    SettlementStatus,
    Voucher,
    VoucherBatch,
    VoucherStatus,
)


def publish_refusal(batch: VoucherBatch, *, today: dt.date) -> str | None:
    if batch.status != BatchStatus.DRAFT:
        return _("只有未发布的批次可以发布。")
    if batch.valid_to < today:
        return _("批次有效期已过，不能发布。")
    return None


def close_refusal(batch: VoucherBatch) -> str | None:
    if batch.status != BatchStatus.PUBLISHED:
        return _("只有发放中的批次可以结束。")
    return None


def claim_window_refusal(batch: VoucherBatch, *, today: dt.date) -> str | None:
    if batch.status != BatchStatus.PUBLISHED or not batch.valid_from <= today <= batch.valid_to:
        return _("该批次当前不在发放期内。")
    return None


def redeem_refusal(voucher: Voucher, *, today: dt.date) -> str | None:
    if voucher.status != VoucherStatus.ACTIVE or voucher.valid_to < today:
        return _("该运力券已核销完毕、已过期或已作废。")
    return None


def cancel_refusal(voucher: Voucher) -> str | None:
    if voucher.status != VoucherStatus.ACTIVE:
        return _("只有可使用的运力券可以作废。")
    return None


def pay_refusal(settlement: Settlement) -> str | None:
    if settlement.status != SettlementStatus.ISSUED:
        return _("该结算单已支付。")
    return None
