from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from audit.models import AuditEntry
from core.public import PRIVACY_VERSION
from enterprises import services
from enterprises.models import Enterprise, EnterpriseStatus, Recognition


def _valid(prefix17: str) -> str:
    from enterprises.validators import uscc_check_char

    return prefix17 + uscc_check_char(prefix17)


def _register(counties, **overrides):
    values = {
        "uscc": _valid("91320722MA1XYW000"),
        "name": "东海晶品跨境电商有限公司",
        "county": counties["donghai"],
        "kind": "manufacturer",
        "username": "jingpin",
        "password": "Quartz-Crystal-2026",
        "contact_name": "王五",
        "contact_email": "wang@example.com",
        "privacy_consent_version": PRIVACY_VERSION,
    }
    values.update(overrides)
    return services.enterprise_register(**values)


def test_register_creates_pending_enterprise_user_and_audit(counties) -> None:
    enterprise, user = _register(counties)
    assert enterprise.status == EnterpriseStatus.PENDING
    assert user.role == "enterprise" and user.enterprise_id == enterprise.pk
    assert user.check_password("Quartz-Crystal-2026")
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-2:] == ["accounts.user_create", "enterprises.enterprise_register"]
    entry = AuditEntry.objects.get(action="enterprises.enterprise_register")
    assert entry.after is not None
    assert entry.actor_id == user.pk and entry.after["uscc"] == enterprise.uscc


def test_register_rejects_bad_check_digit_and_saves_nothing(counties) -> None:
    code = _valid("91320722MA1XYW000")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    with pytest.raises(ValidationError) as info:
        _register(counties, uscc=wrong)
    assert "校验码错误" in info.value.message_dict["uscc"][0]
    assert Enterprise.objects.count() == 0 and User.objects.count() == 0
    assert AuditEntry.objects.count() == 0


GENERIC = "无法完成注册，请检查信息或联系县区商务部门。"


def test_register_refuses_duplicate_uscc_without_saying_so(counties) -> None:
    enterprise, _user = _register(counties)
    with pytest.raises(services.RegistrationRefused) as info:
        _register(counties, username="someone-else", name="另一家")
    assert info.value.messages == [GENERIC]
    assert enterprise.uscc not in str(info.value) and "已登记" not in str(info.value)
    assert Enterprise.objects.count() == 1
    assert not User.objects.filter(username="someone-else").exists()


def test_register_refuses_taken_username_with_the_same_message(counties) -> None:
    _register(counties)
    with pytest.raises(services.RegistrationRefused) as info:
        _register(counties, uscc=_valid("91320722MA1XYW111"), name="另一家")
    assert info.value.messages == [GENERIC] and "jingpin" not in str(info.value)
    assert Enterprise.objects.count() == 1 and User.objects.count() == 1


def test_register_field_errors_do_not_depend_on_existing_names(counties) -> None:
    """A weak password (or a bad field) gets the same answer whether or not the name is taken."""
    _register(counties)
    answers = []
    for username in ("jingpin", "nobody-has-this"):
        with pytest.raises(ValidationError) as info:
            _register(counties, uscc=_valid("91320722MA1XYW222"), username=username, password="123")
        answers.append(sorted(info.value.message_dict))
    assert answers[0] == answers[1] == ["password"]
    assert Enterprise.objects.count() == 1 and User.objects.count() == 1


def test_register_turns_integrity_error_into_the_generic_refusal(counties, monkeypatch) -> None:
    _register(counties)
    real_filter = Enterprise.objects.filter
    calls = {"n": 0}

    def racing_filter(*args, **kwargs):
        # Simulate a concurrent registration: the pre-check passes, the DB constraint fires.
        calls["n"] += 1
        if calls["n"] == 1 and "uscc" in kwargs:
            return Enterprise.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(services.Enterprise.objects, "filter", racing_filter)
    with pytest.raises(services.RegistrationRefused):
        _register(counties, username="racer", name="竞争者")
    monkeypatch.undo()
    assert Enterprise.objects.count() == 1 and not User.objects.filter(username="racer").exists()


def test_register_records_declared_facts_and_requests_the_customs_code(counties) -> None:
    enterprise, user = _register(counties, customs_code="3207961Q43", first_cbec_year=2024)
    enterprise.refresh_from_db()
    assert enterprise.customs_code == ""  # not in force before the county verifies it
    assert enterprise.kind_source == "declared" and enterprise.first_cbec_year_source == "declared"
    change = enterprise.change_requests.get()
    assert (change.field, change.new_value, change.status) == (
        "customs_code",
        "3207961Q43",
        "pending",
    )
    assert change.requested_by == user


def test_register_weak_password_saves_nothing(counties) -> None:
    with pytest.raises(ValidationError) as info:
        _register(counties, password="123")
    assert "password" in info.value.message_dict
    assert Enterprise.objects.count() == 0


