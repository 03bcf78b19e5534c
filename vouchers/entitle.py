"""The engine's word on a claim: what ``a11.capacity_voucher`` grants on one logistics contract.

The rule (2% of the contract amount, at most what is left of the enterprise's 100,000 CNY for
the year, 就高不重复 with money already paid for the same contract) lives in the engine and the
year's guide; this module only builds the scenario from the platform's data (``funds.inputs``)
and reads the result. It never re-implements the rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import F, Sum
from django.utils import timezone

from entitlement.engine import evaluate
from entitlement.scenario import parse_scenario
from funds.inputs import Inputs, money

if TYPE_CHECKING:
    from vouchers.models import LogisticsContract

MEASURE = "a11.capacity_voucher"


@dataclass(frozen=True)
class Entitlement:
    amount: Decimal
    status: str
    reasons: list[dict[str, Any]]
    notes: list[dict[str, str]]


def claim_date(contract: LogisticsContract, year: int) -> dt.date:
    """The day the cost is dated for the engine: the contract's start, inside the pool year
    when the contract runs into it."""
    day = contract.starts_on
    first = dt.date(year, 1, 1)
    if day < first <= contract.ends_on:
        day = first
    return day


def entitlement_for(*, contract: LogisticsContract, year: int) -> Entitlement:
    """Evaluate the claim on ``contract`` under the ``year`` guide with the enterprise's history:
    disbursements and redeemed vouchers (``funds.inputs``), plus vouchers it holds but has not
    yet redeemed (they count against the annual cap as soon as they are issued)."""
    from vouchers.models import Voucher

    inputs = Inputs(year=year, guide=str(year))
    bid = inputs.add_beneficiary(contract.enterprise)
    inputs.add_disbursements([contract.enterprise_id])  # includes redeemed vouchers
    held = (
        Voucher.objects.filter(claim__enterprise_id=contract.enterprise_id, batch__pool__year=year)
        .values("claim__contract__contract_no")
        .annotate(open=Sum(F("face_value") - F("returned") - F("redeemed")))
    )
    for row in held:
        if row["open"] and row["open"] > 0:
            inputs.history.append(
                {
                    "beneficiary": bid,
                    "measure": MEASURE,
                    "year": year,
                    "amount": money(row["open"]),
                    "matter": row["claim__contract__contract_no"],
                    "note": "vouchers held, not yet redeemed",
                }
            )
    day = claim_date(contract, year)
    stamp = timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))
    inputs.claims.append(
        {
            "id": f"C{contract.pk}",
            "beneficiary": bid,
            "measure": MEASURE,
            "date": day.isoformat(),
            "submitted_at": stamp.isoformat(),
            "cost": money(contract.amount),
            "matter": contract.contract_no,
        }
    )
    result = evaluate(parse_scenario(inputs.scenario())).as_json("zh")["claims"][0]
    return Entitlement(
        amount=Decimal(result["computed"]),
        status=result["status"],
        reasons=result["reasons"],
        notes=inputs.notes,
    )
