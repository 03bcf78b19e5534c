"""Valid CEB logistics messages for the demo data and the tests (plain Python, built with
``ceb.build`` from the generated dataclasses, so they pass the same validation as real ones).

Each builder takes the business values and fills the rest with plausible constants.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import ceb
from ceb.messages.common import BaseTransfer
from ceb.messages.export_inventory import (
    CEB607Message,
    CEB608Message,
    ExportWayBill,
    ExportWayBillHead,
    ExportWayBillList,
    ExportWayBillReturn,
)
from ceb.messages.export_logistics import (
    CEB505Message,
    CEB506Message,
    CEB507Message,
    CEB508Message,
    CEB509Message,
    CEB510Message,
    ExportArrival,
    ExportArrivalHead,
    ExportArrivalList,
    ExportArrivalReturn,
    ExportDeparture,
    ExportDepartureHead,
    ExportDepartureList,
    ExportDepartureReturn,
    ExportLogistics,
    ExportLogisticsReturn,
)
from ceb.messages.import_logistics import ImportLogisticsStatus
from ceb.testing import example

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def ceb_time(at: dt.datetime, *, ms: bool = False) -> str:
    local = at.astimezone(SHANGHAI)
    text = local.strftime("%Y%m%d%H%M%S")
    return text + f"{local.microsecond // 1000:03d}" if ms else text


def _guid() -> str:
    return str(uuid.uuid4()).upper()


def _transfer(code: str) -> BaseTransfer:
    return BaseTransfer(
        cop_code=code, cop_name="物流企业", dxp_mode="DXP", dxp_id="DXPENT0000000001"
    )


def waybills(code: str, name: str, items: Sequence[tuple[str, str, dt.datetime]]) -> bytes:
    """CEB505: export waybills (logistics no, e-commerce enterprise code, time)."""
    nodes = tuple(
        ExportLogistics(
            guid=_guid(),
            app_type="1",
            app_time=ceb_time(at),
            app_status="2",
            logistics_code=code,
            logistics_name=name,
            logistics_no=no,
            freight=Decimal("12.50"),
            insured_fee=Decimal("0"),
            currency="142",
            gross_weight=Decimal("1.2"),
            pack_no=1,
            goods_info="跨境电商商品",
            ebc_code=ebc or None,
        )
        for no, ebc, at in items
    )
    return ceb.build(CEB505Message(guid=_guid(), logistics=nodes, base_transfer=_transfer(code)))


def waybill_receipts(code: str, items: Sequence[tuple[str, dt.datetime]]) -> bytes:
    """CEB506: customs receipts of export waybills (logistics no, time), accepted."""
    nodes = tuple(
        ExportLogisticsReturn(
            guid=_guid(),
            logistics_code=code,
            logistics_no=no,
            return_status="2",
            return_time=ceb_time(at, ms=True),
            return_info="新增申报成功",
        )
        for no, at in items
    )
    return ceb.build(CEB506Message(guid=_guid(), logistics_return=nodes))


def arrival(code: str, name: str, cop_no: str, nos: Sequence[str], at: dt.datetime) -> bytes:
    """CEB507: the waybills ``nos`` arrived at the supervised site."""
    head = ExportArrivalHead(
        guid=_guid(),
        app_type="1",
        app_time=ceb_time(at),
        app_status="2",
        customs_code="2305",
        cop_no=cop_no,
        operator_code=code,
        operator_name=name,
        ie_flag="E",
        traf_mode="5",
        domestic_traf_no="苏G12345",
        logistics_code=code,
        logistics_name=name,
        msg_count=1,
        msg_seq_no=1,
    )
    lists = tuple(ExportArrivalList(gnum=i + 1, logistics_no=no) for i, no in enumerate(nos))
    return ceb.build(
        CEB507Message(
            guid=_guid(),
            arrival=(ExportArrival(arrival_head=head, arrival_list=lists),),
            base_transfer=_transfer(code),
        )
    )


def arrival_receipt(code: str, cop_no: str, at: dt.datetime) -> bytes:
    """CEB508: the arrival document accepted."""
    node = ExportArrivalReturn(
        guid=_guid(),
        operator_code=code,
        logistics_code=code,
        pre_no="E" + cop_no[-17:].rjust(17, "0"),
        cop_no=cop_no,
        bill_no="-",
        msg_seq_no=1,
        return_status="2",
        return_time=ceb_time(at, ms=True),
        return_info="运抵申报成功",
    )
    return ceb.build(CEB508Message(guid=_guid(), arrival_return=(node,)))


def departure(
    code: str, name: str, cop_no: str, nos: Sequence[str], leave_at: dt.datetime, bill_no: str
) -> bytes:
    """CEB509: the waybills ``nos`` left the country."""
    head = ExportDepartureHead(
        guid=_guid(),
        app_type="1",
        app_time=ceb_time(leave_at),
        app_status="2",
        customs_code="2305",
        cop_no=cop_no,
        logistics_code=code,
        logistics_name=name,
        traf_mode="2",
        traf_name="中远之星",
        voyage_no="V001",
        bill_no=bill_no,
        leave_time=ceb_time(leave_at),
        msg_count=1,
        msg_seq_no=1,
    )
    lists = tuple(ExportDepartureList(gnum=i + 1, logistics_no=no) for i, no in enumerate(nos))
    return ceb.build(
        CEB509Message(
            guid=_guid(),
            departure=(ExportDeparture(departure_head=head, departure_list=lists),),
            base_transfer=_transfer(code),
        )
    )


def departure_receipt(code: str, cop_no: str, at: dt.datetime) -> bytes:
    """CEB510: the departure document accepted."""
    node = ExportDepartureReturn(
        guid=_guid(),
        logistics_code=code,
        cop_no=cop_no,
        pre_no="D" + cop_no[-17:].rjust(17, "0"),
        msg_seq_no=1,
        return_status="2",
        return_time=ceb_time(at, ms=True),
        return_info="离境申报成功",
    )
    return ceb.build(CEB510Message(guid=_guid(), departure_return=(node,)))


def master_waybill(
    code: str, name: str, cop_no: str, items: Sequence[tuple[str, str]], at: dt.datetime
) -> bytes:
    """CEB607: master waybill listing (logistics no, inventory no)."""
    head = ExportWayBillHead(
        guid=_guid(),
        app_type="1",
        app_time=ceb_time(at),
        app_status="2",
        customs_code="2305",
        cop_no=cop_no,
        agent_code=code,
        agent_name=name,
        traf_mode="2",
        traf_name="中远之星",
        voyage_no="V001",
        bill_no="MB" + cop_no[-10:],
        gross_weight=Decimal("10"),
        logistics_code=code,
        logistics_name=name,
        msg_count=1,
        msg_seq_no=1,
    )
    lists = tuple(
        ExportWayBillList(gnum=i + 1, logistics_no=no, invt_no=invt or None)
        for i, (no, invt) in enumerate(items)
    )
    return ceb.build(
        CEB607Message(
            guid=_guid(),
            way_bill=(ExportWayBill(way_bill_head=head, way_bill_list=lists),),
            base_transfer=_transfer(code),
        )
    )


def master_waybill_receipt(code: str, cop_no: str, at: dt.datetime) -> bytes:
    """CEB608: the master waybill accepted."""
    node = ExportWayBillReturn(
        guid=_guid(),
        agent_code=code,
        logistics_code=code,
        cop_no=cop_no,
        pre_no="W" + cop_no[-17:].rjust(17, "0"),
        bill_no="MB" + cop_no[-10:],
        msg_seq_no=1,
        return_status="2",
        return_time=ceb_time(at, ms=True),
        return_info="总分单申报成功",
    )
    return ceb.build(CEB608Message(guid=_guid(), way_bill_return=(node,)))


def import_status(code: str, name: str, items: Sequence[tuple[str, str, dt.datetime]]) -> bytes:
    """CEB513: import waybill status (logistics no, status — "S" signed for —, time)."""
    template = example("CEB513")
    nodes = tuple(
        ImportLogisticsStatus(
            guid=_guid(),
            app_type="1",
            app_time=ceb_time(at),
            app_status="2",
            logistics_code=code,
            logistics_name=name,
            logistics_no=no,
            logistics_status=status,
            logistics_time=ceb_time(at),
        )
        for no, status, at in items
    )
    return ceb.build(
        replace(
            template, guid=_guid(), logistics_status=nodes, base_subscribe=(), extend_message=None
        )
    )
