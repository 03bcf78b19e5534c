"""The status workflow: the detail page offers exactly what the service accepts."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from warehouses import workflow
from warehouses.models import WarehouseStatus
from warehouses.services import warehouse_set_status

pytestmark = pytest.mark.django_db


def _offered(user: Any, pk: int) -> set[str]:
    client = Client()
    client.force_login(user)
    html = client.get(reverse("warehouses:detail", args=[pk])).content.decode()
    select = re.search(r'<select name="status" id="id_status">(.*?)</select>', html, re.S)
    return set(re.findall(r'<option value="([a-z_]+)"', select.group(1))) if select else set()


@pytest.mark.parametrize("start", [s.value for s in WarehouseStatus])
def test_buttons_are_the_services_edges(
    world: Any, make_warehouse: Callable[..., Any], start: str
) -> None:
    w = make_warehouse()
    w.status = start
    w.save()
    offered = _offered(world.user_a, w.pk)
    assert offered == {value for value, _label in workflow.next_statuses(w)}
    for target in WarehouseStatus.values:
        if target == start:
            continue
        w.refresh_from_db()
        if target in offered:
            assert workflow.status_refusal(w, target) is None
        else:
            with pytest.raises(ValidationError):
                warehouse_set_status(actor=world.user_a, warehouse=w, status=target)
            w.refresh_from_db()
            assert w.status == start
