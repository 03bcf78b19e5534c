"""Fixtures for the applications tests: two enterprises in two counties, one user of each role,
an open round of the 2026 guide whose window includes today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from time_machine import TimeMachineFixture

from core.testing import LATE_2026

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    """A fixed day: the tests' 2026 round is open around it, their dates lie before it."""
    time_machine.move_to(LATE_2026)


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    """A fresh file-system storage per test, so 'nothing stored' can be checked."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> Any:
    from applications import services
    from enterprises.models import Enterprise

    w = SimpleNamespace()
    w.counties = counties
    w.a = Enterprise.objects.create(
        uscc="91320722MA1AAAAA1A",
        name="甲水晶跨境电商有限公司",
        county=counties["donghai"],
        kind="trader",
        contact_email="a@example.cn",
    )
    w.b = Enterprise.objects.create(
        uscc="91320707MA1BBBBB2B",
        name="乙海产贸易有限公司",
        county=counties["ganyu"],
        kind="trader",
    )
    w.park_op = Enterprise.objects.create(
        uscc="91320722MA1CCCCC3C",
        name="丙产业园运营有限公司",
        county=counties["donghai"],
        kind="park_operator",
    )
    w.user_a = make_user("ent_a", "enterprise", enterprise=w.a)
    w.user_a2 = make_user("ent_a2", "enterprise", enterprise=w.a)
    w.user_b = make_user("ent_b", "enterprise", enterprise=w.b)
    w.user_park = make_user("ent_park", "enterprise", enterprise=w.park_op)
    w.donghai = make_user("officer_dh", "county_officer", county=counties["donghai"])
    w.ganyu = make_user("officer_gy", "county_officer", county=counties["ganyu"])
    w.city = make_user("reviewer", "city_reviewer")
    w.finance = make_user("finance", "finance_officer")
    w.partner = make_user("bank", "partner", partner_kind="bank")
    w.admin = make_user("admin1", "administrator")
    w.round = services.round_create_from_guide(actor=w.city, year=2026)
    today = timezone.localdate()
    w.round = services.round_update(
        actor=w.city,
        round=w.round,
        opens_on=today - dt.timedelta(days=10),
        closes_on=today + dt.timedelta(days=20),
    )
    w.round = services.round_open(actor=w.city, round=w.round)
    return w


@pytest.fixture
def make_app(world: Any) -> Callable[..., Any]:
    """An application of enterprise A (or ``user``'s enterprise) put directly in ``status``."""
    from applications import services
    from applications.models import Application

    counter = iter(range(1, 10_000))

    def _make(status: str = "draft", user: Any = None, **fields: Any) -> Application:
        user = user or world.user_a
        fields.setdefault("measure", "a3.benchmark")
        fields.setdefault("matter", f"INV-{next(counter):05d}")
        app, _ = services.application_save_draft(actor=user, round=world.round, **fields)
        if status != "draft":
            Application.objects.filter(pk=app.pk).update(status=status)
            app.refresh_from_db()
        return app

    return _make


def cost_fields(**extra: Any) -> dict[str, Any]:
    return {
        "measure": "a7.brand_promotion",
        "matter": "FP-2026-001",
        "cost": Decimal("80000"),
        "cost_date": dt.date(2026, 3, 10),
        **extra,
    }
