"""What may happen next to a finance or insurance application: one table for the service that
refuses and the page that shows the buttons.

::

    received -review-> under_review -offer-> offered -accept-> accepted -disburse-> disbursed
                            |                   `-decline-> declined   (loans)
                            `-reject-> rejected              `-issue-> policy_issued
                                                                       (insurance)

The partner (the product's bank or insurer) reviews, offers, rejects and completes; the
enterprise accepts or declines an offer. Revoking the consent withdraws an open application
(``OPEN``), and a partner acts only while the consent is active.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from credit.models import CreditApplication, CreditStatus, ProductKind

PARTNER = "partner"
ENTERPRISE = "enterprise"


@dataclass(frozen=True)
class Edge:
    action: str
    frm: str
    to: str
    by: str
    label: str | Promise
    kind: str = ""  # only for this product kind ("" = any)


EDGES: tuple[Edge, ...] = (
    Edge("review", CreditStatus.RECEIVED, CreditStatus.UNDER_REVIEW, PARTNER, _("开始审查")),
    Edge("offer", CreditStatus.UNDER_REVIEW, CreditStatus.OFFERED, PARTNER, _("出具方案")),
    Edge("reject", CreditStatus.UNDER_REVIEW, CreditStatus.REJECTED, PARTNER, _("不予批准")),
    Edge("accept", CreditStatus.OFFERED, CreditStatus.ACCEPTED, ENTERPRISE, _("接受方案")),
    Edge("decline", CreditStatus.OFFERED, CreditStatus.DECLINED, ENTERPRISE, _("拒绝方案")),
    Edge(
        "disburse",
        CreditStatus.ACCEPTED,
        CreditStatus.DISBURSED,
        PARTNER,
        _("登记放款"),
        ProductKind.LOAN,
    ),
    Edge(
        "issue",
        CreditStatus.ACCEPTED,
        CreditStatus.POLICY_ISSUED,
        PARTNER,
        _("登记出单"),
        ProductKind.INSURANCE,
    ),
)
BY_ACTION = {e.action: e for e in EDGES}
# open applications: revoking the consent withdraws them
OPEN = frozenset(
    {
        CreditStatus.RECEIVED,
        CreditStatus.UNDER_REVIEW,
        CreditStatus.OFFERED,
        CreditStatus.ACCEPTED,
    }
)
COMPLETED = frozenset({CreditStatus.DISBURSED, CreditStatus.POLICY_ISSUED})


def edge_for(application: CreditApplication, action: str) -> Edge | None:
    """The edge ``action`` takes from the application's status, or None when not allowed now."""
    edge = BY_ACTION.get(action)
    if edge is None or edge.frm != application.status:
        return None
    if edge.kind and edge.kind != application.kind:
        return None
    return edge


def actions_for(application: CreditApplication, side: str) -> list[Edge]:
    """The buttons one side (``PARTNER`` or ``ENTERPRISE``) has now."""
    return [e for e in EDGES if e.by == side and edge_for(application, e.action) is not None]
