from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from core.navigation import NAV, home_cards_for, nav_for

pytestmark = pytest.mark.django_db
ROLES = [
    "enterprise",
    "county_officer",
    "city_reviewer",
    "finance_officer",
    "partner",
    "administrator",
]


def _available(url_name: str) -> str | None:
    try:
        return reverse(url_name)
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_its_entries_and_not_others(users: dict[str, Any], role: str) -> None:
    urls = {url for _label, url in nav_for(users[role])}
    for item in NAV:
        url = _available(item.url_name)
        if url is None:
            continue  # that page's app is not installed yet
        if role in item.roles and item.shown_to(users[role]):
            assert url in urls, (role, item.url_name)
        else:
            assert url not in urls, (role, item.url_name)


def test_concrete_entries(users: dict[str, Any]) -> None:
    audit = reverse("audit:list")
    admin = reverse("admin:index")
    assert audit in {u for _l, u in nav_for(users["administrator"])}
    assert admin in {u for _l, u in nav_for(users["administrator"])}
    for role in ROLES[:-1]:
        urls = {u for _l, u in nav_for(users[role])}
        assert audit not in urls and admin not in urls, role


def test_superuser_without_admin_role_sees_admin_entries(make_user: Any) -> None:
    user = make_user("boss", "finance_officer")
    user.is_superuser = True
    assert reverse("audit:list") in {u for _l, u in nav_for(user)}


def test_anonymous_sees_only_public_pages() -> None:
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), None):
        urls = [url for _label, url in nav_for(user)]
        assert urls[0] == "/"
        assert "/funds/notices/" in urls
        assert "/enterprises/" not in urls and "/applications/" not in " ".join(urls)


@pytest.mark.parametrize("role", ROLES)
def test_home_page_cards_follow_the_role(client: Client, users: dict[str, Any], role: str) -> None:
    client.force_login(users[role])
    response = client.get("/")
    assert response.status_code == 200
    cards = {card.url for card in response.context["home_cards"]}
    assert cards == {c.url for c in home_cards_for(users[role])}
    assert reverse("core:home") not in cards
    html = response.content.decode()
    audit = reverse("audit:list")
    assert (f'class="card" href="{audit}"' in html) == (role == "administrator")


def test_home_page_for_anonymous_offers_login(client: Client) -> None:
    html = client.get("/").content.decode()
    assert reverse("accounts:login") in html
    assert 'data-testid="whoami"' not in html


@pytest.fixture
def partners(make_user: Any) -> dict[str, Any]:
    """One partner user of each kind."""
    return {
        "logistics": make_user(
            "lg1", "partner", partner_kind="logistics", logistics_code="3207980001"
        ),
        "warehouse": make_user("wh1", "partner", partner_kind="warehouse"),
        "bank": make_user("bk1", "partner", partner_kind="bank"),
        "insurer": make_user("in1", "partner", partner_kind="insurer"),
    }


def test_each_partner_kind_gets_the_menu_of_its_own_work(partners: dict[str, Any]) -> None:
    def urls(kind: str) -> set[str]:
        return {url for _label, url in nav_for(partners[kind])}

    tracking, warehouses, vouchers = (
        reverse("logistics:list"),
        reverse("warehouses:list"),
        reverse("vouchers:list"),
    )
    assert {tracking, vouchers} <= urls("logistics") and warehouses not in urls("logistics")
    assert warehouses in urls("warehouse") and not {tracking, vouchers} & urls("warehouse")
    for kind in ("bank", "insurer"):
        assert not {tracking, warehouses, vouchers} & urls(kind), kind


def _header_links(html: str) -> list[str]:
    import re

    header = html[html.index('<header class="site-header">') : html.index("</header>")]
    return [u for u in re.findall(r'<a [^>]*href="([^"#]+)"', header) if u.startswith("/")]


@pytest.mark.parametrize(
    "who",
    [*ROLES, "logistics", "warehouse", "bank", "insurer"],
)
def test_every_link_in_the_header_opens_for_every_role(
    client: Client, users: dict[str, Any], partners: dict[str, Any], who: str
) -> None:
    """No one is shown a link that answers 403 (or 404, or an error): every menu entry and
    header link, followed as the user, ends on a page that answers 200."""
    user = users.get(who) or partners[who]
    client.force_login(user)
    links = _header_links(client.get("/").content.decode())
    assert {url for _label, url in nav_for(user)} <= set(links)
    for url in links:
        response = client.get(url, follow=True)
        assert response.status_code == 200, (who, url, response.status_code)
