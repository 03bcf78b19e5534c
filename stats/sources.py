"""The one adapter between statistics and the data of the other apps.

Every 2027 target is measured by one small function here, named in ``stats/data/targets.yaml``
(``compute``). Each returns a :class:`Measure`: the figure and the number of distinct enterprises
it was built from (the open-data suppression rule needs the latter for every cell).

All functions take ``year`` and an optional ``county`` (a ``codes.County`` or ``None`` for the
whole city). Pieces that other apps build (events selectors) are imported lazily and replaced by
an equivalent direct query when missing, so statistics never break while they land.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear

from enterprises import selectors as registry

if TYPE_CHECKING:
    from codes.models import County

POLICY_FIRST_YEAR = 2024  # the policy started on 2024-11-20; the registry keeps years only


@dataclass(frozen=True)
class Measure:
    """A figure and the number of distinct enterprises it was built from."""

    value: Decimal
    enterprises: int


def _measure(value: Any, enterprises: Any) -> Measure:
    return Measure(Decimal(value or 0), int(enterprises or 0))


def _day_after(day: dt.date) -> dt.datetime:
    """Midnight (Shanghai time) at the end of ``day``: "on or before ``day``" is "< this"."""
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))


def _year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def _enterprises(county: County | None) -> QuerySet[Any]:
    return registry.registry_qs(county=county)


def _distinct(qs: QuerySet[Any], field: str) -> int:
    return int(qs.exclude(**{f"{field}__isnull": True}).values(field).distinct().count())


# --- registries ---------------------------------------------------------------------------------


def industry_belts(*, year: int, county: County | None = None) -> Measure:
    """Industry belts recognised by the bureau with ``recognised_year <= year`` (in ``county``).

    Enterprises: distinct member enterprises and lead enterprises of those belts.
    """
    belts = registry.recognised_belts_qs(year=year, county=county)
    ids = list(belts.values_list("pk", flat=True))
    members = registry.belt_members_qs(ids)
    return _measure(len(ids), _distinct(members, "pk"))


def parks(*, year: int, county: County | None = None) -> Measure:
    """Parks recognised by the bureau with ``recognised_year <= year`` (in ``county``).

    Enterprises: distinct member enterprises and operators of those parks.
    """
    qs = registry.recognised_parks_qs(year=year, county=county)
    ids = list(qs.values_list("pk", flat=True))
    members = registry.park_members_qs(ids)
    return _measure(len(ids), _distinct(members, "pk"))


def _recognised(kind: str, year: int, county: County | None) -> Measure:
    qs = registry.recognised_enterprises_qs(kind=kind, year=year, county=county)
    n = _distinct(qs, "pk")
    return _measure(n, n)


def benchmark_enterprises(*, year: int, county: County | None = None) -> Measure:
    """Distinct non-deregistered enterprises with a ``benchmark`` recognition, year <= ``year``."""
    return _recognised(registry.RecognitionType.BENCHMARK, year, county)


def export_brands(*, year: int, county: County | None = None) -> Measure:
    """Distinct non-deregistered enterprises with a ``brand`` recognition (any level), <= year."""
    return _recognised(registry.RecognitionType.BRAND, year, county)


def overseas_warehouses(*, year: int, county: County | None = None) -> Measure:
    """Warehouses with status operating, opened on or before 31 Dec of ``year`` (or date unknown).

    County: the county of the operating enterprise. Enterprises: distinct operators.
    """
    from warehouses.models import OverseasWarehouse, WarehouseStatus

    qs = OverseasWarehouse.objects.filter(status=WarehouseStatus.OPERATING).filter(
        Q(opened_on__isnull=True) | Q(opened_on__lte=_year_end(year))
    )
    if county is not None:
        qs = qs.filter(operator__county=county)
    return _measure(qs.count(), _distinct(qs, "operator_id"))


def new_cbec_enterprises(*, year: int, county: County | None = None) -> Measure:
    """Active enterprises with ``2024 <= first_cbec_year <= year`` (new since the policy start)."""
    qs = registry.new_cbec_qs(first_year=POLICY_FIRST_YEAR, last_year=year, county=county)
    n = qs.count()
    return _measure(n, n)


def enterprises_in_parks(*, year: int, county: County | None = None) -> Measure:
    """Active enterprises in a recognised park, registered on or before 31 Dec of ``year``."""
    qs = registry.in_recognised_parks_qs(until=_year_end(year), county=county)
    n = qs.count()
    return _measure(n, n)


def new_platform_enterprises(
    *, year: int, county: County | None = None, until: dt.date | None = None
) -> Measure:
    """Enterprises registered on the platform in ``year`` (Asia/Shanghai), status not pending;
    registered on or before ``until`` when given."""
    qs = registry.registered_qs(county=county).filter(created_at__year=year)
    if until is not None:
        qs = qs.filter(created_at__lt=_day_after(until))
    n = qs.count()
    return _measure(n, n)


# --- customs ledger ----------------------------------------------------------------------------


def trade_aggregates(*, year: int, county: County | None = None) -> QuerySet[Any]:
    """The customs ledger's exact monthly pre-aggregate rows of ``year`` (released lines only)."""
    from customs.models import LedgerAggregate

    qs = LedgerAggregate.objects.filter(year=year)
    return qs.filter(county=county) if county is not None else qs


