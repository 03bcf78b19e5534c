"""Events from customs messages through the customs ingestion (``ddt customs ingest``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from customs.ingestion.building import (
    InventorySpec,
    LineSpec,
    ReceiptSpec,
    build_inventories,
    build_receipts,
)
from customs.models import IngestRun, MessageOrigin, RunSource, StoredMessage
from customs.services import ingest_paths, run_plan
from customs.sources import plan_paths
from logistics import messages, selectors
from logistics.models import Shipment, ShipmentEvent
from logistics.tests.conftest import CODE_A, LOG_X, T0

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)


def _files(write: Any) -> list[Path]:
    nos = ["LX100", "LX101"]
    inventory = InventorySpec(
        cop_no="COP100",
        ebc_code=CODE_A,
        ebc_name="甲",
        trade_mode="9610",
        declared_on=dt.date(2026, 3, 2),
        lines=[
            LineSpec(
                gcode="7103101000",
                gname="水晶",
                qty=Decimal(1),
                unit="011",
                price=Decimal(100),
                currency="142",
            )
        ],
        order_no="ORD100",
        logistics_no="LX100",
    )
    return [
        write("505.xml", messages.waybills(LOG_X, "X物流", [(n, CODE_A, T0) for n in nos])),
        write("506.xml", messages.waybill_receipts(LOG_X, [(n, T0 + H) for n in nos])),
        write("603.xml", build_inventories("export", [inventory])),
        write(
            "604.xml",
            build_receipts("export", [ReceiptSpec("COP100", "800", T0 + 3 * H, invt_no="INV100")]),
        ),
        write("507.xml", messages.arrival(LOG_X, "X物流", "ARR1", nos, T0 + 2 * H)),
        write("508.xml", messages.arrival_receipt(LOG_X, "ARR1", T0 + 2 * H)),
        write("509.xml", messages.departure(LOG_X, "X物流", "DEP1", nos, T0 + 20 * H, "BL1")),
        write("510.xml", messages.departure_receipt(LOG_X, "DEP1", T0 + 21 * H)),
        write(
            "607.xml",
            messages.master_waybill(LOG_X, "X物流", "MW1", [("LX100", "INV100")], T0 + 19 * H),
        ),
        write("608.xml", messages.master_waybill_receipt(LOG_X, "MW1", T0 + 19 * H)),
    ]


def test_customs_messages_make_a_timeline(world: Any, write: Any) -> None:
    run = ingest_paths(actor=None, paths=_files(write))
    assert run.files_rejected == 0, run.errors
    s = Shipment.objects.get(logistics_no="LX100", logistics_code=LOG_X)
    assert s.enterprise_id == world.a.pk
    assert s.county_id == world.a.county_id
    assert s.order_no == "ORD100" and s.invt_no == "INV100"
    codes = [e["code"] for e in selectors.timeline_json(s)["events"]]
    assert codes == [
        "waybill_declared",
        "customs_receipt",  # 506
        "arrived_site",
        "customs_receipt",  # 508
        "customs_released",  # 604 (800: released)
        "master_waybill",
        "customs_receipt",  # 608
        "departed_country",
        "customs_receipt",  # 510
    ]
    assert s.status == "departed_country"
    assert s.released_at == T0 + 3 * H and s.departed_at == T0 + 20 * H
    other = Shipment.objects.get(logistics_no="LX101")
    assert other.released_at is None  # no inventory released for it
    assert other.status == "departed_country"
    # customs still stores the messages as before
    assert StoredMessage.objects.filter(message_type="CEB509").exists()


def test_re_ingesting_changes_nothing(world: Any, write: Any) -> None:
    files = _files(write)
    ingest_paths(actor=None, paths=files)
    before = sorted(ShipmentEvent.objects.values_list("shipment_id", "code", "key", "at"))
    state = sorted(Shipment.objects.values_list("pk", "status", "events_count", "released_at"))
    ingest_paths(actor=None, paths=files)
    assert sorted(ShipmentEvent.objects.values_list("shipment_id", "code", "key", "at")) == before
    assert (
        sorted(Shipment.objects.values_list("pk", "status", "events_count", "released_at")) == state
    )


def test_an_enterprise_upload_adds_no_logistics_events(world: Any, write: Any) -> None:
    """Arrival and departure messages name no e-commerce enterprise: only the channel (and the
    city) is believed about a waybill."""
    path = write("509.xml", messages.departure(LOG_X, "X物流", "DEP9", ["LX900"], T0, "BL9"))
    run = IngestRun.objects.create(
        source=RunSource.WEB, origin=MessageOrigin.ENTERPRISE, enterprise=world.a
    )
    run_plan(run=run, plan=plan_paths([path]))
    run.refresh_from_db()
    assert run.files_rejected == 0
    assert not Shipment.objects.exists()
    assert not ShipmentEvent.objects.exists()


def test_import_status_signed_for(world: Any, write: Any) -> None:
    path = write("513.xml", messages.import_status(LOG_X, "X物流", [("LI1", "S", T0)]))
    ingest_paths(actor=None, paths=[path])
    s = Shipment.objects.get(logistics_no="LI1")
    assert (s.status, s.direction, s.delivered_at) == ("delivered", "import", T0)


def test_official_samples_are_read(world: Any) -> None:
    """Every official logistics sample customs accepts gives its waybills events (the export
    waybill, arrival and departure samples repeat BaseTransfer and are refused by customs)."""
    root = Path(__file__).resolve().parents[2].parent / "shared/reference/ceb-2022/samples"
    files = sorted(root.glob("*/CEB5[01]*Message.xml"))
    if not files:
        pytest.skip("CEB samples not available")
    run = ingest_paths(actor=None, paths=files)
    refused = {Path(e["file"]).name[:6] for e in run.errors}
    accepted = {f.name[:6] for f in files} - refused
    assert {"CEB506", "CEB511", "CEB512", "CEB513", "CEB514"} <= accepted
    stored = set(ShipmentEvent.objects.values_list("message_type", flat=True))
    assert accepted - {"CEB508", "CEB510"} <= stored  # document receipts need their document
