"""Pages and API: the public sees notices only; each role is refused what it may not do."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from applications.models import ApplicationStatus
from funds import services
from funds.models import Objection, ProposalRun, PublicNotice
from funds.tests.conftest import login_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def noticed(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    holidays: None,
) -> PublicNotice:
    app = to_city_review(cost="80000.00", matter="INV-1")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.proposal_run_start(actor=world.reviewer, round=round_)
    run.refresh_from_db()
    services.proposal_run_accept(actor=world.reviewer, run=run)
    notice = services.notice_publish(
        actor=world.reviewer, round=round_, title="2026年度拟支持项目公示"
    )
    app.refresh_from_db()
    return notice


def test_reviewer_starts_a_run_and_sees_progress_and_result(
    world: Any, round_: Any, to_city_review: Any, django_capture_on_commit_callbacks: Any
) -> None:
    to_city_review()
    client = login_client(world.reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funds:run_start", args=[round_.pk]))
    run = ProposalRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "funds:run_detail", args=[run.pk]
    )
    page = client.get(reverse("funds:run_detail", args=[run.pk])).content.decode()
    assert "40,000.00" in page and "第（七）条" in page and run.inputs_hash in page
    partial = client.get(reverse("funds:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert partial["HX-Refresh"] == "true" and b"hx-trigger" not in partial.content
    assert b"<script" not in partial.content


def test_progress_polls_while_running(world: Any, round_: Any, to_city_review: Any) -> None:
    to_city_review()
    run = services.proposal_run_start(actor=world.reviewer, round=round_)  # not committed: queued
    html = (
        login_client(world.reviewer)
        .get(reverse("funds:run_progress", args=[run.pk]))
        .content.decode()
    )
    assert 'hx-trigger="every 2s"' in html


@pytest.mark.parametrize("who", ["user_a", "donghai_officer", "finance"])
def test_run_pages_refused(world: Any, round_: Any, to_city_review: Any, who: str) -> None:
    to_city_review()
    client = login_client(getattr(world, who))
    assert client.get(reverse("funds:rounds")).status_code == 403
    assert client.post(reverse("funds:run_start", args=[round_.pk])).status_code == 403
    assert not ProposalRun.objects.exists()


def test_public_sees_notice_list_detail_and_pdf_without_login(noticed: PublicNotice) -> None:
    anon = Client()
    listing = anon.get(reverse("funds:notices")).content.decode()
    assert "2026年度拟支持项目公示" in listing
    detail = anon.get(reverse("funds:notice_detail", args=[noticed.pk])).content.decode()
    assert "甲水晶跨境电商有限公司" in detail and "40000.00" in detail
    assert "INV-1" not in detail  # no private data (matter, explanation) on public pages
    pdf = anon.get(reverse("funds:notice_pdf", args=[noticed.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_public_files_an_objection(noticed: PublicNotice) -> None:
    anon = Client()
    url = reverse("funds:notice_detail", args=[noticed.pk])
    bad = anon.post(url, {"name": "张三", "text": "请核实此项目的费用"})
    assert bad.status_code == 400 and "请至少填写联系电话或电子邮箱之一" in bad.content.decode()
    assert not Objection.objects.exists()
    ok = anon.post(url, {"name": "张三", "phone": "13800000000", "text": "请核实此项目的费用"})
    assert ok.status_code == 200 and Objection.objects.count() == 1


@pytest.mark.parametrize("via", ["page", "api"])
def test_objector_address_is_kept_only_as_hmac(noticed: PublicNotice, via: str) -> None:
    """Issue 13: the audit entry of an objection held the objector's address in clear."""
    from django.core.management import call_command

    from audit.models import AuditEntry
    from funds.services.notices import client_key

    address = "203.0.113.77"
    anon = Client(REMOTE_ADDR=address)
    if via == "page":
        response = anon.post(
            reverse("funds:notice_detail", args=[noticed.pk]),
            {"name": "张三", "phone": "13800000000", "text": "请核实此项目的费用"},
        )
        assert response.status_code == 200
    else:
        response = anon.post(
            f"/api/v1/funds/notices/{noticed.pk}/objections",
            json.dumps({"name": "张三", "email": "z@example.com", "text": "请核实此项目"}),
            content_type="application/json",
        )
        assert response.status_code == 201
    objection = Objection.objects.get()
    entry = AuditEntry.objects.get(action="funds.objection_file")
    assert entry.client_ip == client_key(address) == objection.client_key
    stored = [
        json.dumps(row, default=str)
        for row in (
            *AuditEntry.objects.values(),
            *Objection.objects.values(),
        )
    ]
    assert not [row for row in stored if address in row]
    call_command("audit_verify")  # the chain still verifies