def test_enterprise_user_may_edit_contact_fields_only(world) -> None:
    services.enterprise_update(actor=world.user_a, enterprise=world.a, contact_name="李四")
    world.a.refresh_from_db()
    assert world.a.contact_name == "李四"
    entry = AuditEntry.objects.filter(action="enterprises.enterprise_update").latest("seq")
    assert entry.before is not None and entry.after is not None
    assert entry.before["contact_name"] == "" and entry.after["contact_name"] == "李四"
    for field, value in [
        ("status", EnterpriseStatus.ACTIVE),
        ("county", world.counties["ganyu"]),
        ("uscc", "91350200776049653A"),
        ("name", "改名"),
    ]:
        with pytest.raises(PermissionDenied):
            services.enterprise_update(actor=world.user_a, enterprise=world.a, **{field: value})
    fresh = Enterprise.objects.get(pk=world.a.pk)
    assert fresh.county == world.counties["donghai"] and fresh.name == world.a.name
    assert fresh.uscc == world.a.uscc and fresh.status == world.a.status


def test_enterprise_user_cannot_edit_another_enterprise(world) -> None:
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.user_a, enterprise=world.b, contact_name="x")
    assert Enterprise.objects.get(pk=world.b.pk).contact_name == ""


def test_county_officer_edits_own_county_but_not_status(world) -> None:
    services.enterprise_update(actor=world.donghai_officer, enterprise=world.a, name="甲新名")
    assert Enterprise.objects.get(pk=world.a.pk).name == "甲新名"
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.donghai_officer, enterprise=world.b, name="x")
    with pytest.raises(PermissionDenied):
        services.enterprise_update(
            actor=world.donghai_officer, enterprise=world.a, status=EnterpriseStatus.SUSPENDED
        )
    assert Enterprise.objects.get(pk=world.b.pk).name == "乙贸易有限公司"


def test_finance_officer_cannot_edit(world) -> None:
    with pytest.raises(PermissionDenied):
        services.enterprise_update(actor=world.finance, enterprise=world.a, contact_name="x")


def test_city_reviewer_changes_status_along_allowed_edges(world) -> None:
    e = services.enterprise_update(
        actor=world.reviewer, enterprise=world.a, status=EnterpriseStatus.SUSPENDED
    )
    assert e.status == EnterpriseStatus.SUSPENDED
    e = services.enterprise_update(
        actor=world.reviewer, enterprise=e, status=EnterpriseStatus.DEREGISTERED
    )
    with pytest.raises(ValidationError) as info:
        services.enterprise_update(actor=world.reviewer, enterprise=e, status="active")
    assert "状态不能从" in info.value.message_dict["status"][0]
    assert Enterprise.objects.get(pk=e.pk).status == EnterpriseStatus.DEREGISTERED


def test_update_validates_and_changes_nothing_on_error(world) -> None:
    with pytest.raises(ValidationError) as info:
        services.enterprise_update(
            actor=world.reviewer,
            enterprise=world.a,
            customs_code="12",
            first_cbec_year=1800,
            contact_email="not-an-email",
            uscc=world.b.uscc,
        )
    errors = info.value.message_dict
    assert set(errors) >= {"customs_code", "first_cbec_year", "contact_email", "uscc"}
    fresh = Enterprise.objects.get(pk=world.a.pk)
    assert fresh.customs_code == "" and fresh.uscc == world.a.uscc


def test_update_refuses_unknown_fields(world) -> None:
    with pytest.raises(ValidationError):
        services.enterprise_update(actor=world.admin, enterprise=world.a, created_at=None)


def test_create_by_county_officer_limited_to_own_county(world) -> None:
    import random

    from enterprises.validators import uscc_generate

    code = uscc_generate(random.Random(99))
    with pytest.raises(PermissionDenied):
        services.enterprise_create(
            actor=world.donghai_officer,
            uscc=code,
            name="丙",
            county=world.counties["ganyu"],
            kind="trader",
        )
    assert not Enterprise.objects.filter(uscc=code).exists()
    e = services.enterprise_create(
        actor=world.donghai_officer,
        uscc=code,
        name="丙",
        county=world.counties["donghai"],
        kind="trader",
    )
    assert e.status == EnterpriseStatus.ACTIVE


def test_recognitions_only_by_city_level(world) -> None:
    with pytest.raises(PermissionDenied):
        services.recognition_add(
            actor=world.donghai_officer, enterprise=world.a, type="benchmark", year=2025
        )
    assert Recognition.objects.count() == 0
    r = services.recognition_add(
        actor=world.reviewer, enterprise=world.a, type="brand", level="provincial", year=2025
    )
    with pytest.raises(ValidationError):
        services.recognition_add(
            actor=world.reviewer, enterprise=world.a, type="brand", level="provincial", year=2025
        )
    with pytest.raises(PermissionDenied):
        services.recognition_remove(actor=world.user_a, recognition=r)
    assert Recognition.objects.filter(pk=r.pk).exists()
    services.recognition_remove(actor=world.admin, recognition=r)
    assert not Recognition.objects.filter(pk=r.pk).exists()
    assert AuditEntry.objects.filter(action="enterprises.recognition_remove").count() == 1
