"""Working days in mainland China, from the Holiday table (法定节假日与调休).

A day is a working day when

* it is Monday–Friday and no ``holiday`` row names it, or
* it is Saturday/Sunday and a ``workday`` row (调休上班) names it.

A year without any Holiday row is **refused** (``ValueError``): a missing or unloaded table must
not silently turn a 公示 period of "5 working days" into five calendar weekdays.

Conventions (used for notice periods, review deadlines …):

* ``add_working_days(d, n)`` with ``n >= 1`` is the n-th working day **after** ``d`` (``d`` itself
  never counts, whether or not it is a working day). ``n == 0`` returns ``d`` when it is a working
  day, otherwise the next working day. ``n < 0`` is the |n|-th working day **before** ``d``.
* ``working_days_between(a, b)`` counts working days ``x`` with ``a < x <= b`` (the start day
  excluded, the end day included); for ``b < a`` it is ``-working_days_between(b, a)``.
  Hence ``working_days_between(d, add_working_days(d, n)) == n`` for every ``n >= 1``, and for
  ``n < 0`` when ``d`` is itself a working day.

The table is cached per process. The cache is rebuilt when the table's fingerprint (row count,
highest id, number of make-up workdays) changes — which catches rows added, deleted or switched
between holiday and workday by another process — and cleared directly by the loader and services.
Dates of existing rows cannot be changed in the admin (delete and add instead), so a moved date
changes the fingerprint too.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _

from codes.models import DayKind, Holiday

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    years: frozenset[int]

    def check_year(self, day: dt.date) -> None:
        if day.year not in self.years:
            loaded = ", ".join(str(y) for y in sorted(self.years)) or _("无")
            raise ValueError(
                _(
                    "%(year)d 年的节假日安排尚未载入（已载入：%(loaded)s），无法计算工作日。"
                    "请管理员先维护节假日表。"
                )
                % {"year": day.year, "loaded": loaded}
            )

    def is_working_day(self, day: dt.date) -> bool:
        self.check_year(day)
        if day in self.holidays:
            return False
        if day in self.workdays:
            return True
        return day.weekday() < 5


_lock = threading.Lock()
_cached: tuple[tuple[int, int, int], Calendar] | None = None


def clear_cache() -> None:
    global _cached
    with _lock:
        _cached = None


def _fingerprint() -> tuple[int, int, int]:
    agg = Holiday.objects.aggregate(
        n=Count("id"), last=Max("id"), w=Count("id", filter=Q(kind=DayKind.WORKDAY))
    )
    return (agg["n"] or 0, agg["last"] or 0, agg["w"] or 0)


def calendar() -> Calendar:
    """The current calendar (one cheap aggregate query; the table itself only when it changed)."""
    global _cached
    fp = _fingerprint()
    with _lock:
        if _cached is not None and _cached[0] == fp:
            return _cached[1]
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for day, kind in Holiday.objects.values_list("date", "kind"):
        (workdays if kind == DayKind.WORKDAY else holidays).add(day)
    cal = Calendar(
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        years=frozenset(d.year for d in holidays | workdays),
    )
    with _lock:
        _cached = (fp, cal)
    return cal


def is_working_day(d: dt.date) -> bool:
    return calendar().is_working_day(d)


def add_working_days(d: dt.date, n: int) -> dt.date:
    """The n-th working day after ``d`` (before, for negative n); see the module docstring."""
    cal = calendar()
    if n == 0:
        day = d
        while not cal.is_working_day(day):
            day += ONE_DAY
        return day
    step = ONE_DAY if n > 0 else -ONE_DAY
    remaining = abs(n)
    day = d
    while remaining:
        day += step
        if cal.is_working_day(day):
            remaining -= 1
    return day


def working_days_between(a: dt.date, b: dt.date) -> int:
    """Working days in ``(a, b]``; negative when ``b`` is before ``a``."""
    if b < a:
        return -working_days_between(b, a)
    cal = calendar()
    count = 0
    day = a
    while day < b:
        day += ONE_DAY
        if cal.is_working_day(day):
            count += 1
    return count
