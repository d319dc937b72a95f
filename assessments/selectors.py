"""Reads of session data shaped for pages, the PDF note and the billing facts."""

from dataclasses import dataclass

from billing.rules.minutes import testing_minutes


@dataclass(frozen=True)
class TestRow:
    """A performed test as the session page shows it."""

    __test__ = False

    test: object
    minutes: int
    results: dict


@dataclass(frozen=True)
class SessionSummary:
    rows: tuple[TestRow, ...]
    total_timed_minutes: int
    total_minutes: int


def session_summary(*, session):
    """Return per-test minutes and the total timed minutes, counted as billing counts them.

    The total is the union of the tests' intervals within time in–time out,
    so it always matches the minutes the billing decision uses.
    """
    tests = list(session.tests.all())
    total, own = testing_minutes(tests, session.started_at, session.ended_at)
    rows = tuple(
        TestRow(test=test, minutes=minutes, results=test.results())
        for test, (_name, minutes) in zip(tests, own, strict=True)
    )
    return SessionSummary(
        rows=rows, total_timed_minutes=total, total_minutes=session.total_minutes
    )
