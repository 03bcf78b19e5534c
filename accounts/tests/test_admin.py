from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from accounts.models import Role, User
from audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client: Client, users: dict[str, Any]) -> Client:
    client.force_login(users["administrator"])
    return client


def test_user_changelist_shows_role_and_binding(admin_client: Client) -> None:
    html = admin_client.get("/admin/accounts/user/").content.decode()
    assert "county1" in html and "县区商务部门" in html and "东海县" in html


def test_admin_add_user_goes_through_service(admin_client: Client, counties: Any) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newofficer",
            "password1": "Brand-New-Secret-7",
            "password2": "Brand-New-Secret-7",
            "role": Role.COUNTY_OFFICER,
            "county": counties["ganyu"].pk,
            "partner_kind": "",
            "organisation": "",
            "phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newofficer")
    assert user.county == counties["ganyu"] and user.check_password("Brand-New-Secret-7")
    entry = AuditEntry.objects.get(action="accounts.user_create", object_id=str(user.pk))
    assert entry.actor_repr == "admin1"


def test_admin_add_user_with_bad_binding_shows_error(admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/accounts/user/add/",
        {
            "username": "newofficer",
            "password1": "Brand-New-Secret-7",
            "password2": "Brand-New-Secret-7",
            "role": Role.COUNTY_OFFICER,
            "county": "",
        },
    )
    assert response.status_code == 200
    assert "县区用户必须绑定一个县区或功能板块" in response.content.decode()
    assert not User.objects.filter(username="newofficer").exists()


def test_admin_change_user_is_audited(admin_client: Client, users: dict[str, Any]) -> None:
    user = users["finance_officer"]
    url = f"/admin/accounts/user/{user.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        {
            "organisation": "市财政局",
            "role": Role.FINANCE_OFFICER,
            "partner_kind": "",
            "enterprise": "",
            "county": "",
            "groups": [],
            "user_permissions": [],
        }
    )
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.organisation == "市财政局"
    entry = AuditEntry.objects.get(action="accounts.user_update")
    assert entry.after == {"organisation": "市财政局"} and entry.before == {"organisation": ""}


def test_admin_password_reset_is_audited(admin_client: Client, users: dict[str, Any]) -> None:
    user = users["finance_officer"]
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {
            "password1": "Brand-New-Secret-7",
            "password2": "Brand-New-Secret-7",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-New-Secret-7")
    entry = AuditEntry.objects.get(action="accounts.password_reset")
    assert entry.actor_repr == "admin1"


def test_non_admin_cannot_use_admin(client: Client, users: dict[str, Any]) -> None:
    client.force_login(users["city_reviewer"])
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302  # to the admin log-in
    assert client.get("/admin/accounts/apitoken/").status_code == 302


def test_api_tokens_admin_cannot_add(admin_client: Client) -> None:
    assert admin_client.get("/admin/accounts/apitoken/").status_code == 200
    assert admin_client.get("/admin/accounts/apitoken/add/").status_code == 403
