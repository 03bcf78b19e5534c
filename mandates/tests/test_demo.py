"""The demo loader: enterprise A's mandate to 晶贸通 with one recorded act; running it again
creates nothing."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from mandates.demo import load_demo
from mandates.models import Mandate, MandateAction


def test_demo_is_idempotent(world: SimpleNamespace, make_user: Callable[..., Any]) -> None:
    assert load_demo() == 0  # no demo users yet
    make_user("jingmaotong", "partner", partner_kind="service_platform", organisation="晶贸通")
    make_user("enterprise_a", "enterprise", enterprise=world.a)
    assert load_demo() == 1
    mandate = Mandate.objects.get(enterprise=world.a)
    assert mandate.state == "active" and mandate.platform.username == "jingmaotong"
    assert MandateAction.objects.filter(mandate=mandate).count() == 1
    assert load_demo() == 0
    assert Mandate.objects.count() == 1 and MandateAction.objects.count() == 1
