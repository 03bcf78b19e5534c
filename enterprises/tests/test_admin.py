from __future__ import annotations

from django.test import Client

from audit.models import AuditEntry
from enterprises.models import Enterprise


def test_admin_change_goes_through_service_and_is_audited(world) -> None:
    client = Client()
    client.force_login(world.admin)
    url = f"/admin/enterprises/enterprise/{world.a.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "county": world.a.county_id,
            "contact_name": "管理员改",
            "tags": "[]",
            "recognitions-TOTAL_FORMS": 0,
            "recognitions-INITIAL_FORMS": 0,
        }
    )
    data.pop("industry_belt", None)
    data.pop("park", None)
    data.pop("id", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Enterprise.objects.get(pk=world.a.pk).contact_name == "管理员改"
    entry = AuditEntry.objects.filter(action="enterprises.enterprise_update").get()
    assert entry.after is not None
    assert entry.actor_id == world.admin.pk and entry.after["contact_name"] == "管理员改"


def test_admin_rejects_bad_check_character(world) -> None:
    client = Client()
    client.force_login(world.admin)
    url = f"/admin/enterprises/enterprise/{world.a.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        k: v
        for k, v in form.initial.items()
        if v is not None and k not in {"industry_belt", "park", "id"}
    }
    bad = world.a.uscc[:17] + ("0" if world.a.uscc[17] != "0" else "1")
    data.update(
        {"uscc": bad, "tags": "[]", "recognitions-TOTAL_FORMS": 0, "recognitions-INITIAL_FORMS": 0}
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "校验码错误" in str(response.context["adminform"].form.errors["uscc"])
    assert Enterprise.objects.get(pk=world.a.pk).uscc == world.a.uscc
