"""The list kit's filter sets: one declaration gives the page form, the API schema, the query."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from enterprises.filters import EnterpriseFilterSet
from events.filters import EventFilterSet

pytestmark = pytest.mark.django_db


def test_api_schema_is_derived_from_the_filter_set() -> None:
    fields = EnterpriseFilterSet.schema().model_fields
    assert set(fields) == {*EnterpriseFilterSet.declared, "ordering"}
    assert fields["industry_belt"].annotation == int | None  # a pk
    assert fields["county"].annotation is str  # a code (to_field_name)
    assert set(EnterpriseFilterSet.form_class().base_fields) == set(fields)
    # api-only filters are in the schema, not on the page
    assert "upcoming" in EventFilterSet.schema().model_fields
    assert "upcoming" not in EventFilterSet.form_class().base_fields


def test_form_values_are_raw_and_bad_values_drop_only_themselves(counties: Any) -> None:
    form = EnterpriseFilterSet.form(
        {"county": counties["donghai"].code, "first_cbec_year": "abc", "q": " 水晶 "}
    )
    assert EnterpriseFilterSet.values(form) == {"county": counties["donghai"].code, "q": "水晶"}


def test_unknown_choice_is_ignored_by_the_query(users: dict[str, Any], enterprise: Any) -> None:
    from enterprises.selectors import enterprise_list_for

    reviewer = users["city_reviewer"]
    everyone = set(enterprise_list_for(user=reviewer))
    assert set(enterprise_list_for(user=reviewer, filters={"status": "bogus"})) == everyone
    assert not enterprise_list_for(user=reviewer, filters={"county": "999999"}).exists()


def test_api_lists_share_one_maximum(client: Client, users: dict[str, Any]) -> None:
    from core.lists import API_MAX_LIMIT

    client.force_login(users["city_reviewer"])
    for path in ("/api/v1/enterprises", "/api/v1/events", "/api/v1/warehouses"):
        assert client.get(path, {"limit": API_MAX_LIMIT}).status_code == 200, path
        assert client.get(path, {"limit": API_MAX_LIMIT + 1}).status_code == 422, path


def test_enterprise_list_pagination_keeps_every_filter(
    client: Client, users: dict[str, Any], enterprise: Any
) -> None:
    from enterprises.models import Enterprise

    for i in range(30):
        Enterprise.objects.create(
            uscc=f"91320700MA1X{i:05d}X",
            name=f"水晶{i:02d}",
            county=enterprise.county,
            kind="trader",
        )
    client.force_login(users["city_reviewer"])
    params = {"q": "水晶", "kind": "trader", "ordering": "-name"}
    html = client.get(reverse("enterprises:list"), params).content.decode()
    assert "q=%E6%B0%B4%E6%99%B6&amp;kind=trader&amp;ordering=-name&amp;page=2" in html
