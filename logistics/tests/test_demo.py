"""The logistics demo: shipments with customs and carrier events, idempotent."""

from __future__ import annotations

import pytest

from demo.loader import demo_load
from logistics import selectors
from logistics.demo import DEMO_CODE, PARCELS, load_demo
from logistics.models import Shipment, ShipmentEvent

pytestmark = pytest.mark.django_db


def test_logistics_demo_loads_once() -> None:
    report = demo_load(count=30)  # `ddt demo load` loads the shipments itself …
    assert report.extras["logistics events"] > 0
    assert Shipment.objects.filter(logistics_code=DEMO_CODE).count() == PARCELS
    events = ShipmentEvent.objects.count()
    assert load_demo() == 0  # … so running this loader again stores nothing
    assert ShipmentEvent.objects.count() == events
    sources = set(ShipmentEvent.objects.values_list("source", flat=True))
    assert sources == {"customs", "carrier"}
    assert Shipment.objects.filter(enterprise__isnull=False).count() == PARCELS
    from accounts.models import User

    partner = User.objects.get(username="logistics")
    assert selectors.shipment_list_for(user=partner).count() == PARCELS
