"""Fixtures of the compliance tests: a fixed day in 2026, two enterprises with a user each, two
advisory organisations (one covering customs clearance, one tax), a bank, the city reviewer, a
county officer, two countries, and a few articles (published and draft) through the services."""

from __future__ import annotations

import random
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from time_machine import TimeMachineFixture

from core.testing import at
from enterprises.demo import generate_uscc

TODAY = at(2026, 6, 15)


@pytest.fixture(autouse=True)
def _clock(time_machine: TimeMachineFixture) -> None:
    time_machine.move_to(TODAY)


def login_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(counties: dict[str, Any], make_user: Callable[..., Any]) -> SimpleNamespace:
    from codes.models import Country
    from compliance import services
    from enterprises.services import enterprise_create

    rng = random.Random(19)
    a = enterprise_create(
        actor=None,
        name="东海水晶跨境电商有限公司",
        county=counties["donghai"],
        kind="trader",
        uscc=generate_uscc(rng, "320722"),
    )
    b = enterprise_create(
        actor=None,
        name="赣榆海产贸易有限公司",
        county=counties["ganyu"],
        kind="trader",
        uscc=generate_uscc(rng, "320707"),
    )
    us = Country.objects.create(customs_code="502", name="美国", name_en="United States")
    de = Country.objects.create(customs_code="304", name="德国", name_en="Germany")
    w = SimpleNamespace(
        a=a,
        b=b,
        us=us,
        de=de,
        ent_a=make_user("ent_a", "enterprise", enterprise=a),
        ent_b=make_user("ent_b", "enterprise", enterprise=b),
        advisor=make_user(
            "assoc", "partner", partner_kind="advisor", organisation="连云港跨境电商协会"
        ),
        advisor2=make_user(
            "taxfirm", "partner", partner_kind="advisor", organisation="示例税务师事务所"
        ),
        bank=make_user("bank1", "partner", partner_kind="bank", organisation="示例银行"),
        city=make_user("city1", "city_reviewer"),
        county=make_user("cty", "county_officer", county=counties["donghai"]),
    )
    services.advisor_topics_set(actor=w.advisor, topics=["clearance", "ip"])
    services.advisor_topics_set(actor=w.advisor2, topics=["tax"])
    w.published = services.article_create(
        actor=w.advisor,
        title="欧盟进口增值税一站式申报（IOSS）实务",
        topic="clearance",
        body="价值不超过150欧元的包裹可通过IOSS申报缴纳进口增值税。\n卖家注册后在包裹申报中提供编号。",
        countries=[de],
        publish=True,
    )
    w.city_article = services.article_create(
        actor=w.city,
        title="跨境电商出口企业无票免税要点",
        topic="tax",
        body="综合试验区内未取得有效进货凭证的货物可试行增值税、消费税免税政策。\n应税所得率为4%。",
        publish=True,
    )
    w.draft = services.article_create(
        actor=w.advisor,
        title="美国商标侵权投诉应对（草稿）",
        topic="ip",
        body="收到亚马逊商标侵权投诉后应先核实。",
        countries=[us],
    )
    return w


@pytest.fixture
def ask(world: SimpleNamespace) -> Callable[..., Any]:
    """ask(user=ent_a, topic="clearance", text=…) through the service."""
    from compliance.services import question_ask

    def _ask(user: Any = None, topic: str = "clearance", text: str = "德国海外仓如何清关？") -> Any:
        return question_ask(actor=user or world.ent_a, topic=topic, text=text, country=world.de)

    return _ask
