"""The enterprise's mandates page: grant by form, see every act, revoke; the platform's list;
who may see and change what (each refusal asserts nothing changed)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from audit.models import AuditEntry
from core.navigation import nav_for
from mandates.models import Mandate, MandateAction, MandateScope
from mandates.tests.conftest import login_client


def _grant_post(client: Any, platform: Any, **over: Any) -> Any:
    data = {"platform": platform.pk, "scopes": MandateScope.values, "days": 180, **over}
    return client.post("/mandates/", data)


def test_enterprise_grants_by_form_and_sees_it(world: SimpleNamespace) -> None:
    client = login_client(world.ent_a)
    page = client.get("/mandates/").content.decode()
    assert "晶贸通" in page and "另一服务平台" in page and "示例银行" not in page
    response = _grant_post(client, world.platform)
    mandate = Mandate.objects.get()
    assert response.status_code == 302 and response.url == f"/mandates/{mandate.pk}/"
    assert mandate.enterprise == world.a and mandate.platform == world.platform
    assert mandate.scopes == MandateScope.values and mandate.granted_by == world.ent_a
    assert (mandate.expires_at - mandate.granted_at).days == 180
    assert AuditEntry.objects.filter(action="mandates.grant", actor=world.ent_a).count() == 1
    detail = client.get(response.url).content.decode()
    assert "晶贸通" in detail and "data-confirm" in detail and "btn danger" in detail


def test_grant_refuses_a_partner_that_is_not_a_service_platform(world: SimpleNamespace) -> None:
    response = _grant_post(login_client(world.ent_a), world.bank)
    assert response.status_code == 400
    assert Mandate.objects.count() == 0


def test_grant_refuses_bad_period_and_empty_scopes(world: SimpleNamespace) -> None:
    client = login_client(world.ent_a)
    assert _grant_post(client, world.platform, days=7).status_code == 400
    assert _grant_post(client, world.platform, scopes=[]).status_code == 400
    assert Mandate.objects.count() == 0


def test_only_enterprise_users_grant(world: SimpleNamespace) -> None:
    for user in (world.platform, world.city):
        assert _grant_post(login_client(user), world.platform).status_code == 403
    assert login_client(world.bank).get("/mandates/").status_code == 403
    assert Mandate.objects.count() == 0


def test_enterprise_sees_the_platform_acts_and_revokes(world: SimpleNamespace, grant: Any) -> None:
    from mandates.services import mandate_act

    mandate = grant()
    mandate_act(
        actor=world.platform, mandate=mandate, scope=MandateScope.CUSTOMS_UPLOAD, what="上传"
    )
    client = login_client(world.ent_a)
    detail = client.get(f"/mandates/{mandate.pk}/").content.decode()
    assert "jmt" in detail and "代为上传海关数据" in detail and "上传" in detail
    assert "jmt" in client.get("/mandates/").content.decode()
    response = client.post(f"/mandates/{mandate.pk}/revoke/")
    assert response.status_code == 302
    mandate.refresh_from_db()
    assert mandate.revoked_at is not None and mandate.revoked_by == world.ent_a
    assert mandate.state == "revoked"
    assert AuditEntry.objects.filter(action="mandates.revoke").count() == 1
    assert 'data-testid="revoke"' not in client.get(f"/mandates/{mandate.pk}/").content.decode()


def test_others_may_not_see_or_revoke(world: SimpleNamespace, grant: Any) -> None:
    mandate = grant()
    MandateAction.objects.create(
        mandate=mandate,
        enterprise=world.a,
        platform=world.platform,
        username="jmt",
        scope=MandateScope.CUSTOMS_UPLOAD,
        what="上传",
    )
    other = login_client(world.ent_b)
    assert other.get(f"/mandates/{mandate.pk}/").status_code == 404
    assert other.post(f"/mandates/{mandate.pk}/revoke/").status_code == 404
    assert "东海水晶" not in other.get("/mandates/").content.decode()
    assert login_client(world.platform2).get(f"/mandates/{mandate.pk}/").status_code == 404
    # the platform sees its mandate but may not revoke it on the enterprise's behalf
    platform = login_client(world.platform)
    assert platform.get(f"/mandates/{mandate.pk}/").status_code == 200
    assert platform.post(f"/mandates/{mandate.pk}/revoke/").status_code == 403
    mandate.refresh_from_db()
    assert mandate.revoked_at is None
    assert not AuditEntry.objects.filter(action="mandates.revoke").exists()


def test_platform_lists_only_its_own_mandates(world: SimpleNamespace, grant: Any) -> None:
    grant()
    grant(actor=world.ent_b, platform=world.platform2)
    page = login_client(world.platform).get("/mandates/").content.decode()
    assert "东海水晶" in page and "赣榆海产" not in page
    assert 'data-testid="grant-form"' not in page


def test_navigation_entries(world: SimpleNamespace) -> None:
    def labels(user: Any) -> list[str]:
        return [str(label) for label, _url in nav_for(user)]

    assert "代办授权" in labels(world.ent_a)
    assert "授权企业" in labels(world.platform)
    assert "授权企业" not in labels(world.bank) and "代办授权" not in labels(world.bank)


def test_mandate_list_exports(world: SimpleNamespace, grant: Any) -> None:
    grant()
    response = login_client(world.ent_a).get("/mandates/?format=csv")
    assert response.status_code == 200 and "晶贸通" in response.content.decode("utf-8-sig")


def test_every_menu_entry_opens_for_a_service_platform(world: SimpleNamespace) -> None:
    client = login_client(world.platform)
    for _label, url in nav_for(world.platform):
        assert client.get(url, follow=True).status_code == 200, url


def test_authorising_page_is_the_platforms_only(world: SimpleNamespace, grant: Any) -> None:
    grant()
    page = login_client(world.platform).get("/mandates/authorising/")
    assert page.status_code == 200 and "东海水晶" in page.content.decode()
    for user in (world.ent_a, world.bank, world.city):
        assert login_client(user).get("/mandates/authorising/").status_code == 403
