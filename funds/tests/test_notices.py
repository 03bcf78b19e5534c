"""Public notice: working-day period over a holiday, objections block approval, budget, PDF."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zlib
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from applications.models import ApplicationStatus
from funds import services
from funds.documents import notice_pdf
from funds.models import NoticeStatus, Objection, ObjectionStatus, PublicNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(
    world: Any,
    round_: Any,
    to_city_review: Any,
    django_capture_on_commit_callbacks: Any,
    holidays: None,
) -> list[Any]:
    apps = [
        to_city_review(cost="80000.00", matter="INV-1"),
        to_city_review(enterprise=world.b, cost="20000.00", matter="INV-2"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        run = services.proposal_run_start(actor=world.reviewer, round=round_)
    run.refresh_from_db()
    services.proposal_run_accept(actor=world.reviewer, run=run)
    for a in apps:
        a.refresh_from_db()
    return apps


def publish(world: Any, round_: Any, today: dt.date = dt.date(2026, 9, 28)) -> PublicNotice:
    return services.notice_publish(
        actor=world.reviewer, round=round_, title="2026年度拟支持项目公示", today=today
    )


def test_period_counts_working_days_over_the_national_day_holiday(
    world: Any, round_: Any, proposed: list[Any]
) -> None:
    # 2026-09-28 (Mon) + 7 working days: 29, 30 Sep, then 1–7 Oct are holidays, 8 Oct …
    notice = publish(world, round_, dt.date(2026, 9, 28))
    assert notice.working_days == 7
    calendar_days = notice.ends_on - notice.published_on
    assert calendar_days > dt.timedelta(days=9)  # a holiday week pushed the end out
    from codes.workdays import working_days_between

    assert working_days_between(notice.published_on, notice.ends_on) == 7
    for app in proposed:
        app.refresh_from_db()
        assert app.status == ApplicationStatus.PUBLIC_NOTICE
    assert [e.amount for e in notice.entries.all()] == [Decimal("40000.00"), Decimal("10000.00")]


def test_objection_blocks_approval_until_resolved(
    world: Any, round_: Any, proposed: list[Any]
) -> None:
    notice = publish(world, round_)
    during = notice.published_on + dt.timedelta(days=1)
    objection = services.objection_file(
        notice=notice,
        name="张三",
        phone="13800000000",
        text="该企业展会费用存疑，请核实。",
        client_ip="10.0.0.1",
        today=during,
    )
    after = notice.ends_on + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="未处理"):
        services.notice_approve(actor=world.reviewer, notice=notice, today=after)
    services.objection_resolve(
        actor=world.reviewer, objection=objection, resolution="经核实，费用凭证真实有效。"
    )
    services.notice_approve(actor=world.reviewer, notice=notice, today=after)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPROVED
    for app in proposed:
        app.refresh_from_db()
        assert (
            app.status == ApplicationStatus.APPROVED and app.amount_approved == app.amount_proposed
        )


def test_no_approval_during_the_period(world: Any, round_: Any, proposed: list[Any]) -> None:
    notice = publish(world, round_)
    with pytest.raises(ValidationError, match="期满"):
        services.notice_approve(actor=world.reviewer, notice=notice, today=notice.ends_on)
    proposed[0].refresh_from_db()
    assert proposed[0].status == ApplicationStatus.PUBLIC_NOTICE


def test_no_objection_after_the_period(world: Any, round_: Any, proposed: list[Any]) -> None:
    notice = publish(world, round_)
    with pytest.raises(ValidationError):
        services.objection_file(
            notice=notice,
            name="李四",
            email="a@example.com",
            text="迟到的异议内容",
            today=notice.ends_on + dt.timedelta(days=1),
        )
    assert not Objection.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "phone": "13800000000", "text": "内容足够长了"}, "name"),
        ({"name": "王五", "phone": "", "email": "", "text": "内容足够长了"}, "phone"),
        ({"name": "王五", "phone": "12345", "text": "内容足够长了"}, "phone"),
        ({"name": "王五", "email": "not-an-email", "text": "内容足够长了"}, "email"),
        ({"name": "王五", "phone": "13800000000", "text": "短"}, "text"),
    ],
)
def test_objection_is_validated(
    world: Any, round_: Any, proposed: list[Any], fields: dict[str, Any], field: str
) -> None:
    notice = publish(world, round_)
    with pytest.raises(ValidationError) as exc:
        services.objection_file(notice=notice, today=notice.published_on, **fields)
    assert field in exc.value.message_dict
    assert not Objection.objects.exists()


def test_objections_are_rate_limited_per_address(
    world: Any, round_: Any, proposed: list[Any]
) -> None:
    notice = publish(world, round_)
    for i in range(services.notices.OBJECTIONS_PER_HOUR):
        services.objection_file(
            notice=notice,
            name=f"甲{i}",
            phone="13800000000",
            text="异议内容第几条",
            client_ip="10.0.0.9",
            today=notice.published_on,
        )
    with pytest.raises(ValidationError, match="频繁"):
        services.objection_file(
            notice=notice,
            name="甲",
            phone="13800000000",
            text="异议内容再一条",
            client_ip="10.0.0.9",
            today=notice.published_on,
        )
    # another address is not affected
    services.objection_file(
        notice=notice,
        name="乙",
        phone="13800000000",
        text="另一个来源的异议",
        client_ip="10.0.0.10",
        today=notice.published_on,
    )
    assert Objection.objects.count() == services.notices.OBJECTIONS_PER_HOUR + 1
    assert "10.0.0.9" not in Objection.objects.first().client_key  # type: ignore[union-attr]


def test_approval_never_exceeds_the_budget(world: Any, round_: Any, proposed: list[Any]) -> None:
    notice = publish(world, round_)
    round_.budget_total = Decimal("45000.00")  # less than the 50,000 proposed
    round_.save(update_fields=["budget_total"])
    with pytest.raises(ValidationError, match="超过预算"):
        services.notice_approve(
            actor=world.reviewer, notice=notice, today=notice.ends_on + dt.timedelta(days=1)
        )
    for app in proposed:
        app.refresh_from_db()
        assert app.status == ApplicationStatus.PUBLIC_NOTICE and app.amount_approved is None


@pytest.mark.parametrize("who", ["user_a", "donghai_officer", "finance", "admin"])
def test_only_the_city_reviewer_publishes_resolves_and_approves(
    world: Any, round_: Any, proposed: list[Any], who: str
) -> None:
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.notice_publish(actor=actor, round=round_, title="公示")
    assert not PublicNotice.objects.exists()
    notice = publish(world, round_)
    objection = services.objection_file(
        notice=notice,
        name="张三",
        phone="13800000000",
        text="请核实此项目",
        today=notice.published_on,
    )
    with pytest.raises(PermissionDenied):
        services.objection_resolve(actor=actor, objection=objection, resolution="x")
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.OPEN
    with pytest.raises(PermissionDenied):
        services.notice_approve(
            actor=actor, notice=notice, today=notice.ends_on + dt.timedelta(days=1)
        )
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.OPEN
    for app in proposed:
        app.refresh_from_db()
        assert app.status == ApplicationStatus.PUBLIC_NOTICE


def _pdf_streams(data: bytes) -> bytes:
    """Every stream of the PDF, inflated (fonts and ToUnicode maps live in compressed streams)."""
    out = []
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            out.append(m.group(1))
    return data + b"".join(out)


def test_pdf_contains_the_chinese_text(
    world: Any, round_: Any, proposed: list[Any], tmp_path: Any
) -> None:
    notice = publish(world, round_)
    data = notice_pdf(notice)
    assert data.startswith(b"%PDF")
    inflated = _pdf_streams(data)
    assert b"NotoSansCJK" in inflated or b"Noto Sans CJK" in inflated  # the CJK font is embedded
    # every character of the enterprise name has a glyph mapped back to it (ToUnicode)
    for char in "甲水晶跨境电商有限公司拟支持项目公示":
        assert f"<{ord(char):04x}>".encode() in inflated.lower(), char
    if shutil.which("pdftotext"):
        path = tmp_path / "n.pdf"
        path.write_bytes(data)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
        assert "甲水晶跨境电商有限公司" in text and "2026年度拟支持项目公示" in text


def test_pdf_shows_amounts_with_thousands_separators(
    world: Any, round_: Any, proposed: list[Any]
) -> None:
    from django.template.loader import render_to_string

    notice = publish(world, round_)
    html = render_to_string("funds/notice_pdf.html", {"notice": notice})
    amounts = [e.amount for e in notice.entries.all()]
    assert amounts and any(a >= 1000 for a in amounts)
    for amount in amounts:
        assert f'<td class="num">{amount:,.2f}</td>' in html
    assert not any(f'<td class="num">{amount}</td>' in html for amount in amounts if amount >= 1000)
