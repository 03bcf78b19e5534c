"""Test helpers shared by every app: a fixed clock.

Tests never depend on today's date (the suite must pass on any day, and CI runs it on other
days with ``DDT_TEST_TODAY``): a test that needs "today" to be inside an application round, a
policy year or a finished month moves the clock to a fixed moment with time-machine::

    pytestmark = pytest.mark.time_machine(at(2026, 6, 15))

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


# A working Monday in the middle of the policy (2024-11-20 to 2027-12-31): the 2026 round of the
# tests is open, the 2025 year is finished, the holiday table covers the weeks around it.
MID_POLICY = at(2026, 6, 15)
# The day the monthly-report and dashboard tests were written against: Jan–Nov 2026 finished.
LATE_2026 = at(2026, 12, 7)
