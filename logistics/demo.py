"""Demo shipments for ``ddt demo load``: export parcels of the demo enterprises carried by the
demo logistics partner, with customs events (CEB505/506 waybills, CEB507/508 arrival, CEB509/510
departure, ingested through the customs channel like real messages) and carrier events pushed
through the partner's service (picked up … delivered, a few exceptions).

Times are relative to today; loading again on the same day stores nothing twice (customs
messages and carrier events are both idempotent). Call after the registry demo, which creates
the enterprises and the ``logistics`` partner user (bound here to the demo company code).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from accounts.services import user_update
from enterprises import selectors as registry
from logistics import messages, services
from logistics.models import ShipmentEvent

DEMO_CODE = "3207980001"
DEMO_NAME = "示例国际物流"
PARCELS = 40
H = dt.timedelta(hours=1)


def load_demo() -> int:
    """Load the demo shipments; returns the number of events stored."""
    partner = User.objects.filter(username="logistics").first()
    if partner is None:
        return 0
    if partner.logistics_code != DEMO_CODE:
        partner = user_update(actor=None, user=partner, changes={"logistics_code": DEMO_CODE})
    codes = sorted(c for c in registry.enterprise_code_index() if len(c) == 10 and c.isdigit())
    if not codes:
        return 0
    before = ShipmentEvent.objects.count()
    rng = random.Random(18)
    today = timezone.localdate()
    base = dt.datetime.combine(today, dt.time(9, 0), tzinfo=timezone.get_current_timezone())
    parcels = []
    for i in range(PARCELS):
        start = base - dt.timedelta(days=rng.randint(2, 75), hours=rng.randint(0, 8))
        parcels.append((f"LYG{today:%y}{i:06d}", codes[i % len(codes)], start))
    with tempfile.TemporaryDirectory(prefix="ddt-demo-logistics-") as tmp:
        folder = Path(tmp)
        files = _customs_files(folder, parcels, rng)
        from customs.services import ingest_paths

        ingest_paths(actor=None, paths=files)
    events = []
    for no, _code, start in parcels:
        steps = [
            ("picked_up", 0, "已揽收（连云港海州营业部）"),
            ("departed_origin", 4, "已发往监管中心"),
        ]
        steps.append(("customs_released", 8, "海关已放行"))
        departed = rng.choice([30, 40, 60, 90, 120])
        steps.append(("departed_country", departed, "已装船离港"))
        if rng.random() < 0.15:
            steps.append(("exception", departed + 30, "目的港清关资料待补充"))
        steps += [
            ("arrived_destination", departed + 200, "已到达目的港"),
            ("cleared_abroad", departed + 230, "目的国已清关"),
            ("out_for_delivery", departed + 260, "派送中"),
            ("delivered", departed + 280, "已签收"),
        ]
        now = timezone.now()
        for step, (code, hours, text) in enumerate(steps):
            at = start + hours * H
            if at > now:
                break
            events.append(
                {
                    "logistics_no": no,
                    "logistics_code": DEMO_CODE,
                    "at": at.isoformat(),
                    "code": code,
                    "text": text,
                    "idempotency_key": f"demo-{no}-{step}",
                }
            )
    for i in range(0, len(events), services.MAX_BATCH):
        services.carrier_events_push(actor=partner, events=events[i : i + services.MAX_BATCH])
    return ShipmentEvent.objects.count() - before


def _customs_files(
    folder: Path, parcels: list[tuple[str, str, dt.datetime]], rng: random.Random
) -> list[Path]:
    files = []

    def write(name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        files.append(path)

    write(
        "505.xml",
        messages.waybills(DEMO_CODE, DEMO_NAME, [(no, code, at + H) for no, code, at in parcels]),
    )
    write(
        "506.xml",
        messages.waybill_receipts(DEMO_CODE, [(no, at + 2 * H) for no, _c, at in parcels]),
    )
    # Arrivals and departures in groups of ten parcels.
    for g in range(0, len(parcels), 10):
        group = parcels[g : g + 10]
        nos = [no for no, _c, _at in group]
        arrived = max(at for _n, _c, at in group) + 6 * H
        write(
            f"507-{g}.xml",
            messages.arrival(DEMO_CODE, DEMO_NAME, f"ARR{g:04d}{arrived:%m%d}", nos, arrived),
        )
        write(
            f"508-{g}.xml",
            messages.arrival_receipt(DEMO_CODE, f"ARR{g:04d}{arrived:%m%d}", arrived + H),
        )
        leave = arrived + rng.choice([24, 36, 48]) * H
        if leave < timezone.now():
            cop = f"DEP{g:04d}{leave:%m%d}"
            write(
                f"509-{g}.xml",
                messages.departure(DEMO_CODE, DEMO_NAME, cop, nos, leave, f"BL{g:04d}{leave:%m%d}"),
            )
            write(f"510-{g}.xml", messages.departure_receipt(DEMO_CODE, cop, leave + H))
    return files
