"""Writes of evidence duplicates: the reviewer's decision on two applications of one enterprise
that carry the same evidence file (see ``duplicate_selectors``).

``evidence_match_decide`` records (or changes) the decision, in a transaction, with an audit
entry ``application.evidence_match`` naming both applications, the shared files' SHA-256s and
the decision before and after.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from applications.duplicate_selectors import can_decide, pair, shared_evidence
from applications.models import Application, ApplicationStatus, EvidenceMatch, EvidenceMatchDecision
from applications.selectors import application_visible_qs
from audit.services import audit_record

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def evidence_match_decide(
    *,
    actor: User,
    application: Application,
    other_id: int,
    decision: str,
    comment: str = "",
) -> EvidenceMatch:
    """Decide whether ``application`` and application ``other_id`` are the same matter.

    Only a county officer or the city reviewer who may see both applications decides; the two
    must belong to one enterprise, both be submitted and share an evidence file.
    """
    if not can_decide(actor):
        raise PermissionDenied(_("只有县区或市级审核人员可以认定证明材料重复。"))
    visible = application_visible_qs(user=actor)
    first_id, second_id = pair(application.pk, int(other_id))
    apps = {
        a.pk: a
        for a in visible.select_for_update(of=("self",)).filter(pk__in=[first_id, second_id])
    }
    if first_id == second_id or len(apps) != 2:
        raise PermissionDenied(_("您无权认定这两份申报。"))
    first, second = apps[first_id], apps[second_id]
    if decision not in EvidenceMatchDecision.values:
        raise ValidationError({"decision": [_("请选择“同一事项”或“不同事项”。")]})
    comment = (comment or "").strip()
    if len(comment) > 300:
        raise ValidationError({"comment": [_("说明不能超过 300 个字符。")]})
    if first.enterprise_id != second.enterprise_id or ApplicationStatus.DRAFT in {
        first.status,
        second.status,
    }:
        raise ValidationError(_("只能认定同一企业已提交的两份申报。"))
    shas = sorted(shared_evidence(first_id, second_id))
    if not shas:
        raise ValidationError(_("这两份申报没有相同的证明材料，无需认定。"))
    match = EvidenceMatch.objects.filter(first_id=first_id, second_id=second_id).first()
    before = {"decision": match.decision, "comment": match.comment} if match else None
    if match is None:
        match = EvidenceMatch(first=first, second=second)
    match.decision, match.comment, match.decided_by = decision, comment, actor
    match.save()
    audit_record(
        actor=actor,
        action="application.evidence_match",
        obj=match,
        before=before,
        after={
            "first": first_id,
            "second": second_id,
            "sha256": shas,
            "decision": decision,
            "comment": comment,
        },
    )
    return match
