"""Load the demo data set through the services (so every row has its audit entry).

Idempotent: enterprises are keyed by USCC, users by username, belts and parks by name,
recognitions by (enterprise, type, level, year); what exists is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts.models import User
from accounts.services import user_create
from codes.loaders import load_all
from codes.models import County
from demo.data import BELTS, DEMO_PASSWORD, PARKS, USERS, generate
from demo.stages import StageReport, load_stages
from enterprises.models import Enterprise, IndustryBelt, Park, Recognition
from enterprises.services import enterprise_create, industry_belt_save, park_save, recognition_add


@dataclass
class DemoReport:
    enterprises_created: int = 0
    enterprises_existing: int = 0
    recognitions_created: int = 0
    users_created: int = 0
    extras: dict[str, int] = field(default_factory=dict)
    stages: StageReport | None = None
    logins: list[tuple[str, str, str]] = field(default_factory=list)


@transaction.atomic
def demo_load(*, count: int = 200) -> DemoReport:
    report = DemoReport()
    load_all()
    counties = {c.code: c for c in County.objects.all()}
    belts: dict[str, IndustryBelt] = {}
    for name, county, products, name_en, _stems, _product in BELTS:
        belt = IndustryBelt.objects.filter(name=name).first()
        belts[name] = belt or industry_belt_save(
            actor=None, name=name, county=counties[county], name_en=name_en, products=products
        )
    parks: dict[str, Park] = {}
    for name, county in PARKS:
        park = Park.objects.filter(name=name).first()
        parks[name] = park or park_save(actor=None, name=name, county=counties[county])

    reviewer: User | None = User.objects.filter(username="city").first()
    existing = set(Enterprise.objects.values_list("uscc", flat=True))
    by_key: dict[str, Enterprise] = {}
    demo_rows = generate(count)
    for row in demo_rows:
        if row.uscc in existing:
            by_key[row.key] = Enterprise.objects.get(uscc=row.uscc)
            report.enterprises_existing += 1
            continue
        enterprise = enterprise_create(
            actor=None,
            status=row.status,
            uscc=row.uscc,
            customs_code=row.customs_code,
            name=row.name,
            county=counties[row.county],
            kind=row.kind,
            industry_belt=belts[row.belt] if row.belt else None,
            park=parks[row.park] if row.park else None,
            first_cbec_year=row.first_cbec_year,
            independent_site_url=row.independent_site_url,
            contact_name=row.contact_name,
            contact_phone=row.contact_phone,
        )
        by_key[row.key] = enterprise
        report.enterprises_created += 1

    for username, role, binding, display in USERS:
        if User.objects.filter(username=username).exists():
            continue
        # An address on the reserved example.com domain, so "忘记密码" can be tried in the demo
        # (the console e-mail backend prints the reset link on the server's console).
        kwargs: dict[str, object] = {"full_name": display, "email": f"{username}@example.com"}
        if role == "county_officer":
            kwargs["county"] = counties[binding]
        elif role == "partner":
            kwargs["partner_kind"] = binding
            kwargs["organisation"] = display
        elif role == "enterprise":
            county_code = binding.split(":", 1)[1]
            first = next(
                r for r in demo_rows if r.county == county_code and r.kind == "manufacturer"
            )
            kwargs["enterprise"] = by_key[first.key]
        user_create(actor=None, username=username, password=DEMO_PASSWORD, role=role, **kwargs)  # type: ignore[arg-type]
        report.users_created += 1

    reviewer = reviewer or User.objects.get(username="city")
    for row in demo_rows:
        for rtype, level, year in row.recognitions:
            enterprise = by_key[row.key]
            if Recognition.objects.filter(
                enterprise=enterprise, type=rtype, level=level, year=year
            ).exists():
                continue
            recognition_add(
                actor=reviewer,
                enterprise=enterprise,
                type=rtype,
                level=level,
                year=year,
                note="演示数据",
            )
            report.recognitions_created += 1

    # Registries and activity around the enterprises (each loader is idempotent on its own).
    from enterprises.place_demo import load_demo as load_places
    from events.demo import load_demo as load_events
    from warehouses.demo import load_demo as load_warehouses

    report.extras["places"] = load_places()
    report.extras["warehouses"] = load_warehouses()
    report.extras["events"] = load_events()

    from logistics.demo import load_demo as load_logistics

    report.extras["logistics events"] = load_logistics()

    # Capacity vouchers, after logistics (which binds the logistics partner to its company).
    from vouchers.demo import load_demo as load_vouchers

    report.extras["vouchers"] = load_vouchers()

    # Finance and insurance: the bank's and insurer's products, enterprise A's offered loan.
    from credit.demo import load_demo as load_credit

    report.extras["credit"] = load_credit()

    # Export desk: enterprise A's overseas costs, proceeds and one FX netting statement.
    from exportdesk.demo import load_demo as load_exportdesk

    report.extras["exportdesk"] = load_exportdesk()

    # Service platform mandates: enterprise A authorises 晶贸通 (mandates/, docs/mandates.md).
    from mandates.demo import load_demo as load_mandates

    report.extras["mandates"] = load_mandates()

    # Compliance desk: articles by the city and 连云港跨境电商协会, one answered question.
    from compliance.demo import load_demo as load_compliance

    report.extras["compliance"] = load_compliance()

    # The fund journey: an open round and an application at every stage, relative to today.
    from applications.models import Application

    before = Application.objects.count()
    report.stages = load_stages()
    report.extras["applications"] = Application.objects.count() - before

    for username, _role, _binding, display in USERS:
        user = User.objects.get(username=username)
        label = display
        if user.enterprise_id:
            label = f"{display}：{user.enterprise}"
        report.logins.append((username, user.get_role_display(), label))
    return report
