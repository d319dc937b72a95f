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
    """Return one session's 97750 minutes and each test's own minutes.

    Only direct test administration time counts, and billing and documented
    minutes must agree (CMS Pub. 100-02 Ch. 15 §220.3), so:

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
    return day_testing_minutes(((tests, window_start, window_end),))


def day_testing_minutes(
    sessions: Sequence[tuple[Sequence[TimedTest], datetime, datetime]],
) -> tuple[int, tuple[tuple[str, int], ...]]:
    """Return the 97750 minutes of a date of service: every session's tests pooled.

    Each session is (tests, window_start, window_end); each test is clipped to its
    own session's window, then the union of all clipped intervals is counted, so
    two sessions that overlap never bill the same minute twice (CMS Pub. 100-04
    Ch. 5 §20.2 counts a day's minutes, not a session's).
    """
    clipped = []
    own_minutes = []
    for tests, window_start, window_end in sessions:
        for test in tests:
            start = max(test.started_at, window_start)
            end = min(test.ended_at, window_end)
            if end > start:
                clipped.append((start, end))
                own_minutes.append((test.name, _whole_minutes(end - start)))
            else:
                own_minutes.append((test.name, 0))
    if not clipped:
        return 0, tuple(own_minutes)
    return _whole_minutes(_union_duration(clipped)), tuple(own_minutes)


def _whole_minutes(duration: timedelta) -> int:
    return (duration.days * 86400 + duration.seconds) // 60


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
