"""Valid CEB603/621 inventories and CEB604/622 receipts built from ``InventorySpec`` /
``ReceiptSpec`` (demo data, tests, benchmark), through the ``ceb`` message library."""

from __future__ import annotations

import datetime as dt
import typing
import uuid
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ceb
from ceb.messages.export_inventory import (
    CEB603Message,
    CEB604Message,
    ExportInventory,
    ExportInventoryHead,
    ExportInventoryList,
    ExportInventoryReturn,
)
from ceb.messages.import_inventory import (
    CEB621Message,
    CEB622Message,
    ImportInventory,
    ImportInventoryHead,
    ImportInventoryList,
    ImportInventoryReturn,
)
from customs import reference
from customs.ingestion.records import SHANGHAI


@dataclass(frozen=True)
class LineSpec:
    gcode: str
    gname: str
    unit: str
    qty: Decimal
    price: Decimal
    currency: str = "502"
    country: str = "502"
    total_price: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return self.total_price if self.total_price is not None else self.qty * self.price


@dataclass(frozen=True)
class InventorySpec:
    cop_no: str
    ebc_code: str
    ebc_name: str
    trade_mode: str
    declared_on: dt.date
    lines: Sequence[LineSpec]
    country: str = "502"
    order_no: str = ""
    logistics_no: str = ""
    invt_no: str = ""
    freight: Decimal = Decimal(0)
    insured_fee: Decimal = Decimal(0)
    buyer_id_number: str = ""
    buyer_name: str = "张三"
    customs_code: str = "2305"


@dataclass(frozen=True)
class ReceiptSpec:
    cop_no: str
    return_status: str
    return_time: dt.datetime
    invt_no: str = ""
    pre_no: str = ""
    ebc_code: str = "3207960001"
    return_info: str = ""


def _guid() -> str:
    return str(uuid.uuid4()).upper()


def _transfer(message_cls: type[Any], code: str = "3207960001") -> Any:
    # The library may give each message its own BaseTransfer class: take it from the annotation.
    cls = typing.get_type_hints(message_cls)["base_transfer"]
    return cls(
        cop_code=code, cop_name="连云港点点通报文传输", dxp_mode="DXP", dxp_id="DXPENT0000000001"
    )


def _export_inventory(spec: InventorySpec) -> ExportInventory:
    gross = sum((line.qty for line in spec.lines), Decimal(0))
    head = ExportInventoryHead(
        guid=_guid(),
        app_type="1",
        app_time=spec.declared_on.strftime("%Y%m%d") + "090000",
        app_status="2",
        customs_code=spec.customs_code,
        ebp_code=spec.ebc_code,
        ebp_name="独立站",
        order_no=spec.order_no or f"O{spec.cop_no}",
        logistics_code="3207980001",
        logistics_name="连云港跨境物流有限公司",
        logistics_no=spec.logistics_no or f"L{spec.cop_no}"[:32],
        cop_no=spec.cop_no,
        invt_no=spec.invt_no or None,
        ie_flag="E",
        port_code=spec.customs_code,
        ie_date=spec.declared_on.strftime("%Y%m%d"),
        statistics_flag="A",
        agent_code=spec.ebc_code,
        agent_name=spec.ebc_name,
        ebc_code=spec.ebc_code,
        ebc_name=spec.ebc_name,
        owner_code=spec.ebc_code,
        owner_name=spec.ebc_name,
        trade_mode=spec.trade_mode,
        traf_mode="2",
        country=spec.country,
        pod=spec.country,
        freight=spec.freight,
        f_currency="142",
        f_flag="3",
        insured_fee=spec.insured_fee,
        i_currency="142",
        i_flag="3",
        wrap_type="2",
        pack_no=1,
        gross_weight=gross,
        net_weight=gross,
    )
    lines = tuple(
        ExportInventoryList(
            gnum=n,
            item_no=f"SKU{n:04d}",
            gcode=line.gcode,
            gname=line.gname,
            gmodel=line.gname,
            bar_code="无",
            country=line.country,
            currency=line.currency,
            qty=line.qty,
            qty1=line.qty,
            unit=line.unit,
            unit1=line.unit,
            price=line.price,
            total_price=line.total,
        )
        for n, line in enumerate(spec.lines, start=1)
    )
    return ExportInventory(inventory_head=head, inventory_list=lines)


