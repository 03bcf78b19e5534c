"""Test helpers shared by every app: a fixed clock.

Tests never depend on today's date (the suite must pass on any day, and CI runs it on other
days with ``DDT_TEST_TODAY``): a test that needs "today" to be inside an application round, a
policy year or a finished month moves the clock to a fixed moment with time-machine::

    pytestmark = pytest.mark.time_machine(LATE_2026)

or, for every test of a package, an autouse fixture calling ``time_machine.move_to(...)``.
The clock keeps ticking from there, so durations and timeouts still behave.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment in Shanghai time (the platform's display time zone)."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# A working Monday inside the policy (2024-11-20 to 2027-12-31), the day the date-dependent tests
# were written against: the tests' 2026 round is open around it, Jan–Nov 2026 are finished
# months, the payments and events the tests date in 2026 lie before it, 2027 lies after it.
LATE_2026 = at(2026, 12, 7)
