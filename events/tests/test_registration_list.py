"""The registration list on the list kit: paged, searchable, filtered, exported, htmx, empty."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from core.excel import FORMULA_TRIGGERS
from core.tests.excel_checks import HOSTILE, assert_safe_export
from events.tests.test_views import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowded(world: Any, make_event: Callable[..., Any]) -> Any:
    """An event with 60 registrations; every third has signed in; one hostile organisation."""
    event = make_event(capacity=100)
    for i in range(60):
        event.registrations.create(
            name=f"学员{i:02d}",
            phone=f"139{i:08d}",
            organisation=HOSTILE if i == 7 else ("东海水晶" if i % 2 else "赣榆海产"),
            attended=i % 3 == 0,
        )
    return event


def _url(event: Any) -> str:
    return reverse("events:registrations", args=[event.pk])


def test_registrations_are_paged(world: Any, crowded: Any) -> None:
    client = client_for(world.donghai_officer)
    first = client.get(_url(crowded))
    assert first.status_code == 200
    page = first.context["page_obj"]
    assert page.paginator.count == 60 and len(page.object_list) == 25
    assert page.paginator.num_pages == 3
    last = client.get(_url(crowded), {"page": "3"})
    assert len(last.context["page_obj"].object_list) == 10
    assert "报名 60 人，签到 20 人" in first.content.decode()


def test_registrations_are_searchable_and_pagination_keeps_every_filter(
    world: Any, crowded: Any
) -> None:
    client = client_for(world.donghai_officer)
    response = client.get(_url(crowded), {"q": "东海", "attended": "0"})
    rows = list(response.context["page_obj"].paginator.object_list)
    assert {r.organisation for r in rows} == {"东海水晶"}
    assert not any(r.attended for r in rows)
    assert response.context["total"] == 19  # odd i, not a multiple of 3, not the hostile 7
    response = client.get(_url(crowded), {"q": "学员", "attended": "0"})
    assert response.context["total"] == 40
    html = response.content.decode()
    assert "q=%E5%AD%A6%E5%91%98&amp;attended=0&amp;page=2" in html
    second = client.get(_url(crowded), {"q": "学员", "attended": "0", "page": "2"})
    assert len(second.context["page_obj"].object_list) == 15
    assert not any(r.attended for r in second.context["page_obj"].object_list)
    by_phone = client.get(_url(crowded), {"q": "13900000042"})
    assert [r.name for r in by_phone.context["page_obj"].object_list] == ["学员42"]


def test_bad_filter_value_drops_only_that_filter(world: Any, crowded: Any) -> None:
    client = client_for(world.donghai_officer)
    response = client.get(_url(crowded), {"q": "赣榆", "attended": "maybe"})
    assert response.status_code == 200
    assert response.context["total"] == 30


def test_htmx_request_gets_the_results_partial_only(world: Any, crowded: Any) -> None:
    client = client_for(world.donghai_officer)
    headers = {"HX-Request": "true", "HX-Target": "results"}
    partial = client.get(_url(crowded), {"q": "学员1"}, headers=headers).content.decode()
    assert partial.lstrip().startswith('<section id="results"')
    assert "<html" not in partial and "学员10" in partial
    full = client.get(_url(crowded), {"q": "学员1"}).content.decode()
    assert "<html" in full and 'id="results"' in full


def test_exports_keep_filters_and_have_no_formula_cell(world: Any, crowded: Any) -> None:
    client = client_for(world.donghai_officer)
    xlsx = client.get(_url(crowded), {"format": "xlsx", "q": "学员07"})
    values = assert_safe_export(xlsx, expect=HOSTILE)
    assert "学员07" in values and "学员08" not in values
    response = client.get(_url(crowded), {"format": "csv"})
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 61  # header + every row, not one page
    cells = [cell for row in rows for cell in row]
    assert "'" + HOSTILE in cells
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in cells)


def test_empty_state(world: Any, make_event: Callable[..., Any], crowded: Any) -> None:
    client = client_for(world.donghai_officer)
    html = client.get(_url(make_event())).content.decode()
    assert 'data-testid="empty"' in html and "尚无报名。" in html
    html = client.get(_url(crowded), {"q": "没有这个人"}).content.decode()
    assert 'data-testid="empty"' in html and "没有符合条件的报名。" in html


def test_others_cannot_list_or_export(world: Any, crowded: Any) -> None:
    for user in (world.user_a, world.partner):
        client = client_for(user)
        assert client.get(_url(crowded)).status_code == 403
        assert client.get(_url(crowded), {"format": "csv"}).status_code == 403
    assert crowded.registrations.count() == 60
