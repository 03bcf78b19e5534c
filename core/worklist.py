"""The worklist (工作台) on each signed-in user's home page: what waits for them, with counts.

Each row is a count and a link to the page where the work is done. Every count comes from the
owning app's selector (the same permission-aware read as the page the row links to), so a
county officer counts its own county's registrations, an enterprise its own drafts, and a row
never counts what its page would not show. Rows are declared per role below; a role without
rows of its own still gets its unread messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accounts import access


@dataclass(frozen=True)
class WorkItem:
    """One row of the worklist: ``count`` things wait at ``url``."""

    key: str  # stable name, for tests and the page's data-testid
    label: str | Promise
    count: int
    url: str
    # "todo": the user is expected to act on these; "info": for their knowledge
    kind: str = "todo"
    note: str | Promise = ""

    @property
    def pending(self) -> bool:
        return self.kind == "todo" and self.count > 0


def _url(name: str, **query: Any) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


# ---------------------------------------------------------------- per app


def _unread(user: Any) -> list[WorkItem]:
    from applications.selectors import notification_list_for

    count = notification_list_for(user=user, unread_only=True).count()
    return [
        WorkItem("unread", _("未读消息"), count, _url("applications:notifications"), kind="info")
    ]


def _enterprise(user: Any) -> list[WorkItem]:
    from applications.models import ApplicationStatus as S
    from applications.selectors import accepting_rounds, application_list_for, round_visible_qs

    mine = _url("applications:mine")

    def count(status: str) -> int:
        return application_list_for(user=user, filters={"status": status}).count()

    open_rounds = accepting_rounds().filter(pk__in=round_visible_qs(user=user).values("pk"))
    return [
        WorkItem("drafts", _("草稿（未提交）"), count(S.DRAFT), mine),
        WorkItem("returned", _("退回待修改"), count(S.RETURNED), mine),
        WorkItem("in_notice", _("公示中"), count(S.PUBLIC_NOTICE), mine, kind="info"),
        WorkItem(
            "open_rounds",
            _("正在受理的申报批次"),
            open_rounds.count(),
            _url("applications:rounds"),
            kind="info",
        ),
    ]


def _registrations_and_changes(user: Any) -> list[WorkItem]:
    from enterprises.registration_selectors import pending_registrations_for
    from enterprises.selectors import change_request_inbox_for

    return [
        WorkItem(
            "registrations",
            _("待核验的企业注册"),
            pending_registrations_for(user=user).count(),
            _url("enterprises:registrations"),
        ),
        WorkItem(
            "changes",
            _("待核验的档案变更"),
            change_request_inbox_for(user=user).count(),
            _url("enterprises:changes"),
        ),
    ]


def _review_inbox(user: Any, label: str | Promise) -> list[WorkItem]:
    from applications.selectors import inbox_for

    return [WorkItem("inbox", label, inbox_for(user=user).count(), _url("applications:inbox"))]


def _county(user: Any) -> list[WorkItem]:
    return _registrations_and_changes(user) + _review_inbox(user, _("待县区审核的申报"))


def _city(user: Any) -> list[WorkItem]:
    from applications.models import ApplicationStatus as S
    from applications.selectors import application_list_for
    from funds.models import NoticeStatus
    from funds.selectors import notice_list_for_reviewer

    notices = list(notice_list_for_reviewer(user=user).filter(status=NoticeStatus.OPEN))
    return [
        *_review_inbox(user, _("待市级审核的申报")),
        WorkItem(
            "proposed",
            _("拟支持、待公示的申报"),
            application_list_for(user=user, filters={"status": S.PROPOSED}).count(),
            _url("funds:rounds"),
        ),
        WorkItem(
            "notices",
            _("公示中的公示"),
            len(notices),
            _url("funds:notice_manage"),
            kind="info",
        ),
        WorkItem(
            "objections",
            _("待处理的公示异议"),
            sum(n.objections_open for n in notices),  # type: ignore[attr-defined]
            _url("funds:notice_manage"),
        ),
        *_candidates(user),
        *_registrations_and_changes(user),
    ]


def _candidates(user: Any) -> list[WorkItem]:
    """免申即享 candidates of the round now accepting (or the newest one) not yet applied for."""
    from applications.selectors import accepting_rounds
    from funds.selectors import can_view_candidates, round_list
    from funds.services.matching import candidates

    if not can_view_candidates(user):
        return []
    rnd = accepting_rounds().first() or round_list().order_by("-year", "-pk").first()
    if rnd is None:
        return []
    found = [c for c in candidates(round=rnd) if c.application is None]
    return [
        WorkItem(
            "candidates",
            _("免申即享候选（尚未生成申报）"),
            len(found),
            _url("funds:candidates", round=rnd.pk),
            note=rnd.name,
        )
    ]


def _finance(user: Any) -> list[WorkItem]:
    from funds.selectors import approved_unpaid_for
    from vouchers.models import SettlementStatus
    from vouchers.selectors import settlement_list_for

    return [
        WorkItem(
            "unpaid",
            _("已批准、待拨付的申报"),
            approved_unpaid_for(user=user).count(),
            _url("funds:payments"),
        ),
        WorkItem(
            "settlements",
            _("待支付的运力券结算单"),
            settlement_list_for(user=user, filters={"status": SettlementStatus.ISSUED}).count(),
            _url("vouchers:settlements", status=SettlementStatus.ISSUED),
        ),
    ]


def _logistics_partner(user: Any) -> list[WorkItem]:
    from logistics.models import EventCode
    from logistics.selectors import shipment_list_for
    from vouchers.models import VoucherStatus
    from vouchers.selectors import voucher_list_for

    return [
        WorkItem(
            "exceptions",
            _("状态异常的运单"),
            shipment_list_for(user=user, filters={"status": EventCode.EXCEPTION}).count(),
            _url("logistics:list", status=EventCode.EXCEPTION),
        ),
        WorkItem(
            "shipments",
            _("未签收的运单"),
            shipment_list_for(user=user).exclude(status=EventCode.DELIVERED).count(),
            _url("logistics:list"),
            kind="info",
        ),
        WorkItem(
            "vouchers",
            _("待核销的运力券"),
            voucher_list_for(user=user, filters={"status": VoucherStatus.ACTIVE}).count(),
            _url("vouchers:list", status=VoucherStatus.ACTIVE),
        ),
    ]


def _warehouse_partner(user: Any) -> list[WorkItem]:
    from warehouses.models import WarehouseStatus
    from warehouses.selectors import warehouse_list_for

    return [
        WorkItem(
            "warehouses",
            _("运营中的海外仓"),
            warehouse_list_for(user=user, filters={"status": WarehouseStatus.OPERATING}).count(),
            _url("warehouses:list", status=WarehouseStatus.OPERATING),
            kind="info",
        )
    ]


def _administrator(user: Any) -> list[WorkItem]:
    from ops.admin import task_counts
    from ops.models import WorkerHeartbeat

    failed = task_counts()["failed"]
    alive = sum(1 for heartbeat in WorkerHeartbeat.objects.all() if heartbeat.is_alive)
    return [
        WorkItem(
            "failed_tasks",
            _("失败的后台任务"),
            failed,
            _url("admin:django_tasks_database_dbtaskresult_changelist", status__exact="FAILED"),
        ),
        WorkItem(
            "workers",
            _("在线的任务进程"),
            alive,
            _url("admin:ops_workerheartbeat_changelist"),
            kind="info",
            note="" if alive else _("没有在线的任务进程：后台任务不会被执行。"),
        ),
    ]


# ---------------------------------------------------------------- who gets what

Contributor = Callable[[Any], list[WorkItem]]


def _contributors(user: Any) -> list[Contributor]:
    if access.is_enterprise_user(user):
        return [_enterprise]
    if access.is_county_officer(user):
        return [_county]
    if access.is_city_reviewer(user):
        return [_city]
    if access.is_finance_officer(user):
        return [_finance]
    if access.is_administrator(user):
        return [_administrator]
    if access.is_partner(user):
        if access.own_logistics_code(user):
            return [_logistics_partner]
        if getattr(user, "partner_kind", "") == "warehouse":
            return [_warehouse_partner]
    return []


def worklist_for(user: Any) -> list[WorkItem]:
    """The rows of ``user``'s worklist (empty for anyone not signed in), unread messages last."""
    if not access.is_signed_in(user):
        return []
    items: list[WorkItem] = []
    for contribute in _contributors(user):
        items.extend(contribute(user))
    return items + _unread(user)
