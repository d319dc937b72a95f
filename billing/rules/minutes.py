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
      was not spent is never billed.

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
            own_minutes.append((test.name, _whole_minutes(spent)))
        else:
            own_minutes.append((test.name, 0))
    return _whole_minutes(_union_duration(clipped)), tuple(own_minutes)


def _union_duration(intervals: list[tuple[datetime, datetime]]) -> timedelta:
    intervals.sort()
    total = timedelta()
    run_start = run_end = None
    for start, end in intervals:
        if run_end is None or start > run_end:
            if run_end is not None:
                total += run_end - run_start
            run_start, run_end = start, end
        elif end > run_end:
            run_end = end
    if run_end is not None:
        total += run_end - run_start
    return total


def _whole_minutes(duration: timedelta) -> int:
    # Floor of a non-negative duration in minutes: the microseconds are under a
    # second and cannot complete a minute. Several times faster than
    # duration // timedelta(minutes=1), which goes through microseconds.
    return (duration.days * 86400 + duration.seconds) // 60
