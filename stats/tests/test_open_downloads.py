"""Open data downloads (issue 15): the page's tables as CSV and Excel, with the very same cells
suppressed; months read 2026-01 and counties by name."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import openpyxl
import pytest
from django.test import Client

from stats.tests.test_opendata import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _page_cells(html: str) -> list[tuple[str, list[str]]]:
    """(row label, value cells) of every table row on the open-data page."""
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        head = re.findall(r'<th scope="row">(.*?)</th>', tr, flags=re.S)
        cells = re.findall(r'<td class="num">(.*?)</td>', tr, flags=re.S)
        if head and cells:
            rows.append((head[0].strip(), [c.strip() for c in cells]))
    return rows


def test_page_shows_months_as_year_month_and_counties_by_name(world: Any) -> None:  # noqa: F811
    body = Client().get("/stats/open/?year=2026").content.decode()
    assert "2026-01" in body and ">202601<" not in body
    assert "东海县 (320722)" in body  # the county by name, with its code after
    assert "9,999" not in body  # March is built from one enterprise: suppressed
    english = Client()
    english.post("/i18n/setlang/", {"language": "en"})
    assert "Donghai County (320722)" in english.get("/stats/open/?year=2026").content.decode()


def test_csv_and_excel_suppress_exactly_the_cells_the_page_suppresses(world: Any) -> None:  # noqa: F811
    client = Client()
    page = _page_cells(client.get("/stats/open/?year=2026").content.decode())
    page_values = [v for _label, values in page for v in values]
    assert "—" in page_values and any(v != "—" for v in page_values)

    response = client.get("/stats/open/?year=2026&format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))[1:]
    csv_values = [r[3] for r in rows]
    assert len(csv_values) == len(page_values)
    for shown, downloaded in zip(page_values, csv_values, strict=True):
        assert (shown == "—") == (downloaded == "—"), (shown, downloaded)
        if shown != "—":
            assert shown.replace(",", "") == downloaded
    months = {r[1]: r[3] for r in rows if r[0] == "按月进出口额（元）"}
    assert months["2026-01"] == "400.00" and months["2026-03"] == "—"

    response = client.get("/stats/open/?year=2026&format=xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    xlsx_values = [
        "—" if v == "—" else v
        for ws in book.worksheets
        for row in list(ws.iter_rows(values_only=True))[3:]
        for v in row[1:]
    ]
    assert len(xlsx_values) == len(page_values)
    for shown, downloaded in zip(page_values, xlsx_values, strict=True):
        assert (shown == "—") == (downloaded == "—"), (shown, downloaded)


def test_downloads_name_no_enterprise(world: Any) -> None:  # noqa: F811
    client = Client()
    text = client.get("/stats/open/?year=2026&format=csv").content.decode("utf-8-sig")
    for e in world["big"] + world["small"]:
        assert e.name not in text and e.uscc not in text and e.customs_code not in text
