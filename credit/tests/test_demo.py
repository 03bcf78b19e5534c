"""The demo loader: products with documents, an offered application; running it again creates
nothing."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from credit.demo import load_demo
from credit.models import CreditApplication, Product, ProductDocument

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(world: SimpleNamespace, make_user: Callable[..., Any]) -> None:
    make_user("bank", "partner", partner_kind="bank", organisation="示例银行连云港分行")
    make_user("insurer", "partner", partner_kind="insurer", organisation="示例保险")
    make_user("enterprise_a", "enterprise", enterprise=world.e1)
    products = Product.objects.count()
    assert load_demo() == 6
    assert Product.objects.count() == products + 5
    assert ProductDocument.objects.count() == 5
    application = CreditApplication.objects.get(product__name="信用保险+保单融资")
    assert application.status == "offered" and application.enterprise == world.e1
    assert load_demo() == 0
    assert Product.objects.count() == products + 5 and CreditApplication.objects.count() == 1