def _import_inventory(spec: InventorySpec) -> ImportInventory:
    gross = sum((line.qty for line in spec.lines), Decimal(0))
    head = ImportInventoryHead(
        guid=_guid(),
        app_type="1",
        app_time=spec.declared_on.strftime("%Y%m%d") + "100000",
        app_status="2",
        order_no=spec.order_no or f"O{spec.cop_no}",
        ebp_code=spec.ebc_code,
        ebp_name="跨境进口平台",
        ebc_code=spec.ebc_code,
        ebc_name=spec.ebc_name,
        logistics_no=spec.logistics_no or f"L{spec.cop_no}",
        logistics_code="3207980001",
        logistics_name="连云港跨境物流有限公司",
        cop_no=spec.cop_no,
        assure_code=spec.ebc_code,
        invt_no=spec.invt_no or None,
        ie_flag="I",
        decl_time=spec.declared_on.strftime("%Y%m%d"),
        customs_code=spec.customs_code,
        port_code=spec.customs_code,
        buyer_id_type="1",
        buyer_id_number=spec.buyer_id_number or "320700199001010000",
        buyer_name=spec.buyer_name,
        buyer_telephone="13800000000",
        consignee_address="江苏省连云港市海州区",
        agent_code=spec.ebc_code,
        agent_name=spec.ebc_name,
        trade_mode=spec.trade_mode,
        traf_mode="2",
        country=spec.country,
        freight=spec.freight,
        insured_fee=spec.insured_fee,
        currency="142",
        pack_no=1,
        gross_weight=gross,
        net_weight=gross,
    )
    lines = tuple(
        ImportInventoryList(
            gnum=n,
            gcode=line.gcode,
            gname=line.gname,
            gmodel=line.gname,
            country=line.country,
            currency=line.currency,
            qty=line.qty,
            unit=line.unit,
            qty1=line.qty,
            unit1=line.unit,
            price=line.price,
            total_price=line.total,
        )
        for n, line in enumerate(spec.lines, start=1)
    )
    return ImportInventory(inventory_head=head, inventory_list=lines)


def build_inventories(direction: str, specs: Sequence[InventorySpec]) -> bytes:
    """One CEB603 (export) or CEB621 (import) message with up to 100 inventories."""
    if direction == "export":
        return ceb.build(
            CEB603Message(
                guid=_guid(),
                inventory=tuple(_export_inventory(s) for s in specs),
                base_transfer=_transfer(CEB603Message),
            )
        )
    return ceb.build(
        CEB621Message(
            guid=_guid(),
            inventory=tuple(_import_inventory(s) for s in specs),
            base_transfer=_transfer(CEB621Message),
        )
    )


def _time_text(value: dt.datetime) -> str:
    local = value.astimezone(SHANGHAI)
    return local.strftime("%Y%m%d%H%M%S") + f"{local.microsecond // 1000:03d}"


def build_receipts(direction: str, specs: Sequence[ReceiptSpec]) -> bytes:
    """One CEB604 (export) or CEB622 (import) receipt message."""
    if direction == "export":
        return ceb.build(
            CEB604Message(
                guid=_guid(),
                inventory_return=tuple(
                    ExportInventoryReturn(
                        guid=_guid(),
                        agent_code=s.ebc_code,
                        cop_no=s.cop_no,
                        pre_no=s.pre_no
                        or f"B{s.return_time:%Y%m%d}{zlib.crc32(s.cop_no.encode()) % 10**9:09d}",
                        invt_no=s.invt_no
                        or f"2305{s.return_time:%Y}E{zlib.crc32(s.cop_no.encode()) % 10**9:09d}",
                        ebc_code=s.ebc_code,
                        ebp_code=s.ebc_code,
                        order_no=f"O{s.cop_no}",
                        statistics_flag="A",
                        return_status=s.return_status,
                        return_time=_time_text(s.return_time),
                        return_info=s.return_info or reference.status_label(s.return_status),
                    )
                    for s in specs
                ),
            )
        )
    return ceb.build(
        CEB622Message(
            guid=_guid(),
            inventory_return=tuple(
                ImportInventoryReturn(
                    guid=_guid(),
                    ebc_code=s.ebc_code,
                    cop_no=s.cop_no,
                    pre_no=s.pre_no
                    or f"B{s.return_time:%Y%m%d}{zlib.crc32(s.cop_no.encode()) % 10**9:09d}",
                    invt_no=s.invt_no or None,
                    return_status=s.return_status,
                    return_time=_time_text(s.return_time),
                    return_info=s.return_info or reference.status_label(s.return_status),
                )
                for s in specs
            ),
        )
    )
