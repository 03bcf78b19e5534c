"""Writes of the funds app, split by sub-domain; every write is a service with keyword-only
arguments, in a transaction, with its audit entry. Application statuses change only through
``applications.workflow.transition``."""

from funds.services.matching import (
    account_matches,
    bank_account_confirm,
    propose_without_application,
)
from funds.services.notices import (
    approval_refusal,
    notice_approve,
    notice_publish,
    objection_file,
    objection_resolve,
)
from funds.services.payments import disbursement_record
from funds.services.proposals import (
    proposal_run_accept,
    proposal_run_execute,
    proposal_run_start,
    replay,
)

__all__ = [
    "account_matches",
    "approval_refusal",
    "bank_account_confirm",
    "disbursement_record",
    "notice_approve",
    "notice_publish",
    "objection_file",
    "objection_resolve",
    "proposal_run_accept",
    "proposal_run_execute",
    "proposal_run_start",
    "propose_without_application",
    "replay",
]
