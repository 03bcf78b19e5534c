"""Fast generator of large, valid CEB603 export-inventory files (benchmarks, demos, tests).

Writes the XML directly (string templates, not the dataclass builder) so that a 1,000,000-line
batch is produced in seconds. Each ``Inventory`` holds ``lines_per_inventory`` lines. Files with
more than 100 inventories exceed the XSD's 1..100 per message and are meant for streaming
benchmarks; use ``inventories_per_message <= 100`` for schema-valid output.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

from ceb.schema import CEB_NS

_HEAD = """<ceb:Inventory><ceb:InventoryHead><ceb:guid>{guid}</ceb:guid><ceb:appType>1</ceb:appType><ceb:appTime>{date}093000</ceb:appTime><ceb:appStatus>2</ceb:appStatus><ceb:customsCode>2305</ceb:customsCode><ceb:ebpCode>3207960001</ceb:ebpCode><ceb:ebpName>连云港跨境平台</ceb:ebpName><ceb:orderNo>ORD{n:012d}</ceb:orderNo><ceb:logisticsCode>3207980002</ceb:logisticsCode><ceb:logisticsName>连云港物流</ceb:logisticsName><ceb:logisticsNo>LN{n:012d}</ceb:logisticsNo><ceb:copNo>COP{n:012d}</ceb:copNo><ceb:invtNo>23052025E{n:011d}</ceb:invtNo><ceb:ieFlag>E</ceb:ieFlag><ceb:portCode>2305</ceb:portCode><ceb:ieDate>{date}</ceb:ieDate><ceb:statisticsFlag>A</ceb:statisticsFlag><ceb:agentCode>3207960003</ceb:agentCode><ceb:agentName>报关行</ceb:agentName><ceb:ebcCode>{ebc}</ceb:ebcCode><ceb:ebcName>连云港电商企业</ceb:ebcName><ceb:ownerCode>{ebc}</ceb:ownerCode><ceb:ownerName>连云港电商企业</ceb:ownerName><ceb:tradeMode>{mode}</ceb:tradeMode><ceb:trafMode>2</ceb:trafMode><ceb:country>{country}</ceb:country><ceb:POD>USLA</ceb:POD><ceb:freight>0</ceb:freight><ceb:fCurrency>142</ceb:fCurrency><ceb:fFlag>3</ceb:fFlag><ceb:insuredFee>0</ceb:insuredFee><ceb:iCurrency>142</ceb:iCurrency><ceb:iFlag>3</ceb:iFlag><ceb:wrapType>2</ceb:wrapType><ceb:packNo>1</ceb:packNo><ceb:grossWeight>1.5</ceb:grossWeight><ceb:netWeight>1.2</ceb:netWeight></ceb:InventoryHead>"""  # noqa: E501
_LINE = """<ceb:InventoryList><ceb:gnum>{g}</ceb:gnum><ceb:itemNo>SKU{g:05d}</ceb:itemNo><ceb:gcode>6109100022</ceb:gcode><ceb:gname>棉制针织T恤衫</ceb:gname><ceb:gmodel>100%棉 M码</ceb:gmodel><ceb:barCode>无</ceb:barCode><ceb:country>{country}</ceb:country><ceb:currency>142</ceb:currency><ceb:qty>{qty}</ceb:qty><ceb:qty1>{qty}</ceb:qty1><ceb:unit>011</ceb:unit><ceb:unit1>011</ceb:unit1><ceb:price>{price}</ceb:price><ceb:totalPrice>{total}</ceb:totalPrice></ceb:InventoryList>"""  # noqa: E501
_TAIL = """<ceb:BaseTransfer><ceb:copCode>3207960003</ceb:copCode><ceb:copName>报关行</ceb:copName><ceb:dxpMode>DXP</ceb:dxpMode><ceb:dxpId>DXPENT0000000001</ceb:dxpId></ceb:BaseTransfer></ceb:CEB603Message>"""  # noqa: E501
COUNTRIES = ("502", "303", "116", "133", "304", "132", "601", "344")
MODES = ("9610", "9710", "9810", "1210")


def ceb603_chunks(
    lines: int, *, lines_per_inventory: int = 10, start: int = 0, ebc: str = "3207960001"
) -> Iterator[str]:
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<ceb:CEB603Message guid="{_guid(start)}" version="1.0" xmlns:ceb="{CEB_NS}">'
    )
    n = start
    done = 0
    while done < lines:
        count = min(lines_per_inventory, lines - done)
        country = COUNTRIES[n % len(COUNTRIES)]
        date = f"2025{1 + n % 12:02d}{1 + n % 28:02d}"
        parts = [
            _HEAD.format(guid=_guid(n), n=n, date=date, ebc=ebc, mode=MODES[n % 4], country=country)
        ]
        for g in range(1, count + 1):
            qty = 1 + (n + g) % 5
            price = f"{10 + (n * 7 + g) % 90}.50"
            total = f"{qty * (10 + (n * 7 + g) % 90) + qty * 0.5:.2f}"
            parts.append(_LINE.format(g=g, country=country, qty=qty, price=price, total=total))
        parts.append("</ceb:Inventory>")
        yield "".join(parts)
        done += count
        n += 1
    yield _TAIL


def _guid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def write_ceb603(path: Path, lines: int, **kwargs: object) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for chunk in ceb603_chunks(lines, **kwargs):  # type: ignore[arg-type]
            fh.write(chunk)
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("path", type=Path)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--lines-per-inventory", type=int, default=10)
    args = ap.parse_args()
    write_ceb603(args.path, args.lines, lines_per_inventory=args.lines_per_inventory)


if __name__ == "__main__":
    main()
