"""Public information for visitors (no login): the home page's rounds, notices, guides, open
statistics, FAQ and contact; the policy text; the guides and their checklists; privacy; help."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.public import article_anchor, cn_number, policy_blocks, terms_text
from entitlement.guide import Terms, shipped_guide, shipped_years
from entitlement.measures import catalogue

pytestmark = pytest.mark.django_db


def _round(**values: Any) -> Any:
    from applications.models import Round

    today = timezone.localdate()
    values.setdefault("status", "open")
    values.setdefault("opens_on", today - dt.timedelta(days=3))
    values.setdefault("closes_on", today + dt.timedelta(days=20))
    return Round.objects.create(
        year=2026,
        name=values.pop("name"),
        guide_year="2026",
        guide_hash="h",
        budget_total=Decimal("1000000"),
        **values,
    )


def _notice(rnd: Any, title: str, *, published: dt.date, ends: dt.date) -> Any:
    from funds.models import PublicNotice

    return PublicNotice.objects.create(
        round=rnd, title=title, published_on=published, working_days=7, ends_on=ends
    )


def test_the_visitor_home_shows_rounds_notices_guides_stats_faq_and_contact() -> None:
    today = timezone.localdate()
    open_round = _round(name="2026年度第二批申报")
    _round(name="尚未开放的草稿批次", status="draft")
    _round(
        name="已截止批次",
        opens_on=today - dt.timedelta(days=40),
        closes_on=today - dt.timedelta(days=10),
    )
    current = _notice(
        open_round, "正在公示的拟支持项目", published=today, ends=today + dt.timedelta(days=9)
    )
    _notice(
        open_round,
        "往期公示",
        published=today - dt.timedelta(days=30),
        ends=today - dt.timedelta(days=20),
    )
    html = Client().get(reverse("core:home")).content.decode()
    assert 'data-testid="public-rounds"' in html and "2026年度第二批申报" in html
    assert "尚未开放的草稿批次" not in html and "已截止批次" not in html
    assert reverse("funds:notice_detail", args=[current.pk]) in html and "往期公示" in html
    for year in shipped_years():
        assert reverse("core:guide_checklist", args=[year]) in html
    assert reverse("core:policy_text") in html and reverse("stats:open") in html
    assert 'data-testid="faq"' in html and "忘记密码怎么办" in html
    assert 'data-testid="contact-phone"' in html and 'data-testid="contact-demo"' in html
    assert reverse("accounts:login") in html and reverse("enterprises:register") in html


def test_a_signed_in_user_does_not_get_the_visitor_home(users: Any) -> None:
    client = Client()
    client.force_login(users["city_reviewer"])
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="public-rounds"' not in html


def test_the_home_says_when_no_round_is_open() -> None:
    html = Client().get(reverse("core:home")).content.decode()
    assert "当前没有正在受理的申报批次" in html


def test_the_policy_text_is_the_seed_text_with_an_anchor_per_article() -> None:
    blocks = policy_blocks()
    articles = [b for b in blocks if b.kind == "article"]
    assert [b.anchor for b in articles] == [f"a{i}" for i in range(1, 20)]
    assert len([b for b in blocks if b.kind == "section"]) == 5
    html = Client().get(reverse("core:policy_text")).content.decode()
    assert 'id="a7"' in html and "对首次进入名单的跨境电商企业给予最高10万元一次性奖励" in html
    for measure in catalogue().measures.values():  # every article a guide cites exists
        anchor = article_anchor(measure.article)
        assert anchor == "closing" or f'id="{anchor}"' in html


def test_chinese_article_numbers() -> None:
    assert [cn_number(t) for t in ("一", "九", "十", "十一", "十九", "二十", "二十三")] == [
        1,
        9,
        10,
        11,
        19,
        20,
        23,
    ]


def test_a_guide_page_states_the_guide_values() -> None:
    guide = shipped_guide(2026)
    html = Client().get(reverse("core:guide_detail", args=[2026])).content.decode()
    assert guide.title in html
    assert "奖励 50,000 元" in html  # a1.first_time amount of the 2026 guide
    assert f"{reverse('core:policy_text')}#a1" in html


def test_terms_text_formats_rates_caps_and_levels() -> None:
    measure = catalogue().measures["a5.exhibition"]
    text = terms_text(Terms(rate=Decimal("0.70"), cap=Decimal("200000")), measure)
    assert text == "按费用的 70% 支持；单项最高 200,000 元"


def test_the_guide_downloads() -> None:
    client = Client()
    raw = client.get(reverse("core:guide_yaml", args=[2026]))
    assert raw.status_code == 200 and b"year: 2026" in raw.getvalue()
    sheet = client.get(reverse("core:guide_checklist", args=[2026]))
    assert sheet.status_code == 200 and sheet["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == shipped_guide(2026).title
    assert any(r[0] == "(五)" and "70%" in str(r[2]) for r in rows)


@pytest.mark.parametrize("year", [1999, 2099])
def test_an_unknown_guide_year_is_404(year: int) -> None:
    client = Client()
    for name in ("core:guide_detail", "core:guide_yaml", "core:guide_checklist"):
        assert client.get(reverse(name, args=[year])).status_code == 404


def test_privacy_and_help_pages() -> None:
    client = Client()
    privacy = client.get(reverse("core:privacy")).content.decode()
    assert 'data-testid="privacy-notice"' in privacy and "版本 2026-12" in privacy
    help_page = client.get(reverse("core:help")).content.decode()
    assert 'data-testid="faq"' in help_page and 'data-testid="contact"' in help_page


def test_the_home_in_english() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get(reverse("core:home")).content.decode()
    assert "Frequently asked questions" in html and "Contact us" in html


@pytest.mark.parametrize(
    "name",
    [
        "core:home",
        "core:policy_text",
        "core:privacy",
        "core:help",
        "accounts:password_reset",
        "accounts:password_reset_done",
    ],
)
def test_the_public_pages_in_english_show_no_chinese_outside_quotations(name: str) -> None:
    from core.tests.test_english import CJK, visible_text

    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    text = visible_text(client.get(reverse(name)).content.decode())
    assert CJK.findall(text) == []


def test_the_guide_page_in_english_shows_no_chinese_outside_quotations() -> None:
    from core.tests.test_english import CJK, visible_text

    client = Client()
    client.post("/i18n/setlang/", {"language": "en"})
    html = client.get(reverse("core:guide_detail", args=[2026])).content.decode()
    assert CJK.findall(visible_text(html)) == []
    assert "(5)" in html and "70% of the cost" in html
