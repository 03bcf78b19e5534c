"""Demo export desk for enterprise A: three overseas costs in USD (warehousing, logistics, tax,
each with a PDF), two proceeds receipts and one netting statement over the last three months,
relative to today. Idempotent: nothing is added once enterprise A has a statement. Call after
the registry demo (user ``enterprise_a``) and the code tables (currencies)."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from exportdesk import services
from exportdesk.models import NettingStatement

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
    if NettingStatement.objects.filter(enterprise_id=user.enterprise_id).exists():
        return 0
    from codes.models import Currency

    if not Currency.objects.filter(iso_alpha="USD").exists():
        return 0
    today = timezone.localdate()
    created = 0
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
