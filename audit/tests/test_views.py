from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record

pytestmark = pytest.mark.django_db
URL = "/audit/"


@pytest.fixture
def admin_client(client: Client, users: dict[str, Any]) -> Client:
    client.force_login(users["administrator"])
    return client


def test_admin_sees_entries_with_diff_and_chain_status(admin_client: Client) -> None:
    audit_record(
        actor=None,
        action="test.change",
        object_type="test.Thing",
        object_repr="物品一",
        before={"name": "旧名称", "same": 1},
        after={"name": "新名称", "same": 1},
    )
    response = admin_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "审计日志" in html and "物品一" in html
    assert "<del>旧名称</del>" in html and "<ins>新名称</ins>" in html
    assert "same" not in html  # unchanged fields are not listed
    assert response.context["chain"].ok and "哈希链完整" in html


def test_chain_status_box_shows_a_break(admin_client: Client) -> None:
    for i in range(3):
        audit_record(actor=None, action="test.step", after={"i": i})
    AuditEntry.objects.filter(seq=2).update(after={"i": 9})
    html = admin_client.get(URL).content.decode()
    assert "断裂" in html and "第 2 条" in html


@pytest.mark.parametrize(
    "role", ["enterprise", "county_officer", "city_reviewer", "finance_officer", "partner"]
)
def test_other_roles_get_403(client: Client, users: dict[str, Any], role: str) -> None:
    audit_record(actor=None, action="test.secret", object_repr="机密")
    client.force_login(users[role])
    response = client.get(URL)
    assert response.status_code == 403
    assert "机密" not in response.content.decode()


def test_anonymous_is_sent_to_login(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_filters(admin_client: Client, users: dict[str, Any]) -> None:
    audit_record(actor=users["city_reviewer"], action="policy.publish", object_type="policy.Guide")
    audit_record(actor=None, action="enterprises.update", object_type="enterprises.Enterprise")
    old = audit_record(actor=None, action="codes.load", object_type="codes.County")
    AuditEntry.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=10))

    def actions(**params: str) -> set[str]:
        response = admin_client.get(URL, params)
        assert response.status_code == 200
        return {e.action for e in response.context["page"].object_list}

    assert actions(action="policy.publish") == {"policy.publish"}
    assert actions(object_type="enterprises.Enterprise") == {"enterprises.update"}
    assert "policy.publish" in actions(actor="city1")
    assert "enterprises.update" not in actions(actor="city1")
    today = timezone.localdate().isoformat()
    assert "codes.load" not in actions(date_from=today)
    ten_days_ago = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert "codes.load" in actions(date_from=ten_days_ago, date_to=ten_days_ago)
    assert "policy.publish" not in actions(date_from=ten_days_ago, date_to=ten_days_ago)


def test_reversed_date_range_is_reported(admin_client: Client) -> None:
    response = admin_client.get(URL, {"date_from": "2026-11-26", "date_to": "2026-11-01"})
    assert response.status_code == 200
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_pagination_keeps_filters(admin_client: Client) -> None:
    for i in range(55):
        audit_record(actor=None, action="test.bulk", after={"i": i})
    first = admin_client.get(URL, {"action": "test.bulk"})
    assert len(first.context["page"].object_list) == 50
    html = first.content.decode()
    assert "action=test.bulk&amp;page=2" in html
    second = admin_client.get(URL, {"action": "test.bulk", "page": "2"})
    seqs = [e.seq for e in second.context["page"].object_list]
    assert len(seqs) == 5 and max(seqs) < min(e.seq for e in first.context["page"].object_list)
