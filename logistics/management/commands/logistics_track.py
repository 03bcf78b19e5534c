"""``ddt logistics track WAYBILL [--code LOGISTICS_CODE] [--format json|table]``: a waybill's
timeline, oldest first. JSON::

    {"logistics_no": "…", "logistics_code": "…", "status": "<code>",
     "events": [{"at": "<ISO 8601 with offset>", "code": "<code>",
                 "source": "customs"|"carrier", "text": "…"}]}
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from logistics import selectors


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "运单物流轨迹 / A waybill's timeline"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("waybill", help="运单编号 logisticsNo")
        parser.add_argument(
            "--code", default="", help="物流企业代码（同一运单号属于多家时必填）/ logistics code"
        )
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            shipment = selectors.shipment_by_waybill(
                logistics_no=options["waybill"], logistics_code=options["code"]
            )
        except Http404:
            raise CommandError(
                f"运单不存在或运单号属于多家物流企业（请加 --code）/ no such waybill, or it is "
                f"ambiguous (give --code): {options['waybill']}",
                returncode=1,
            ) from None
        data = selectors.timeline_json(shipment)
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{data['logistics_no']}  {data['logistics_code']}  status: {data['status'] or '-'}"
        )
        for e in data["events"]:
            self.stdout.write(f"{e['at']:<32} {e['code']:<20} {e['source']:<8} {e['text']}")
