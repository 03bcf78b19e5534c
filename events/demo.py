"""Demo trainings and events of the last two years and the next three weeks, with registrations
and attendance.

Dates are relative to the day the demo is loaded, so there are always past events with
attendance and upcoming ones open for registration. Idempotent: events are keyed by their title
(each carries its number, 第N期); what exists is left alone. Call after the
registry demo (``ddt demo load``), which creates the publishing users (city, county_*, bank) and
the two demo enterprise users that register for the upcoming events.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from events.excel import AttendanceRow
from events.models import Event, EventKind, EventStatus
from events.services import attendance_record, event_publish, event_set_status, registration_create

SEED = 20241120
TOPICS: dict[str, list[str]] = {
    EventKind.TRAINING: [
        "跨境电商平台入驻实务培训",
        "跨境电商 9610/9710/9810 通关实务培训",
        "独立站建站与推广培训",
        "跨境直播带货实操培训",
        "跨境电商税务合规培训",
        "海外仓运营与选品培训",
    ],
    EventKind.MATCHMAKING: [
        "产业带企业与平台供需对接会",
        "跨境电商与海外仓对接会",
        "金融服务对接会",
    ],
    EventKind.SALON: [
        "跨境电商沙龙：品牌出海",
        "跨境电商沙龙：东南亚市场",
        "跨境电商沙龙：中亚班列",
    ],
    EventKind.SUMMIT: ["连云港跨境电商发展峰会", "新亚欧陆海联运通道跨境电商论坛"],
    EventKind.COMPETITION: ["跨境电商选品大赛", "跨境直播大赛"],
}
VENUES = ["市电子商务公共服务中心", "县区电商产业园报告厅", "综合保税区服务大厅", "高校实训基地"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _publishers() -> tuple[User, list[User], User | None]:
    city = (
        User.objects.filter(username="city").first()
        or User.objects.filter(role=Role.CITY_REVIEWER).first()
    )
    if city is None:
        raise RuntimeError("events demo needs the registry demo users: run `ddt demo load` first")
    officers = list(User.objects.filter(role=Role.COUNTY_OFFICER).select_related("county"))
    partner = User.objects.filter(role=Role.PARTNER).order_by("username").first()
    return city, officers, partner


def _people(rng: random.Random, n: int, used: set[str]) -> list[AttendanceRow]:
    rows: list[AttendanceRow] = []
    while len(rows) < n:
        phone = "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))
        if phone in used:
            continue
        used.add(phone)
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(["", rng.choice(GIVEN)])
        rows.append(AttendanceRow(number=len(rows) + 2, name=name, phone=phone))
    return rows


@transaction.atomic
def load_demo(*, count: int = 50) -> int:
    """Create ``count`` demo events; return how many were created."""
    tz = timezone.get_default_timezone()
    city, officers, partner = _publishers()
    enterprise_users = list(
        User.objects.filter(role=Role.ENTERPRISE, username__startswith="enterprise_")
    )
    now = timezone.now()
    kinds = (
        [EventKind.TRAINING] * 5
        + [EventKind.MATCHMAKING] * 2
        + [EventKind.SALON] * 2
        + [
            EventKind.SUMMIT,
            EventKind.COMPETITION,
        ]
    )
    created = 0
    today = timezone.localdate()
    start_day = today - dt.timedelta(days=700)
    span = (today + dt.timedelta(days=21) - start_day).days
    for i in range(count):
        rng = random.Random(SEED * 1000 + i)  # one stream per event: reruns draw the same
        kind = kinds[i % len(kinds)]
        day = start_day + dt.timedelta(days=round(i * span / max(count - 1, 1)) + rng.randrange(3))
        starts_at = dt.datetime.combine(day, dt.time(rng.choice([9, 14]), 0), tzinfo=tz)
        title = f"{rng.choice(TOPICS[kind])}（第{i + 1}期）"
        if Event.objects.filter(title=title).exists():
            continue
        if kind == EventKind.SALON and partner is not None and i % 3 == 0:
            actor, county = partner, None
        elif officers and kind in {EventKind.TRAINING, EventKind.SALON, EventKind.MATCHMAKING}:
            actor = officers[i % len(officers)]
            county = actor.county
        else:
            actor, county = city, None
        capacity = {
            EventKind.TRAINING: rng.choice([60, 80, 100, 150]),
            EventKind.MATCHMAKING: rng.choice([40, 60, 80]),
            EventKind.SALON: rng.choice([30, 40]),
            EventKind.SUMMIT: rng.choice([200, 300]),
            EventKind.COMPETITION: rng.choice([50, 80]),
        }[kind]
        event = event_publish(
            actor=actor,
            title=title,
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=3),
            capacity=capacity,
            organiser=actor.organisation or actor.get_full_name() or "连云港市商务局",
            county=county,
            venue=rng.choice(VENUES),
            description="演示数据：面向全市跨境电商企业，欢迎报名。",
        )
        created += 1
        if starts_at > now:
            for user in enterprise_users:
                registration_create(actor=user, event=event, phone=_demo_phone(user))
            continue
        if i % 17 == 5:  # an occasional cancellation
            event_set_status(actor=actor, event=event, status=EventStatus.CANCELLED)
            continue
        attended = round(capacity * rng.uniform(0.6, 0.95))
        attendance_record(actor=None, event=event, rows=_people(rng, attended, set()))
        event_set_status(actor=actor, event=event, status=EventStatus.FINISHED)
    return created


def _demo_phone(user: User) -> str:
    return user.phone or f"1390000{user.pk:04d}"[:11]