def test_public_cannot_see_review_pages(noticed: PublicNotice, world: Any) -> None:
    objection = services.objection_file(
        notice=noticed, name="张三", phone="13800000000", text="请核实此项目"
    )
    anon = Client()
    assert anon.get(reverse("funds:notice_review", args=[noticed.pk])).status_code == 302  # login
    for user in (world.user_a, world.donghai_officer):
        client = login_client(user)
        assert client.get(reverse("funds:notice_review", args=[noticed.pk])).status_code == 404
        client.post(reverse("funds:objection_resolve", args=[objection.pk]), {"resolution": "x"})
        client.post(reverse("funds:notice_approve", args=[noticed.pk]))
    objection.refresh_from_db()
    noticed.refresh_from_db()
    assert objection.status == "open" and noticed.status == "open"
    assert anon.get("/api/v1/funds/runs").status_code == 401
    assert anon.get(f"/api/v1/funds/notices/{noticed.pk}/objections").status_code == 401


def test_api_public_notices_and_objection(noticed: PublicNotice) -> None:
    anon = Client()
    data = anon.get("/api/v1/funds/notices").json()
    assert (
        data[0]["title"] == "2026年度拟支持项目公示"
        and data[0]["entries"][0]["amount"] == "40000.00"
    )
    assert set(data[0]["entries"][0]) == {"id", "enterprise_name", "measure_title", "amount"}
    r = anon.post(
        f"/api/v1/funds/notices/{noticed.pk}/objections",
        json.dumps({"name": "张三", "email": "z@example.com", "text": "请核实此项目"}),
        content_type="application/json",
    )
    assert r.status_code == 201
    bad = anon.post(
        f"/api/v1/funds/notices/{noticed.pk}/objections",
        json.dumps({"name": "张三", "text": "请核实此项目"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and Objection.objects.count() == 1


def test_api_flow_and_denials(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    holidays: None,
) -> None:
    app = to_city_review()
    ent, county, reviewer, finance = (
        login_client(u)
        for u in (world.user_a, world.donghai_officer, world.reviewer, world.finance)
    )
    body = json.dumps({"round_id": round_.pk})
    assert ent.post("/api/v1/funds/runs", body, content_type="application/json").status_code == 403
    assert (
        county.post("/api/v1/funds/runs", body, content_type="application/json").status_code == 403
    )
    assert not ProposalRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        r = reviewer.post("/api/v1/funds/runs", body, content_type="application/json")
    assert r.status_code == 201
    run_id = r.json()["id"]
    assert reviewer.get(f"/api/v1/funds/runs/{run_id}").json()["status"] == "done"
    result = reviewer.get(f"/api/v1/funds/runs/{run_id}/result").json()
    assert result["result"]["claims"][0]["granted"] == "40000.00"
    assert ent.get(f"/api/v1/funds/runs/{run_id}").status_code == 404
    assert ent.post(f"/api/v1/funds/runs/{run_id}/accept").status_code == 404
    assert reviewer.post(f"/api/v1/funds/runs/{run_id}/accept").json()["status"] == "accepted"
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PROPOSED
    r = reviewer.post(
        "/api/v1/funds/notices",
        json.dumps({"round_id": round_.pk, "title": "公示"}),
        content_type="application/json",
    )
    assert r.status_code == 201
    notice_id = r.json()["id"]
    # approval during the period is refused (400) and changes nothing
    assert reviewer.post(f"/api/v1/funds/notices/{notice_id}/approve").status_code == 400
    assert county.post(f"/api/v1/funds/notices/{notice_id}/approve").status_code == 404
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PUBLIC_NOTICE
    services.notice_approve(
        actor=world.reviewer,
        notice=PublicNotice.objects.get(pk=notice_id),
        today=dt.date(2027, 1, 15),
    )
    pay = json.dumps(
        {"application_id": app.pk, "paid_on": "2026-11-20", "bank_reference": "BOC-1234"}
    )
    assert (
        reviewer.post(
            "/api/v1/funds/disbursements", pay, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        finance.post(
            "/api/v1/funds/disbursements", pay, content_type="application/json"
        ).status_code
        == 201
    )
    assert finance.get("/api/v1/funds/disbursements").json()[0]["amount"] == "40000.00"
    assert ent.get("/api/v1/funds/disbursements").status_code == 403
    export = finance.get(reverse("funds:payments_export"))
    assert export.status_code == 200 and export.content[:2] == b"PK"
    assert login_client(world.user_a).get(reverse("funds:payments_export")).status_code == 403


def test_matching_page_and_api(world: Any, round_: Any) -> None:
    client = login_client(world.user_a)
    page = client.get(reverse("funds:matching")).content.decode()
    assert "政策匹配" in page and "a3.benchmark" in page
    assert client.get(reverse("funds:matching") + f"?enterprise={world.b.pk}").status_code == 404
    assert client.get("/api/v1/funds/matching").json()["enterprise_id"] == world.a.pk
    assert client.get(f"/api/v1/funds/matching?enterprise_id={world.b.pk}").status_code == 404
    assert (
        login_client(world.donghai_officer)
        .get(f"/api/v1/funds/matching?enterprise_id={world.b.pk}")
        .status_code
        == 404
    )
    assert (
        login_client(world.reviewer)
        .get(f"/api/v1/funds/matching?enterprise_id={world.b.pk}")
        .status_code
        == 200
    )


def test_candidates_page_refused_to_enterprises(world: Any, round_: Any) -> None:
    assert login_client(world.user_a).get(reverse("funds:candidates")).status_code == 403
    assert (
        login_client(world.user_a).get(f"/api/v1/funds/candidates?round_id={round_.pk}").status_code
        == 403
    )
    assert login_client(world.reviewer).get(reverse("funds:candidates")).status_code == 200


def test_payments_export_keeps_hostile_text_as_text(world: Any, to_city_review: Any) -> None:
    """Issue 13: an enterprise name or matter like ``=HYPERLINK(…)`` must not become a formula."""
    from core.tests.excel_checks import HOSTILE, assert_safe_export
    from enterprises.models import Enterprise
    from funds.models import Disbursement

    app = to_city_review(matter=HOSTILE[:100])
    Enterprise.objects.filter(pk=world.a.pk).update(name="@SUM(1+1)*cmd|' /C calc'!A0")
    Disbursement.objects.create(
        application=app,
        enterprise=world.a,
        measure=app.measure,
        matter=app.matter,
        year=2026,
        amount="40000.00",
        paid_on=dt.date(2026, 11, 20),
        bank_reference="-1+1",
        recorded_by=world.finance,
    )
    response = login_client(world.finance).get(reverse("funds:payments_export"))
    values = assert_safe_export(response, expect=HOSTILE[:100])
    assert "'@SUM(1+1)*cmd|' /C calc'!A0" in values and "'-1+1" in values
    assert 40000 in values  # the amount stays a number
