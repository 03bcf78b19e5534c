"""Demo export desk for enterprise A: three overseas costs in USD (warehousing, logistics, tax,
each with a PDF), two proceeds receipts and one netting statement over the last three months,
relative to today; and the partner reports: A authorises the demo warehouse partner
(``warehouse``) to report overseas costs and the demo bank (``bank``) to report proceeds, and each
pushes one entry. Idempotent: the enterprise's entries are added only until A has a statement,
the partner part only until A has a report authorisation. Call after the registry demo (user
``enterprise_a``), the demo partners and the code tables (currencies)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from exportdesk import services
from exportdesk.models import NettingStatement, ReportScope

DEMO_PDF = b"%PDF-1.4\n% demo overseas cost invoice\n%%EOF\n"
COSTS = [
    ("warehousing", "1850.00", 40, "美国新泽西海外仓（演示）", "仓储费 月结"),
    ("logistics", "2630.50", 35, "跨境头程物流（演示）", "头程海运 + 尾程派送"),
    ("tax", "912.30", 20, "美国州销售税代缴（演示）", "销售税"),
]
PROCEEDS = [
    ("18600.00", 30, "中国银行连云港分行", "DEMO-FX-001"),
    ("9400.00", 10, "中国银行连云港分行", "DEMO-FX-002"),
]


def load_demo() -> int:
    """Create what is missing; returns the number of rows created."""
    user = User.objects.filter(username="enterprise_a", is_active=True).first()
    if user is None or user.enterprise_id is None:
        return 0
    from codes.models import Currency

    if not Currency.objects.filter(iso_alpha="USD").exists():
        return 0
    today = timezone.localdate()
    created = _partner_reports(user, today)
    if NettingStatement.objects.filter(enterprise_id=user.enterprise_id).exists():
        return created
    for kind, amount, days, payee, note in COSTS:
        services.cost_add(
            actor=user,
            kind=kind,
            currency="USD",
            amount=amount,
            incurred_on=today - dt.timedelta(days=days),
            payee=payee,
            description=note,
            document=SimpleUploadedFile("invoice.pdf", DEMO_PDF, content_type="application/pdf"),
        )
        created += 1
    for amount, days, bank, reference in PROCEEDS:
        services.proceeds_add(
            actor=user,
            currency="USD",
            amount=amount,
            received_on=today - dt.timedelta(days=days),
            bank=bank,
            reference=reference,
        )
        created += 1
    first = (today.replace(day=1) - dt.timedelta(days=62)).replace(day=1)
    services.statement_issue(
        actor=user, currency="USD", month_from=f"{first:%Y-%m}", month_to=f"{today:%Y-%m}"
    )
    return created + 1


def _partner_reports(user: User, today: dt.date) -> int:
    """The demo warehouse and bank authorised by enterprise A, one report each."""
    from credit.models import Consent

    eid = user.enterprise_id or 0
    if Consent.objects.filter(enterprise_id=eid, application__isnull=True).exists():
        return 0
    warehouse = User.objects.filter(username="warehouse", is_active=True).first()
    bank = User.objects.filter(username="bank", is_active=True).first()
    if warehouse is None or bank is None:
        return 0
    uscc = user.enterprise.uscc if user.enterprise else ""
    services.authorisation_grant(actor=user, partner=warehouse, scope=ReportScope.COSTS, days=365)
    services.authorisation_grant(actor=user, partner=bank, scope=ReportScope.PROCEEDS, days=365)
    services.cost_report(
        actor=warehouse,
        enterprise=uscc,
        idempotency_key="DEMO-WH-001",
        kind="warehousing",
        currency="USD",
        amount="640.00",
        incurred_on=today - dt.timedelta(days=15),
        payee=warehouse.organisation or "示例海外仓",
        reference="WH-DEMO-001",
    )
    services.proceeds_report(
        actor=bank,
        enterprise=uscc,
        idempotency_key="DEMO-BK-001",
        currency="USD",
        amount="5200.00",
        received_on=today - dt.timedelta(days=5),
        reference="DEMO-FX-003",
    )
    return 4
