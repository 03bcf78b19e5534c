"""Who may store what: ``refusal`` checks each uploaded file's prepared records against the run's
origin before anything of the file is buffered (docs/customs-ledger.md, "Trust")."""

from __future__ import annotations

from typing import Any

from customs.ingestion.chunk import COUNTY, EBC_CODE, ENTERPRISE
from customs.ingestion.records import ReceiptRecord
from customs.models import IngestRun, MessageOrigin
from customs.prepare import Prepared, PreparedInventory


def refusal(run: IngestRun, records: list[Prepared], name: str, index: dict[str, Any]) -> str:
    """Why ``run`` may not store the records of file ``name`` ("" when it may).

    The customs channel may store anything. Any other uploader may store declarations (and other
    messages naming an e-commerce enterprise) only for the enterprises it speaks for: an
    enterprise user its own, a county officer its county's, an agent those that authorised it
    (none yet: the project has no agent authorisation; a service platform acting under a
    mandate uploads as the enterprise itself, docs/mandates.md), a city officer any. Receipts
    change the ledger, so only the channel may store them. A refused file is refused whole."""
    origin = run.origin
    if origin == MessageOrigin.CHANNEL:
        return ""
    foreign: list[str] = []
    for record in records:
        if isinstance(record, PreparedInventory):
            row = record.declaration
            code, owner, county = row[EBC_CODE], row[ENTERPRISE], row[COUNTY]
        elif isinstance(record, ReceiptRecord):
            return (
                f"{name}：文件含海关回执（{record.message_type}），回执只能经海关数据通道导入，"
                "上传的回执不作放行依据，本文件未导入 / receipts are accepted only from the "
                "customs channel; nothing of this file was stored"
            )
        else:
            code = record.ebc_code
            if not code:
                continue
            owner, county = index.get(code, (None, None))
        if origin == MessageOrigin.CITY:
            continue
        if origin == MessageOrigin.ENTERPRISE:
            allowed = owner is not None and owner == run.enterprise_id
        elif origin == MessageOrigin.COUNTY:
            allowed = owner is not None and county == run.county_id
        else:  # an agent: no enterprise has authorised one yet
            allowed = False
        if not allowed and code not in foreign:
            foreign.append(code)
    if foreign:
        codes = "、".join(foreign[:5]) + ("…" if len(foreign) > 5 else "")
        return (
            f"{name}：文件含其他企业的海关代码 {codes}，只能上传本企业（本县区）的报文，"
            "本文件未导入 / the file names customs codes the uploader may not declare for; "
            "nothing of this file was stored"
        )
    return ""
