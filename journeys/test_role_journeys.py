"""Issue 15: every role walks its main journey from a fresh demo load, by clicks only.

The demo is loaded with the project's own loader (``ddt demo load``, which builds its stages
relative to the day it runs) into the live test server's database. From then on the test only
reads the database (to know which row it is looking at) and clicks: nothing is edited. The
clock is a test setting (``LATE_2026``, then moved past a notice period with time-machine); the
demo's stages follow it.

Background work (the funding calculation) finishes by itself, as in ``make demo``: the test
switches the task backend from the test settings' inline one to the database queue and runs
django-tasks' database worker (what ``ddt worker`` runs) in a thread of the test process, sharing
the live server's in-memory database. The reviewer's run page shows the queued run and updates
itself (htmx polling) until it is done.

Chain: the enterprise finds its open round, applies with a cost and sees the status → the county
officer passes it → the city reviewer runs the funding calculation, adopts it, publishes a notice
and approves the demo's notice whose objection period is over → finance pays that approved
batch → time passes, the reviewer approves the new notice, finance pays it → the enterprise sees
"已拨付" on its own application. Then the logistics partner's and the administrator's main pages.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect
from time_machine import TimeMachineFixture

from core.testing import LATE_2026
from demo.data import DEMO_PASSWORD
from journeys.conftest import ARTIFACTS
from journeys.steps import nav as _nav
from journeys.steps import sign_out as _logout

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(LATE_2026),
]

EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def load_demo() -> None:
    """`ddt demo load` (without the demo customs files, which no journey here needs)."""
    call_command("demo_load", no_customs=True, quiet_logins=True, stdout=StringIO())


@contextmanager
def task_worker(live_server: Any, settings: Any) -> Iterator[None]:
    """Queue tasks in the database and run a worker thread that takes them (``ddt worker``).

    The live server's in-memory SQLite database is one connection shared by its threads (as
    pytest-django's live server shares it); the worker shares it too, and one lock keeps a
    request and a worker turn from interleaving their transactions on it.
    """
    from django.db import connections
    from django_tasks_db.management.commands.db_worker import Worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # the connections the live server shares with its threads (in-memory SQLite; none else)
    shared: dict[str, Any] = dict(live_server.thread.connections_override)
    lock = threading.Lock()
    httpd = live_server.thread.httpd
    app = httpd.get_app()

    def serialised(environ: Any, start_response: Any) -> Any:
        with lock:
            return app(environ, start_response)

    httpd.set_app(serialised)
    stop = threading.Event()

    def run() -> None:
        for alias, connection in shared.items():
            connections[alias] = connection
        while not stop.wait(0.5):
            with lock:  # one turn: every ready task, then back to waiting
                Worker(
                    queue_names=["*"],
                    interval=0,
                    batch=True,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id="journey-worker",
                    excluded_queue_names=[],
                ).run()

    for connection in shared.values():
        connection.inc_thread_sharing()
    thread = threading.Thread(target=run, name="journey-worker", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=30)
        httpd.set_app(app)
        for connection in shared.values():
            connection.dec_thread_sharing()


def _login(pg: Any, username: str) -> None:
    pg.goto(f"{pg.base_url}/accounts/login/")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", DEMO_PASSWORD)
    pg.locator("main button[type=submit]").click()
    pg.wait_for_load_state()
    expect(pg.get_by_test_id("whoami")).to_be_visible()


def _no_form_errors(pg: Any) -> None:
    errors = pg.locator("main .errorlist")
    assert errors.count() == 0, errors.all_inner_texts()


def _new_session(page: Any, username: str) -> Any:
    context = page.context.browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = page.base_url
    pg.on("dialog", lambda dialog: dialog.accept())  # confirmed actions: the person says yes
    _login(pg, username)
    return pg


def _pay_everything_listed(pg: Any, reference: str) -> list[str]:
    """Finance pays every approved, unpaid application on the payments page, one by one."""
    paid: list[str] = []
    _nav(pg, "资金拨付")
    while pg.get_by_test_id("unpaid").get_by_role("link", name="登记拨付").count():
        pg.get_by_test_id("unpaid").get_by_role("link", name="登记拨付").first.click()
        pg.wait_for_load_state()
        bank_reference = f"{reference}-{len(paid) + 1:03d}"
        pg.fill("input[name=bank_reference]", bank_reference)
        pg.get_by_test_id("record-payment").click()
        pg.wait_for_load_state()
        expect(pg.get_by_test_id("paid")).to_contain_text(bank_reference)
        paid.append(bank_reference)
    return paid


def test_fund_chain_from_a_fresh_demo(
    page: Any,
    codes_loaded: None,
    shoot: Callable[[str], Path],
    tmp_path: Path,
    time_machine: TimeMachineFixture,
    settings: Any,
    live_server: Any,
) -> None:
    load_demo()  # before the worker starts: the loader holds one transaction meanwhile
    with task_worker(live_server, settings):
        _fund_chain(page, shoot, tmp_path, time_machine)


def _fund_chain(
    page: Any, shoot: Callable[[str], Path], tmp_path: Path, time_machine: TimeMachineFixture
) -> None:
    from django_tasks_db.models import DBTaskResult

    from applications.models import Application, ApplicationStatus
    from funds.models import NoticeStatus, PublicNotice

    today = timezone.localdate()
    before = set(Application.objects.values_list("pk", flat=True))
    past_notice = PublicNotice.objects.get(status=NoticeStatus.OPEN, ends_on__lt=today)
    demo_approved = set(
        Application.objects.filter(status=ApplicationStatus.APPROVED).values_list("pk", flat=True)
    )
    assert demo_approved, "the demo leaves an approved batch for finance"
    page.on("dialog", lambda dialog: dialog.accept())

    # 1. the enterprise logs in, finds its open round, applies with a cost, sees the status
    ent = _new_session(page, "enterprise_a")
    _nav(ent, "申报批次")
    ent.get_by_role("link", name="去申报").first.click()
    ent.wait_for_load_state()
    ent.get_by_test_id("apply-a5.exhibition").click()
    ent.wait_for_load_state()
    ent.fill("input[name=matter]", "ZH-JOURNEY-0001")
    ent.fill("input[name=cost]", "60000.00")
    ent.fill("input[name=cost_date]", (today - dt.timedelta(days=20)).isoformat())
    ent.locator("select[name=in_plan]").select_option(label="是")  # a fair in the city's plan
    evidence = tmp_path / "展位费发票.pdf"
    evidence.write_bytes(EVIDENCE_PDF)
    ent.set_input_files("input[name=evidence_files]", str(evidence))
    ent.get_by_test_id("submit-application").click()
    ent.wait_for_load_state()
    _no_form_errors(ent)
    (app,) = Application.objects.exclude(pk__in=before)
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("待县区审核")
    ent.screenshot(path=str(ARTIFACTS / "role-journey-enterprise-submitted.png"), full_page=True)

    # 2. the county officer finds it among the applications to review and passes it
    _login(page, "county_donghai")
    _nav(page, "待审申报")
    page.get_by_test_id(f"open-{app.pk}").click()
    page.wait_for_load_state()
    page.get_by_test_id("transition-city_review").click()
    page.wait_for_load_state()
    _logout(page)
    ent.reload()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("待市级审核")

    # 3. the city reviewer runs the funding calculation (it finishes by itself), adopts it and
    # publishes a notice; then approves the demo's notice whose objection period is over
    _login(page, "city")
    _nav(page, "待审申报")
    page.get_by_test_id(f"open-{app.pk}").click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("ZH-JOURNEY-0001")
    # a city review ends by the calculation (列入拟支持 is not a manual button) or by returning
    # or rejecting it: both buttons are offered here
    expect(page.get_by_test_id("transition-returned")).to_be_visible()
    expect(page.get_by_test_id("transition-proposed")).to_have_count(0)
    _nav(page, "资金测算与公示")
    row = page.get_by_test_id("rounds").get_by_role("row").filter(has_text=app.round.name)
    row.get_by_role("button", name="运行资金测算").click()
    page.wait_for_load_state()
    # queued for the worker; the page follows the run by itself until it is done
    expect(page.get_by_test_id("run-status")).to_have_text("已完成", timeout=60_000)
    expect(page.get_by_test_id("run-result")).to_contain_text(f"#{app.pk}")
    taken = DBTaskResult.objects.filter(status="SUCCESSFUL").values_list("worker_ids", flat=True)
    assert any("journey-worker" in ids for ids in taken), "the worker thread ran the calculation"
    page.get_by_test_id("accept-run").click()
    page.wait_for_load_state()
    ent.reload()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("拟支持")
    _nav(page, "资金测算与公示")
    row = page.get_by_test_id("rounds").get_by_role("row").filter(has_text=app.round.name)
    row.get_by_role("link", name="发布公示").click()
    page.wait_for_load_state()
    page.get_by_test_id("publish-notice").click()
    page.wait_for_load_state()
    notice = PublicNotice.objects.get(entries__application=app)
    expect(page.get_by_test_id("notice-status")).to_be_visible()
    ent.reload()
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("公示中")

    _nav(page, "公示审核")
    page.get_by_test_id(f"review-notice-{past_notice.pk}").click()
    page.wait_for_load_state()
    page.get_by_test_id("approve-notice").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("notice-status")).to_have_text("已批准")
    # the new notice is still inside its period: its approve button says why it is disabled
    _nav(page, "公示审核")
    page.get_by_test_id(f"review-notice-{notice.pk}").click()
    expect(page.get_by_test_id("approve-notice-disabled")).to_be_disabled()
    _logout(page)

    # 4. finance pays the approved batch (the demo's approved applications and the notice just
    # approved)
    _login(page, "finance")
    paid = _pay_everything_listed(page, f"BOC-{today:%Y%m%d}")
    assert len(paid) >= len(demo_approved)
    assert not Application.objects.filter(status=ApplicationStatus.APPROVED).exists()
    _logout(page)

    # 5. time passes (the clock moves; nothing is edited): the new notice's period is over; the
    # reviewer approves it and finance pays; sessions have expired meanwhile
    time_machine.shift(notice.ends_on - today + dt.timedelta(days=1))
    _login(page, "city")
    _nav(page, "公示审核")
    page.get_by_test_id(f"review-notice-{notice.pk}").click()
    page.wait_for_load_state()
    page.get_by_test_id("approve-notice").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("notice-status")).to_have_text("已批准")
    _logout(page)
    _login(page, "finance")
    assert _pay_everything_listed(page, "BOC-LATER")
    _logout(page)

    # 6. the enterprise sees "已拨付" on its own application
    _login(ent, "enterprise_a")
    _nav(ent, "我的申报")
    expect(ent.get_by_test_id(f"status-{app.pk}").first).to_have_text("已拨付")
    shoot("role-journey-finance")  # the finance officer's last page
    ent.screenshot(path=str(ARTIFACTS / "role-journey-enterprise-paid.png"), full_page=True)
    ent.context.close()


def test_partner_and_administrator_main_pages(page: Any, codes_loaded: None) -> None:
    from audit.models import AuditEntry
    from logistics.models import Shipment

    load_demo()
    page.on("dialog", lambda dialog: dialog.accept())

    # the logistics partner: its shipments, one shipment's tracking, its vouchers
    _login(page, "logistics")
    _nav(page, "物流跟踪")
    expect(page.get_by_test_id("total")).to_contain_text("个运单")
    first = page.locator("#results table tbody tr").first.get_by_role("link").first
    number = first.inner_text()
    first.click()
    page.wait_for_load_state()
    shipment = Shipment.objects.get(logistics_no=number)
    expect(page.locator("main h1")).to_contain_text(number)
    timeline = page.get_by_test_id("timeline").locator("tbody tr")
    expect(timeline).to_have_count(max(shipment.events.count(), 1))
    _nav(page, "运力券")
    expect(page.locator("main h1")).to_be_visible()
    _logout(page)

    # the administrator: the audit log of the demo's work with its hash chain intact, then
    # the user accounts in the system administration
    assert AuditEntry.objects.exists()
    _login(page, "admin")
    _nav(page, "审计日志")
    expect(page.get_by_test_id("chain-status")).to_contain_text("完整")
    expect(page.locator("main table").first).to_contain_text("city")
    _nav(page, "系统管理")
    page.locator("#content").get_by_role("link", name="用户", exact=True).first.click()
    page.wait_for_load_state()
    expect(page.locator("#content")).to_contain_text("enterprise_a")
