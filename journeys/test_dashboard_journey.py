"""Browser journey: the statistics dashboards draw real charts (canvas pixels) under the CSP.

The city reviewer sees the city overview and the county tile map; a county officer sees their
county. Chart data comes from <script type="application/json"> blocks and a static script, so the
page needs no inline script and no eval. Screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs in the page: counts non-blank pixels of every chart canvas. A function, not a string for
# eval: Playwright passes it to the browser through the DevTools protocol, which the page's CSP
# (script-src 'self', no 'unsafe-eval') does not govern.
COUNT_DRAWN = """
(selector) => Array.from(document.querySelectorAll(selector)).map((el) => {
  const canvas = el.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return {id: el.id, drawn: 0};
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] !== 0) drawn++; }
  return {id: el.id, drawn: drawn};
})
"""


@pytest.fixture
def dashboard_data(
    codes_loaded: None, make_user: Callable[..., Any], settings: Any
) -> dict[str, Any]:
    import random

    settings.DDT_STATS_CACHE_SECONDS = 0  # every test sees its own data

    from codes.models import County
    from customs.models import LedgerAggregate
    from enterprises.demo import generate_uscc
    from enterprises.models import Enterprise, IndustryBelt, Park, Recognition

    rng = random.Random(5)
    counties = list(County.objects.all())
    donghai = County.objects.get(code="320722")
    belt = IndustryBelt.objects.create(name="东海水晶", county=donghai, recognised_year=2025)
    Park.objects.create(name="东海跨境电商产业园", county=donghai, recognised_year=2025)
    ents = []
    for i in range(24):
        county = counties[i % len(counties)]
        ents.append(
            Enterprise.objects.create(
                uscc=generate_uscc(rng, region=county.code),
                customs_code=f"3207{i:06d}",
                name=f"看板企业{i:02d}有限公司",
                county=county,
                kind="trader",
                status="active",
                first_cbec_year=2024 + i % 3,
                industry_belt=belt if county == donghai else None,
            )
        )
    rows = []
    for year in (2024, 2025, 2026):
        for month in range(1, 13 if year < 2026 else 11):
            for i, ent in enumerate(ents):
                rows.append(
                    LedgerAggregate(
                        month=year * 100 + month,
                        year=year,
                        ebc_code=ent.customs_code,
                        enterprise=ent,
                        county=ent.county,
                        mode=["9610", "9710", "9810"][i % 3],
                        direction="export" if i % 4 else "import",
                        country=["502", "303", "116"][i % 3],
                        lines=10,
                        amount_cny_fen=int(Decimal(1_000_000 + i * 50_000 + month * 10_000) * 100),
                    )
                )
    LedgerAggregate.objects.bulk_create(rows)
    for ent in ents[:5]:
        Recognition.objects.create(enterprise=ent, type="benchmark", year=2025)
    make_user("city_reviewer", "city_reviewer")
    make_user("donghai_officer", "county_officer", county=donghai)
    return {"donghai": donghai, "today": dt.date.today()}


def _drawn(page: Any) -> list[dict[str, Any]]:
    page.wait_for_selector("[data-chart-source][data-drawn=true]")
    page.wait_for_timeout(300)
    return list(page.evaluate(COUNT_DRAWN, "[data-chart-source]"))


def _errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_city_reviewer_sees_drawn_target_charts_and_county_tiles(
    page: Any, login: Callable[[str], Any], shoot: Callable[[str], Path], dashboard_data: Any
) -> None:
    errors = _errors(page)
    login("city_reviewer")
    page.goto(f"{page.base_url}/stats/")
    assert page.locator("h1").inner_text().startswith("全市")
    charts = _drawn(page)
    assert len(charts) == 11, charts  # one trend per target
    assert all(c["drawn"] > 500 for c in charts), charts
    assert page.locator("[data-testid=target-cbec_trade] .badge").inner_text() in {
        "已完成",
        "进度正常",
        "存在风险",
    }
    shoot("dashboard-city-overview")

    page.goto(f"{page.base_url}/stats/counties/?year=2026")
    charts = _drawn(page)
    tiles = next(c for c in charts if c["id"] == "chart-tilemap")
    assert tiles["drawn"] > 5000, charts
    shoot("dashboard-county-tilemap")

    page.goto(f"{page.base_url}/stats/trade/?year=2026")
    charts = _drawn(page)
    assert {c["id"] for c in charts} >= {"chart-trade_month", "chart-trade_mode", "chart-trade_top"}
    assert all(c["drawn"] > 500 for c in charts), charts
    shoot("dashboard-trade")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert not errors, errors


def test_county_officer_sees_their_county_drawn(
    page: Any, login: Callable[[str], Any], shoot: Callable[[str], Path], dashboard_data: Any
) -> None:
    errors = _errors(page)
    login("donghai_officer")
    page.goto(f"{page.base_url}/stats/")
    page.wait_for_url("**/stats/county/320722/**")
    assert "东海县" in page.locator("h1").inner_text()
    charts = _drawn(page)
    assert len(charts) == 11 and all(c["drawn"] > 500 for c in charts), charts
    shoot("dashboard-county-officer")
    # another county is refused
    response = page.goto(f"{page.base_url}/stats/county/320707/")
    assert response is not None and response.status == 403
    assert not errors or all("403" in e for e in errors), errors
