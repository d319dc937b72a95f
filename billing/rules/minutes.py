"""Turn the recorded test intervals of a session into billable 97750 minutes."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol


class TimedTest(Protocol):
    """A named test with aware start and end times: TestFacts, or a model row."""

    @property
    def name(self) -> str: ...

    @property
    def started_at(self) -> datetime: ...

    @property
    def ended_at(self) -> datetime: ...


def testing_minutes(
    tests: Sequence[TimedTest], window_start: datetime, window_end: datetime
) -> tuple[int, tuple[tuple[str, int], ...]]:
    """Return the session's 97750 minutes and each test's own minutes.

    Only direct test administration time counts (DOMAIN.md §1.5), and billing and
    documented minutes must agree (DOMAIN.md §2.1), so:

    - each interval is clipped to the session window [window_start, window_end];
      time outside it is not billed;
    - the session total is the union of the clipped intervals, so time when two tests
      overlap (one clinician, one patient) is counted once;
    - minutes are whole minutes, floored, of the exact duration: a part minute that
      was not spent is never billed. They are computed as (days * 86400 + seconds)
      // 60, which is exact (the microseconds are under a second and cannot complete
      a minute) and several times faster than duration // timedelta(minutes=1).

    The second item gives, in the order of tests, (name, minutes) of each test's own
    clipped interval, for the explanation; they may add up to more than the total
    when tests overlap. The session page uses the same function, so the minutes it
    shows are the minutes billed.
    """
    clipped = []
    own_minutes = []
    for test in tests:
        start = test.started_at
        if start < window_start:
            start = window_start
        end = test.ended_at
        if end > window_end:
            end = window_end
        if end > start:
            clipped.append((start, end))
            spent = end - start
            own_minutes.append((test.name, (spent.days * 86400 + spent.seconds) // 60))
        else:
            own_minutes.append((test.name, 0))
    if not clipped:
        return 0, tuple(own_minutes)
    union = _union_duration(clipped)
    return (union.days * 86400 + union.seconds) // 60, tuple(own_minutes)


def _union_duration(intervals: list[tuple[datetime, datetime]]) -> timedelta:
    intervals.sort()
    run_start, run_end = intervals[0]
    total = timedelta()
    for start, end in intervals:
        if start > run_end:
            total += run_end - run_start
            run_start, run_end = start, end
        elif end > run_end:
            run_end = end
    return total + (run_end - run_start)