def fen_to_yuan(fen: int | None) -> Decimal:
    return (Decimal(int(fen or 0)) / 100).quantize(Decimal("0.01"))


def cbec_trade(*, year: int, county: County | None = None, until: dt.date | None = None) -> Measure:
    """Released customs CBEC lines of ``year``, imports plus exports, in CNY (from the aggregate).

    Enterprises: distinct e-commerce enterprise customs codes (mapped or not). ``until``: only
    the months up to its month (the ledger is kept by month; a report as of a month's end).
    """
    qs = trade_aggregates(year=year, county=county)
    if until is not None:
        qs = qs.filter(month__lte=until.year * 100 + until.month)
    row = qs.aggregate(fen=Sum("amount_cny_fen"), n=Count("ebc_code", distinct=True))
    return Measure(fen_to_yuan(row["fen"]), int(row["n"] or 0))


def enterprise_trade(*, enterprise_id: int, year: int) -> Decimal:
    """One enterprise's customs CBEC trade of ``year`` (``customs.selectors.cbec_trade`` if any)."""
    try:
        from customs.selectors import cbec_trade as selector  # type: ignore[attr-defined]
    except ImportError:
        from customs.stats import cbec_trade as selector
    return Decimal(selector(enterprise_id, year))


# --- events ------------------------------------------------------------------------------------


def _events_selector(name: str) -> Callable[..., Any] | None:
    try:
        from events import selectors
    except ImportError:
        return None
    return getattr(selectors, name, None)


def training_person_times(
    *, year: int, county: County | None = None, until: dt.date | None = None
) -> Measure:
    """Attended registrations of non-cancelled training events (kinds ``TRAINING_KINDS``:
    training and competitions) starting in ``year``.

    County: events held in the county. Enterprises: distinct enterprises of the attendees.
    """
    from events import models as events_models
    from events.models import EventStatus, Registration

    kinds = getattr(events_models, "TRAINING_KINDS", {events_models.EventKind.TRAINING})
    qs = Registration.objects.filter(attended=True, event__kind__in=kinds)
    qs = qs.exclude(event__status=EventStatus.CANCELLED)
    qs = qs.filter(event__starts_at__year=year)
    if county is not None:
        qs = qs.filter(event__county=county)
    cut = _day_after(until) if until is not None else None
    if cut is not None:
        qs = qs.filter(event__starts_at__lt=cut)
    selector = _events_selector("training_person_times")
    value = selector(year, county=county, until=cut) if selector is not None else qs.count()
    return _measure(value, _distinct(qs, "enterprise_id"))


def matchmaking_events(
    *, year: int, county: County | None = None, until: dt.date | None = None
) -> Measure:
    """Non-cancelled matchmaking meetings, salons and summits that started in ``year``.

    County: events held in the county. Enterprises: distinct enterprises that attended them.
    """
    from django.utils import timezone

    from events.models import MATCHMAKING_KINDS, Event, EventStatus, Registration

    cut = _day_after(until) if until is not None else timezone.now()
    events = Event.objects.filter(kind__in=MATCHMAKING_KINDS, starts_at__year=year)
    events = events.exclude(status=EventStatus.CANCELLED).filter(starts_at__lte=cut)
    if county is not None:
        events = events.filter(county=county)
    selector = _events_selector("matchmaking_event_count")
    value = selector(year, county=county, until=cut) if selector is not None else events.count()
    attendees = Registration.objects.filter(attended=True, event__in=events)
    return _measure(value, _distinct(attendees, "enterprise_id"))


# --- funds -------------------------------------------------------------------------------------


def applications(*, year: int, county: County | None = None) -> QuerySet[Any]:
    """Applications of the rounds of ``year`` (in ``county``)."""
    from applications.models import Application

    qs = Application.objects.filter(round__year=year)
    return qs.filter(county=county) if county is not None else qs


def round_budget(*, year: int) -> Decimal:
    """Total budget of the rounds of ``year``."""
    from applications.models import Round

    total = Round.objects.filter(year=year).aggregate(s=Sum("budget_total"))["s"]
    return Decimal(total or 0)


# --- series: every year of a trend in one grouped query ----------------------------------------
#
# A dashboard needs each target for every year 2024 … now. Where a target has a series function
# below, ``stats.targets`` reads all those years with one grouped query instead of one query per
# year. Each series gives, for every requested year, exactly the ``Measure`` of the per-year
# function above (``stats/tests/test_sources.py`` checks them against each other).


