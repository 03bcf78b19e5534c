"""``get_or_none``: a unique look-up without ``first()``'s ORDER BY."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codes.models import County
from core.queries import get_or_none

pytestmark = pytest.mark.django_db


def test_the_row_or_none_and_no_order_by(counties: dict[str, County]) -> None:
    county = next(iter(counties.values()))
    with CaptureQueriesContext(connection) as queries:
        assert get_or_none(County.objects, code=county.code) == county
        assert get_or_none(County.objects.filter(code=county.code), pk=-1) is None
    assert len(queries) == 2 and not any("ORDER BY" in q["sql"] for q in queries)


def test_more_than_one_row_is_an_error(counties: dict[str, County]) -> None:
    with pytest.raises(County.MultipleObjectsReturned):
        get_or_none(County.objects.all())
