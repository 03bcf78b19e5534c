"""Monthly PDF report: background task, archive, permission-checked download, command."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from time_machine import TimeMachineFixture

from core.testing import LATE_2026, at
from stats import services
from stats.models import Report, ReportStatus

# The reports below are of September-November 2026, all finished months on that day.
pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(LATE_2026)]
PASSWORD = "Ddt-Test-Pass-1"


def client_for(user: Any) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


@pytest.fixture
def trade(make_enterprise: Any, add_trade: Any) -> None:
    for i in range(3):
        add_trade(make_enterprise(first_cbec_year=2025), 202609 + (i % 2), f"{(i + 1) * 1000}")


def test_city_reviewer_generates_and_downloads_a_pdf(
    make_user: Any, trade: None, django_capture_on_commit_callbacks: Any
) -> None:
    from audit.models import AuditEntry

    c = client_for(make_user("city", "city_reviewer"))
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post("/stats/reports/", {"month": "2026-10"})
    assert r.status_code == 302
    report = Report.objects.get()
    assert report.status == ReportStatus.DONE and report.size > 1000
    assert AuditEntry.objects.filter(action="stats.report_built").exists()
    listing = c.get("/stats/reports/").content.decode()
    assert "2026-10" in listing and f"/stats/reports/{report.pk}/download/" in listing
    pdf = c.get(f"/stats/reports/{report.pk}/download/")
    content = b"".join(pdf.streaming_content)  # type: ignore[attr-defined]
    assert pdf.status_code == 200 and content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"


def _inflated(pdf: bytes) -> bytes:
    """All FlateDecode streams of a PDF, inflated (fonts and objects live in compressed streams)."""
    import re
    import zlib

    out = []
    for m in re.finditer(rb"stream\r?\n", pdf):
        try:
            out.append(zlib.decompressobj().decompress(pdf[m.end() : m.end() + 4_000_000]))
        except zlib.error:
            continue
    return b"".join(out)


def test_pdf_embeds_the_cjk_font_and_chart_images(trade: None) -> None:
    import datetime as dt

    ctx_images = len(services.report_context(dt.date(2026, 10, 1))["images"])
    pdf = services.render_pdf(dt.date(2026, 10, 1))
    assert pdf.startswith(b"%PDF")
    assert b"Noto-Sans-CJK-SC" in _inflated(pdf)
    assert pdf.count(b"/XObject") >= ctx_images + 11  # trade charts + one trend per target


def test_report_context_stops_at_the_month(trade: None) -> None:
    import datetime as dt

    ctx = services.report_context(dt.date(2026, 9, 1))
    by_month = ctx["trade"][0]
    assert [r[0] for r in by_month.rows][-1] == "2026-09"
    assert len(ctx["images"]) >= 3 and ctx["images"][0].startswith("data:image/svg+xml;base64,")


def test_county_officer_and_enterprise_cannot_generate_or_download(
    make_user: Any, counties: Any, make_enterprise: Any
) -> None:
    report = Report.objects.create(month="2026-09-01", status=ReportStatus.DONE)
    officer = client_for(make_user("dh", "county_officer", county=counties["donghai"]))
    assert officer.post("/stats/reports/", {"month": "2026-10"}).status_code == 403
    assert officer.get(f"/stats/reports/{report.pk}/download/").status_code == 403
    ent = client_for(make_user("e", "enterprise", enterprise=make_enterprise()))
    assert ent.get("/stats/reports/").status_code == 403
    fin = client_for(make_user("fin", "finance_officer"))
    assert fin.get("/stats/reports/").status_code == 200
    assert fin.post("/stats/reports/", {"month": "2026-10"}).status_code == 403
    assert Report.objects.count() == 1


def test_bad_month_is_refused_and_nothing_is_queued(make_user: Any) -> None:
    c = client_for(make_user("city", "city_reviewer"))
    for bad in ["2026-13", "abc", "2031-01", "2027-01"]:
        r = c.post("/stats/reports/", {"month": bad})
        assert r.status_code == 400, bad
    assert "月份" in r.content.decode()
    assert Report.objects.count() == 0


def test_the_running_month_is_refused_until_it_ends(
    make_user: Any, time_machine: TimeMachineFixture
) -> None:
    """December 2026 is still running on 7 December: its report would stop at today."""
    from accounts.models import User

    c = client_for(make_user("city", "city_reviewer"))
    assert 'value="2026-11"' in c.get("/stats/reports/").content.decode()  # the form's default
    r = c.post("/stats/reports/", {"month": "2026-12"})
    assert r.status_code == 400
    assert "已结束" in r.content.decode()
    assert Report.objects.count() == 0
    time_machine.move_to(at(2026, 12, 31, 23, 59))
    c = client_for(User.objects.get(username="city"))  # a new session: the old one expired
    assert c.post("/stats/reports/", {"month": "2026-12"}).status_code == 400
    time_machine.move_to(at(2027, 1, 1, 0, 1))
    assert c.post("/stats/reports/", {"month": "2026-12"}).status_code == 302
    assert Report.objects.get().month == dt.date(2026, 12, 1)


def test_parse_month_accepts_only_finished_months_of_the_policy() -> None:
    from django.core.exceptions import ValidationError

    assert services.parse_month("2026-11") == dt.date(2026, 11, 1)
    assert services.parse_month("2024-11") == dt.date(2024, 11, 1)
    for bad in ["2026-12", "2027-06", "2023-12"]:
        with pytest.raises(ValidationError):
            services.parse_month(bad)


def test_failed_build_is_kept_on_the_row(monkeypatch: Any) -> None:
    def boom(month: Any) -> bytes:
        raise RuntimeError("no fonts")

    monkeypatch.setattr(services, "render_pdf", boom)
    report = Report.objects.create(month="2026-09-01")
    services.report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED and "no fonts" in report.error and not report.file


def test_command_builds_the_report(trade: None) -> None:
    out = StringIO()
    call_command("stats_report", "--month", "2026-10", stdout=out)
    assert "2026-10 done" in out.getvalue()
    assert Report.objects.get().status == ReportStatus.DONE
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("stats_report", "--month", "10/2026")
    assert Report.objects.count() == 1


def test_report_prints_the_audit_chain_head(trade: None) -> None:
    """Issue 13: the monthly report anchors the audit chain outside the database."""
    import datetime as dt

    from django.template.loader import render_to_string

    from audit.models import AuditEntry
    from audit.services import audit_record

    audit_record(actor=None, action="test.anchor")
    last = AuditEntry.objects.order_by("-seq").first()
    assert last is not None
    ctx = services.report_context(dt.date(2026, 10, 1))
    assert ctx["audit_head"] == f"{last.seq}:{last.hash}"
    assert f"{last.seq}:{last.hash}" in render_to_string("stats/report_pdf.html", ctx)


def test_a_month_report_counts_nothing_after_the_month(
    make_enterprise: Any, add_trade: Any, make_event: Any
) -> None:
    """Built on 7 December, the November report stops at 30 November: December's trade and
    events are not in its targets (they were, through the year's running total)."""
    from stats.targets import load_targets, progress
    from stats.tests.conftest import aware

    ent = make_enterprise(first_cbec_year=2025)
    add_trade(ent, 202611, "1000")
    add_trade(ent, 202612, "500")
    make_event("matchmaking", aware(2026, 11, 20))
    make_event("matchmaking", aware(2026, 12, 3))
    by_id = {t.compute: t for t in load_targets()}
    november = dt.date(2026, 11, 30)
    assert progress(by_id["cbec_trade"], as_of=november).current == Decimal("1000.00")
    assert progress(by_id["matchmaking_events"], as_of=november).current == 1
    # The dashboard, as of today, counts what happened so far.
    today = dt.date(2026, 12, 7)
    assert progress(by_id["cbec_trade"], as_of=today).current == Decimal("1500.00")
    assert progress(by_id["matchmaking_events"], as_of=today).current == 2
    context = services.report_context(dt.date(2026, 11, 1))
    assert context["as_of"] == november
    currents = {row[0]: row[3] for row in context["targets"].rows}
    assert currents[by_id["cbec_trade"].text("name")] == Decimal("1000.00")
