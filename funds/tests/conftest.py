"""Fixtures of the funds tests: two enterprises in two counties, one user per role, an open 2026
round (window moved around "today") and a helper that walks an application to city review
through the workflow."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from time_machine import TimeMachineFixture

from applications import services as app_services
from applications import workflow
from applications.models import Application, ApplicationStatus, Round
from core.testing import LATE_2026
from enterprises.demo import generate_uscc
from enterprises.models import Enterprise


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    """A fixed day: the tests' 2026 round is open around it, their dates lie before it."""
    time_machine.move_to(LATE_2026)


@pytest.fixture
def holidays(db: Any) -> None:
    from codes.loaders import load_all

    load_all()


@pytest.fixture
def make_enterprise(counties: dict[str, Any]) -> Callable[..., Enterprise]:
    from enterprises.services import enterprise_create

    rng = random.Random(11)

    def _make(name: str, county: str = "donghai", **values: Any) -> Enterprise:
        c = counties[county]
        values.setdefault("uscc", generate_uscc(rng, c.code))
        values.setdefault("kind", "manufacturer")
        values.setdefault("status", "active")
        brand = values.pop("brand_pool", True)
        enterprise = enterprise_create(actor=None, name=name, county=c, **values)
        if brand:  # (七) brand promotion pays brand enterprises only (in the 培育库 since 2024)
            enterprise.recognitions.create(type="brand_pool", year=2024)
        return enterprise

    return _make


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any], make_enterprise: Any) -> Any:
    w = SimpleNamespace()
    w.counties = counties
    w.a = make_enterprise("甲水晶跨境电商有限公司", "donghai", first_cbec_year=2026)
    w.b = make_enterprise("乙贸易有限公司", "ganyu")
    w.user_a = make_user("ent_a", "enterprise", enterprise=w.a)
    w.user_b = make_user("ent_b", "enterprise", enterprise=w.b)
    w.donghai_officer = make_user("officer_dh", "county_officer", county=counties["donghai"])
    w.ganyu_officer = make_user("officer_gy", "county_officer", county=counties["ganyu"])
    w.reviewer = make_user("reviewer", "city_reviewer")
    w.reviewer2 = make_user("reviewer2", "city_reviewer")
    w.finance = make_user("finance", "finance_officer")
    w.admin = make_user("admin1", "administrator")
    return w


@pytest.fixture
def round_(world: Any) -> Round:
    rnd = app_services.round_create_from_guide(actor=world.reviewer, year=2026)
    today = timezone.localdate()
    rnd = app_services.round_update(
        actor=world.reviewer,
        round=rnd,
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=20),
    )
    return app_services.round_open(actor=world.reviewer, round=rnd)


@pytest.fixture
def to_city_review(world: Any, round_: Round) -> Callable[..., Application]:
    """An application created as a draft and moved draft → submitted → city_review."""

    def _make(
        enterprise: Enterprise | None = None,
        measure: str = "a7.brand_promotion",
        cost: str | None = "80000.00",
        matter: str = "",
        other: str = "0",
        rnd: Round | None = None,
    ) -> Application:
        enterprise = enterprise or world.a
        app = Application.objects.create(
            round=rnd or round_,
            enterprise=enterprise,
            county_id=enterprise.county_id,
            measure=measure,
            cost=Decimal(cost) if cost is not None else None,
            matter=matter,
            other_public_money=Decimal(other),
        )
        owner = world.user_a if enterprise == world.a else world.user_b
        officer = world.donghai_officer if enterprise == world.a else world.ganyu_officer
        workflow.transition(actor=owner, application=app, to=ApplicationStatus.SUBMITTED)
        workflow.transition(actor=officer, application=app, to=ApplicationStatus.CITY_REVIEW)
        app.refresh_from_db()
        return app

    return _make


def login_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
