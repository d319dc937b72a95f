"""Build valid billing facts with readable defaults; tests override what they check."""

import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from billing.rules import Decision, OtherProcedure, SessionFacts, TestFacts

CLINIC_TZ = timezone(timedelta(hours=-5))
DAY = date(2026, 3, 2)
START = datetime(2026, 3, 2, 9, 0, tzinfo=CLINIC_TZ)


def at(minute: int, second: int = 0) -> datetime:
    """Return the time minute:second after the default session start."""
    return START + timedelta(minutes=minute, seconds=second)


def make_test(
    start: int = 0, end: int = 30, name: str = "Timed Up and Go", **overrides: Any
) -> TestFacts:
    """Return a PT-performed test with a result, from minute start to minute end."""
    fields: dict[str, Any] = {
        "name": name,
        "catalog_code": "tug",
        "performer_role": "pt",
        "started_at": at(start),
        "ended_at": at(end),
        "has_result": True,
        "routine_measure": False,
    }
    fields.update(overrides)
    return TestFacts(**fields)


def make_session(
    tests: tuple[TestFacts, ...] | None = None,
    other: dict[str, int] | None = None,
    **overrides: Any,
) -> SessionFacts:
    """Return a billable one-hour commercial PT session; other maps code to minutes."""
    fields: dict[str, Any] = {
        "date_of_service": DAY,
        "session_start": START,
        "session_end": at(60),
        "discipline": "PT",
        "tests": (make_test(),) if tests is None else tests,
        "other_procedures": tuple(
            OtherProcedure(code, minutes) for code, minutes in (other or {}).items()
        ),
        "has_interpretation": True,
        "signer_has_credentials": True,
        "payer_kind": "commercial",
        "method": "cms_8_minute",
        "rate": Decimal("33.73"),
        "year_to_date_charges": Decimal("0.00"),
    }
    fields.update(overrides)
    return SessionFacts(**fields)


def codes_of(decision: Decision) -> list[str]:
    """Return the finding codes of a decision, in order."""
    return [finding.code for finding in decision.findings]


def exact(message: str) -> str:
    """Return a pytest.raises match pattern for message and nothing more.

    match uses re.search, so a bare or $-ended pattern would also pass a message
    with extra text before it.
    """
    return rf"\A{re.escape(message)}\Z"