def _cumulative(firsts: dict[int, int], years: list[int]) -> dict[int, Measure]:
    """``firsts``: count of items by the year they start to count; cumulated up to each year."""
    out = {}
    for y in years:
        n = sum(count for first, count in firsts.items() if first <= y)
        out[y] = _measure(n, n)
    return out


def _recognised_series(kind: str, years: list[int], county: County | None) -> dict[int, Measure]:
    qs = registry.recognitions_qs(kind=kind, until_year=max(years), county=county)
    firsts: dict[int, int] = {}
    for first in (
        qs.values("enterprise_id").annotate(first=Min("year")).values_list("first", flat=True)
    ):
        firsts[first] = firsts.get(first, 0) + 1
    return _cumulative(firsts, years)


def benchmark_enterprises_series(
    *, years: list[int], county: County | None = None
) -> dict[int, Measure]:
    return _recognised_series(registry.RecognitionType.BENCHMARK, years, county)


def export_brands_series(*, years: list[int], county: County | None = None) -> dict[int, Measure]:
    return _recognised_series(registry.RecognitionType.BRAND, years, county)


def _count_by(qs: QuerySet[Any], expression: Any) -> dict[int, int]:
    rows = qs.annotate(k=expression).values("k").annotate(n=Count("pk")).order_by()
    return {int(r["k"]): int(r["n"]) for r in rows if r["k"] is not None}


def new_cbec_enterprises_series(
    *, years: list[int], county: County | None = None
) -> dict[int, Measure]:
    qs = registry.new_cbec_qs(first_year=POLICY_FIRST_YEAR, last_year=max(years), county=county)
    return _cumulative(_count_by(qs, F("first_cbec_year")), years)


def enterprises_in_parks_series(
    *, years: list[int], county: County | None = None
) -> dict[int, Measure]:
    qs = registry.in_recognised_parks_qs(until=_year_end(max(years)), county=county)
    # The local (current time zone) year of created_at, as ``created_at__date`` compares it.
    return _cumulative(_count_by(qs, ExtractYear("created_at")), years)


def new_platform_enterprises_series(
    *, years: list[int], county: County | None = None
) -> dict[int, Measure]:
    qs = registry.registered_qs(county=county).filter(
        created_at__year__gte=min(years), created_at__year__lte=max(years)
    )
    by_year = _count_by(qs, ExtractYear("created_at"))
    return {y: _measure(by_year.get(y, 0), by_year.get(y, 0)) for y in years}


def cbec_trade_series(*, years: list[int], county: County | None = None) -> dict[int, Measure]:
    from customs.models import LedgerAggregate

    qs = LedgerAggregate.objects.filter(year__in=years)
    if county is not None:
        qs = qs.filter(county=county)
    # Summed per year and code first (a hash aggregate), then codes counted here: faster than
    # COUNT(DISTINCT), which sorts, and the same figures.
    fen: dict[int, int] = {}
    codes: dict[int, int] = {}
    for y, amount in (
        qs.values_list("year", "ebc_code").annotate(f=Sum("amount_cny_fen")).order_by()
    ).values_list("year", "f"):
        fen[y] = fen.get(y, 0) + int(amount or 0)
        codes[y] = codes.get(y, 0) + 1
    return {y: Measure(fen_to_yuan(fen.get(y)), codes.get(y, 0)) for y in years}


SERIES: dict[str, Callable[..., dict[int, Measure]]] = {
    "benchmark_enterprises": benchmark_enterprises_series,
    "export_brands": export_brands_series,
    "cbec_trade": cbec_trade_series,
    "new_cbec_enterprises": new_cbec_enterprises_series,
    "enterprises_in_parks": enterprises_in_parks_series,
    "new_platform_enterprises": new_platform_enterprises_series,
}


# The flow measures that can stop at a day inside their year (``until``), for figures "as of" a
# date before the year's end (the monthly report of November must not count December). The
# others are kept by year (recognitions, first CBEC year) or are states at the year's end.
AS_OF_DAY = frozenset(
    {"cbec_trade", "new_platform_enterprises", "training_person_times", "matchmaking_events"}
)

COMPUTATIONS: dict[str, Callable[..., Measure]] = {
    "industry_belts": industry_belts,
    "parks": parks,
    "benchmark_enterprises": benchmark_enterprises,
    "overseas_warehouses": overseas_warehouses,
    "export_brands": export_brands,
    "cbec_trade": cbec_trade,
    "new_cbec_enterprises": new_cbec_enterprises,
    "enterprises_in_parks": enterprises_in_parks,
    "new_platform_enterprises": new_platform_enterprises,
    "training_person_times": training_person_times,
    "matchmaking_events": matchmaking_events,
}
