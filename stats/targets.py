"""The 2027 targets (``stats/data/targets.yaml``) and their progress, trend and forecast.

A target's *trend* is its figure for every year from the policy's first year (2024) to the year
of the as-of date. The *forecast* is a straight line (least squares) through that trend, read at
the deadline's year; for a flow target (``per_year``) the current, unfinished year is first scaled
to a full year by the share of the year elapsed. Status:

* ``achieved`` — the current figure already meets the value;
* ``on_track`` — the forecast at the deadline meets the value;
* ``at_risk`` — otherwise.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import yaml
from django.db import models
from django.utils.translation import get_language, gettext_lazy

from core.status import tones
from stats import sources

if TYPE_CHECKING:
    from codes.models import County

DATA = Path(__file__).resolve().parent / "data" / "targets.yaml"
FIRST_YEAR = 2024


@tones(achieved="ok", on_track="ok", at_risk="err")
class TargetStatus(models.TextChoices):
    ACHIEVED = "achieved", gettext_lazy("已完成")
    ON_TRACK = "on_track", gettext_lazy("进度正常")
    AT_RISK = "at_risk", gettext_lazy("存在风险")


@dataclass(frozen=True)
class Target:
    id: str
    name: dict[str, str]
    value: Decimal
    comparison: str
    unit: dict[str, str]
    kind: str
    deadline: dt.date
    source: dict[str, str]
    definition: dict[str, str]
    compute: str
    per_county: dict[str, int] | None = None

    def text(self, attr: str) -> str:
        """The zh or en text of ``name``/``unit``/``definition`` for the active language."""
        values: dict[str, str] = getattr(self, attr)
        lang = (get_language() or "zh-hans")[:2]
        return values.get("en" if lang == "en" else "zh", values["zh"])

    @property
    def is_per_year(self) -> bool:
        return self.kind == "per_year"

    def met(self, figure: Decimal) -> bool:
        return figure > self.value if self.comparison == "more_than" else figure >= self.value

    def measure(
        self, *, year: int, county: County | None = None, until: dt.date | None = None
    ) -> sources.Measure:
        """The figure of ``year``; with ``until`` (a day of that year) the flow measures stop
        there (``sources.AS_OF_DAY``); the others are kept by year and ignore it."""
        compute = sources.COMPUTATIONS[self.compute]
        if until is not None and self.compute in sources.AS_OF_DAY:
            return compute(year=year, county=county, until=until)
        return compute(year=year, county=county)

    def measure_years(
        self, *, years: list[int], county: County | None = None
    ) -> dict[int, sources.Measure]:
        """The measure of every year in ``years``: one grouped query where a series exists."""
        if not years:
            return {}
        series = sources.SERIES.get(self.compute)
        if series is not None:
            return series(years=years, county=county)
        return {y: self.measure(year=y, county=county) for y in years}


@dataclass
class Progress:
    target: Target
    year: int
    current: Decimal
    enterprises: int
    percent: int
    trend: list[tuple[int, Decimal]]
    forecast: Decimal
    status: str
    county_value: Decimal | None = None
    notes: list[str] = field(default_factory=list)
    status_choices: ClassVar[type[TargetStatus]] = TargetStatus  # for {% status_badge %}

    @property
    def status_label(self) -> str:
        return str(TargetStatus(self.status).label)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.target.id,
            "name": self.target.text("name"),
            "unit": self.target.text("unit"),
            "value": str(self.target.value),
            "target_value": str(self.county_value or self.target.value),
            "kind": self.target.kind,
            "year": self.year,
            "current": str(self.current),
            "percent": self.percent,
            "forecast": str(self.forecast),
            "status": self.status,
            "status_label": self.status_label,
            "trend": [[y, str(v)] for y, v in self.trend],
            "deadline_year": self.target.deadline.year,
            "definition": self.target.text("definition"),
            "source": self.target.source,
        }


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


@cache
def load_targets(path: str = str(DATA)) -> tuple[Target, ...]:
    """Parse the targets file; every ``compute`` must name a function of ``stats.sources``."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out = []
    for item in raw["targets"]:
        if item["compute"] not in sources.COMPUTATIONS:
            raise ValueError(f"target {item['id']}: unknown computation {item['compute']!r}")
        out.append(
            Target(
                id=item["id"],
                name=item["name"],
                value=Decimal(str(item["value"])),
                comparison=item.get("comparison", "at_least"),
                unit=item["unit"],
                kind=item["kind"],
                deadline=_date(item["deadline"]),
                source={k: str(v) for k, v in item["source"].items()},
                definition=item["definition"],
                compute=item["compute"],
                per_county=item.get("per_county"),
            )
        )
    return tuple(out)


