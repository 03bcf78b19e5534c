"""Rounds, drafts, idempotent submission and evidence files."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from applications import services
from applications.models import Application, ApplicationStatus, Evidence, Round, RoundStatus
from applications.tests.conftest import JPEG, PDF, PNG, cost_fields

S = ApplicationStatus


def _stored_files() -> int:
    try:
        dirs, _ = default_storage.listdir("private/evidence")
    except FileNotFoundError:
        return 0
    return sum(len(default_storage.listdir(f"private/evidence/{d}")[1]) for d in dirs)


# ---------------------------------------------------------------- rounds


@pytest.mark.django_db
def test_round_from_guide_takes_window_budget_and_hash(world: Any) -> None:
    from entitlement.guide import shipped_guide

    guide = shipped_guide(2027)
    rnd = services.round_create_from_guide(actor=world.city, year=2027)
    assert (rnd.opens_on, rnd.closes_on) == (guide.opens, guide.closes)
    assert rnd.budget_total == guide.budget_total and rnd.budget_mode == "first_come"
    assert rnd.guide_hash == guide.content_hash and rnd.status == RoundStatus.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["user_a", "donghai", "finance", "admin"])
def test_only_the_city_reviewer_manages_rounds(world: Any, who: str) -> None:
    actor = getattr(world, who)
    count = Round.objects.count()
    with pytest.raises(PermissionDenied):
        services.round_create_from_guide(actor=actor, year=2027)
    with pytest.raises(PermissionDenied):
        services.round_close(actor=actor, round=world.round)
    with pytest.raises(PermissionDenied):
        services.round_update(
            actor=actor,
            round=world.round,
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 2, 1),
        )
    world.round.refresh_from_db()
    assert Round.objects.count() == count and world.round.status == RoundStatus.OPEN
    assert world.round.opens_on != dt.date(2026, 1, 1)


@pytest.mark.django_db
def test_round_without_guide_and_bad_dates_are_refused(world: Any) -> None:
    with pytest.raises(ValidationError, match="没有 2031 年度"):
        services.round_create_from_guide(actor=world.city, year=2031)
    before = (world.round.opens_on, world.round.closes_on)
    with pytest.raises(ValidationError):
        services.round_update(
            actor=world.city,
            round=world.round,
            opens_on=dt.date(2026, 6, 1),
            closes_on=dt.date(2026, 5, 1),
        )
    with pytest.raises(ValidationError, match="政策有效期"):
        services.round_update(
            actor=world.city,
            round=world.round,
            opens_on=dt.date(2027, 6, 1),
            closes_on=dt.date(2028, 1, 1),
        )
    world.round.refresh_from_db()
    assert (world.round.opens_on, world.round.closes_on) == before


# ---------------------------------------------------------------- drafts and submission


@pytest.mark.django_db
def test_measures_offered_fit_the_guide_and_the_enterprise_kind(world: Any) -> None:
    from applications.measures import measures_open_for

    trader = {m.id for m in measures_open_for(rnd=world.round, enterprise_kind="trader")}
    park = {m.id for m in measures_open_for(rnd=world.round, enterprise_kind="park_operator")}
    assert "a7.brand_promotion" in trader and "a8.park_recognition" not in trader
    # only (八) and (十) restrict the kind: a park operator also gets the enterprise measures
    assert "a8.park_recognition" in park and "a18.event" in park
    assert "a10.public_warehouse" not in park
    association = {m.id for m in measures_open_for(rnd=world.round, enterprise_kind="association")}
    assert "a12.standard" in association and "a7.brand_promotion" not in association
    assert "a16.talent" not in trader  # not open in the 2026 guide
    with pytest.raises(ValidationError) as exc:
        services.application_save_draft(
            actor=world.user_a, round=world.round, measure="a8.park_recognition"
        )
    assert "measure" in exc.value.message_dict
    assert not Application.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"measure": "a7.brand_promotion", "matter": "X1"}, "cost"),
        ({"measure": "a7.brand_promotion", "cost": "100"}, "matter"),
        ({"measure": "a7.brand_promotion", "matter": "X1", "cost": "-5"}, "cost"),
        ({"measure": "a7.brand_promotion", "matter": "X1", "cost": "1.234"}, "cost"),
        ({"measure": "a7.brand_promotion", "matter": "X1", "cost": "abc"}, "cost"),
        ({"measure": "a5.exhibition", "matter": "X1", "cost": "100"}, "in_plan"),
        ({"measure": "a7.brand_promotion", "matter": "X1", "cost": "100"}, "cost_date"),
        ({"measure": "a3.benchmark", "other_public_money": "1000"}, "other_public_money_note"),
        ({"measure": "a3.benchmark", "attributes": {"amount": "5"}}, "attributes"),
    ],
)
def test_missing_or_bad_fields_are_refused(world: Any, fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        services.application_save_draft(actor=world.user_a, round=world.round, **fields)
    assert field in exc.value.message_dict
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_draft_outside_the_window_is_refused(world: Any) -> None:
    services.round_close(actor=world.city, round=world.round)
    with pytest.raises(ValidationError, match="不在申报期内"):
        services.application_save_draft(
            actor=world.user_a, round=world.round, measure="a3.benchmark"
        )
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_same_idempotency_key_makes_one_application(world: Any) -> None:
    first, created = services.application_create_and_submit(
        actor=world.user_a,
        round=world.round,
        idempotency_key="key-0001-abc",
        measure="a3.benchmark",
    )
    again, created_again = services.application_create_and_submit(
        actor=world.user_a,
        round=world.round,
        idempotency_key="key-0001-abc",
        measure="a3.benchmark",
    )
    assert created and not created_again and first.pk == again.pk
    assert Application.objects.count() == 1
    assert Application.objects.get().status == S.SUBMITTED
    assert list(first.events.values_list("to_status", flat=True)) == [S.DRAFT, S.SUBMITTED]
    # the key is per enterprise: B may use the same string
    other, created_b = services.application_create_and_submit(
        actor=world.user_b,
        round=world.round,
        idempotency_key="key-0001-abc",
        measure="a3.benchmark",
    )
    assert created_b and other.pk != first.pk


@pytest.mark.django_db
def test_submit_needs_a_key_and_cost_documents(world: Any) -> None:
    with pytest.raises(ValidationError):
        services.application_create_and_submit(
            actor=world.user_a, round=world.round, idempotency_key="", measure="a3.benchmark"
        )
    with pytest.raises(ValidationError, match="费用凭证"):
        services.application_create_and_submit(
            actor=world.user_a, round=world.round, idempotency_key="key-0002-abc", **cost_fields()
        )
    assert not Application.objects.exists()  # the whole call rolled back


@pytest.mark.django_db
def test_resubmit_after_return_and_retry_is_harmless(world: Any, make_app: Any) -> None:
    app = make_app()
    services.application_submit(actor=world.user_a, application=app)
    services.application_submit(actor=world.user_a, application=app)  # a retry
    assert app.events.filter(to_status=S.SUBMITTED).count() == 1


@pytest.mark.django_db
def test_enterprise_b_cannot_change_or_submit_a(world: Any, make_app: Any) -> None:
    app = make_app(cost=None)
    before = (app.matter, app.status, app.updated_at)
    with pytest.raises(PermissionDenied):
        services.application_save_draft(
            actor=world.user_b, application=app, measure=app.measure, matter="HACK"
        )
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=world.user_b, application=app)
    with pytest.raises(PermissionDenied):
        services.application_save_draft(actor=world.donghai, application=app, measure=app.measure)
    app.refresh_from_db()
    assert (app.matter, app.status, app.updated_at) == before


@pytest.mark.django_db
def test_submitted_application_cannot_be_edited(world: Any, make_app: Any) -> None:
    app = make_app(S.SUBMITTED)
    with pytest.raises(ValidationError):
        services.application_save_draft(
            actor=world.user_a, application=app, measure=app.measure, matter="NEW"
        )
    app.refresh_from_db()
    assert app.matter != "NEW"


# ---------------------------------------------------------------- evidence


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "ctype"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_evidence_type_comes_from_the_content(
    world: Any, make_app: Any, content: bytes, ctype: str
) -> None:
    app = make_app()
    upload = SimpleUploadedFile("scan.bin", content, content_type="text/plain")
    ev = services.evidence_add(actor=world.user_a, application=app, upload=upload)
    assert ev.content_type == ctype and ev.size == len(content)
    assert ev.file.name.startswith(f"private/evidence/{app.pk}/") and "scan" not in ev.file.name
    assert default_storage.exists(ev.file.name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.pdf", b"this is just text, renamed to .pdf\n", "不是允许的类型"),
        ("page.pdf", b"<html><script>alert(1)</script></html>", "不是允许的类型"),
        ("empty.pdf", b"", "空文件"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_stored(
    world: Any, make_app: Any, name: str, content: bytes, message: str
) -> None:
    app = make_app()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    with pytest.raises(ValidationError, match=message):
        services.evidence_add(actor=world.user_a, application=app, upload=upload)
    assert not Evidence.objects.exists() and _stored_files() == 0


@pytest.mark.django_db
def test_oversize_evidence_is_refused(world: Any, make_app: Any, settings: Any) -> None:
    settings.DDT_EVIDENCE_MAX_BYTES = 1024
    app = make_app()
    upload = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")
    with pytest.raises(ValidationError, match="超过"):
        services.evidence_add(actor=world.user_a, application=app, upload=upload)
    assert not Evidence.objects.exists() and _stored_files() == 0


@pytest.mark.django_db
def test_other_enterprise_cannot_add_or_remove_evidence(world: Any, make_app: Any) -> None:
    app = make_app()
    ev = services.evidence_add(
        actor=world.user_a, application=app, upload=SimpleUploadedFile("a.pdf", PDF)
    )
    with pytest.raises(PermissionDenied):
        services.evidence_add(
            actor=world.user_b, application=app, upload=SimpleUploadedFile("b.pdf", PDF)
        )
    with pytest.raises(PermissionDenied):
        services.evidence_remove(actor=world.user_b, evidence=ev)
    assert list(Evidence.objects.values_list("pk", flat=True)) == [ev.pk]
    assert _stored_files() == 1


@pytest.mark.django_db
def test_cost_share_submits_with_evidence(world: Any) -> None:
    app, _ = services.application_save_draft(
        actor=world.user_a, round=world.round, idempotency_key="key-0003-abc", **cost_fields()
    )
    services.evidence_add(
        actor=world.user_a, application=app, upload=SimpleUploadedFile("f.pdf", PDF)
    )
    services.application_submit(actor=world.user_a, application=app)
    app.refresh_from_db()
    assert app.status == S.SUBMITTED and app.cost == Decimal("80000.00")
    assert app.county_id == world.a.county_id


# ---------------------------------------------------------------- concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_with_one_key_make_one_application(world: Any) -> None:
    if connection.vendor != "postgresql":
        from conftest import require_or_skip

        require_or_skip(False, "PostgreSQL")
    barrier = threading.Barrier(6)
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        from django.db import connection as conn

        try:
            barrier.wait()
            app, _ = services.application_create_and_submit(
                actor=world.user_a,
                round=world.round,
                idempotency_key="same-key-concurrent",
                measure="a3.benchmark",
            )
            results.append(app.pk)
        except BaseException as exc:
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(results)) == 1 and len(results) == 6
    assert Application.objects.filter(idempotency_key="same-key-concurrent").count() == 1
    assert Application.objects.get().events.filter(to_status=S.SUBMITTED).count() == 1