def target_get(target_id: str) -> Target:
    for target in load_targets():
        if target.id == target_id:
            return target
    raise KeyError(target_id)


def year_fraction(as_of: dt.date) -> Decimal:
    """Share of ``as_of``'s year elapsed at the end of that day (0 < f <= 1)."""
    start = dt.date(as_of.year, 1, 1)
    days = (dt.date(as_of.year + 1, 1, 1) - start).days
    return Decimal((as_of - start).days + 1) / Decimal(days)


def linear_forecast(points: list[tuple[int, Decimal]], at_year: int) -> Decimal:
    """The least-squares straight line through ``points`` read at ``at_year`` (never negative).

    One point: a flat line through it. No point: zero.
    """
    if not points:
        return Decimal(0)
    if len(points) == 1:
        return max(points[0][1], Decimal(0))
    n = Decimal(len(points))
    xs = [Decimal(x) for x, _ in points]
    ys = [y for _, y in points]
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx if sxx else Decimal(0)
    value = mean_y + slope * (Decimal(at_year) - mean_x)
    return max(value, Decimal(0))


def _round(value: Decimal, target: Target) -> Decimal:
    q = Decimal("0.01") if target.unit.get("en") == "CNY" else Decimal(1)
    return value.quantize(q, rounding=ROUND_HALF_UP)


def progress(target: Target, *, as_of: dt.date, county: County | None = None) -> Progress:
    """Figure, trend, forecast and status of ``target`` on ``as_of`` (city or one county)."""
    year = min(as_of.year, target.deadline.year)
    trend: list[tuple[int, Decimal]] = []
    enterprises = 0
    measures = target.measure_years(years=list(range(FIRST_YEAR, year + 1)), county=county)
    if as_of.year == year and as_of < dt.date(year, 12, 31) and year in measures:
        # The running year counts only what happened by the as-of day (a November report
        # stops at 30 November, even when it is built in December).
        measures[year] = target.measure(year=year, county=county, until=as_of)
    for y, m in sorted(measures.items()):
        trend.append((y, m.value))
        enterprises = m.enterprises
    current = trend[-1][1] if trend else Decimal(0)
    goal = target.value
    county_goal: Decimal | None = None
    if county is not None:
        # A county's share: the per-county minimum where the seed gives one, else value / counties.
        county_goal = _county_goal(target)
        goal = county_goal
    points = list(trend)
    if target.is_per_year and points and as_of.year == points[-1][0] and as_of.year <= year:
        fraction = year_fraction(as_of)
        points[-1] = (points[-1][0], points[-1][1] / fraction)
    forecast = _round(linear_forecast(points, target.deadline.year), target)
    already = current >= goal if target.comparison == "at_least" else current > goal
    if already:
        status = TargetStatus.ACHIEVED
    elif forecast >= goal if target.comparison == "at_least" else forecast > goal:
        status = TargetStatus.ON_TRACK
    else:
        status = TargetStatus.AT_RISK
    percent = int(min(current / goal * 100, Decimal(999))) if goal else 0
    return Progress(
        target=target,
        year=year,
        current=current,
        enterprises=enterprises,
        percent=percent,
        trend=trend,
        forecast=forecast,
        status=status,
        county_value=county_goal,
    )


def _county_goal(target: Target) -> Decimal:
    if target.per_county:
        return Decimal(target.per_county["min"])
    from codes.models import County

    n = County.objects.count() or 1
    return (target.value / n).quantize(Decimal(1), rounding=ROUND_HALF_UP) or Decimal(1)


def all_progress(*, as_of: dt.date, county: County | None = None) -> list[Progress]:
    return [progress(t, as_of=as_of, county=county) for t in load_targets()]
