"""Build valid billing facts with readable defaults; tests override what they check."""

import re
from dataclasses import fields
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from billing.rules import (
    DayFacts,
    Decision,
    OtherProcedure,
    PlanFacts,
    TestFacts,
    VisitFacts,
)
from billing.rules.codes import TIMED_CODES, UNTIMED_CODES

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


def plan_for(day: date, discipline: str = "PT") -> PlanFacts:
    """Return a plan of care started four weeks before day, certified, covering it."""
    starts_on = day - timedelta(days=28)
    return PlanFacts(
        discipline=discipline,
        starts_on=starts_on,
        certification_from=starts_on,
        certification_through=starts_on + timedelta(days=89),
        certified_on=starts_on + timedelta(days=7),
    )


_VISIT_FIELDS = frozenset(field.name for field in fields(VisitFacts))
# Every known code has a rate of 0.00 unless a test gives one, so a test about
# other codes' units is not also about a missing rate.
_NO_RATES = {code: Decimal("0.00") for code in TIMED_CODES | UNTIMED_CODES}


def make_visit(
    tests: tuple[TestFacts, ...] | None = None,
    other: dict[str, int] | None = None,
    **overrides: Any,
) -> VisitFacts:
    """Return a billable one-hour PT visit; other maps code to minutes."""
    values: dict[str, Any] = {
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
    }
    values.update(overrides)
    day = values["date_of_service"]
    if "plan" not in values and type(day) is date:
        values["plan"] = plan_for(day, values["discipline"])
    return VisitFacts(**values)


def make_day(
    day_visits: tuple[VisitFacts, ...],
    rate: Decimal = Decimal("33.73"),
    year_to_date_charges: Decimal = Decimal("0.00"),
    rates: dict[str, Decimal] | None = None,
    fees: dict[str, Decimal] | None = None,
    **overrides: Any,
) -> DayFacts:
    """Return a commercial day of the visits; rate is 97750's expected payment."""
    values: dict[str, Any] = {
        "date_of_service": day_visits[0].date_of_service,
        "discipline": day_visits[0].discipline,
        "visits": day_visits,
        "payer_kind": "commercial",
        "method": "cms_8_minute",
        "rates": tuple((_NO_RATES | {"97750": rate} | (rates or {})).items()),
        "fees": tuple((fees or {}).items()),
        "kx_prior_amount": year_to_date_charges,
    }
    values.update(overrides)
    return DayFacts(**values)


def make_session(
    tests: tuple[TestFacts, ...] | None = None,
    other: dict[str, int] | None = None,
    **overrides: Any,
) -> DayFacts:
    """Return a date of service of one billable one-hour commercial PT visit.

    Overrides naming a visit field go to the visit, the rest to the day.
    """
    visit = make_visit(
        tests, other, **{k: v for k, v in overrides.items() if k in _VISIT_FIELDS}
    )
    return make_day(
        (visit,),
        **{
            k: v
            for k, v in overrides.items()
            if k not in _VISIT_FIELDS or k in ("date_of_service", "discipline")
        },
    )


def codes_of(decision: Decision) -> list[str]:
    """Return the finding codes of a decision, in order."""
    return [finding.code for finding in decision.findings]


def exact(message: str) -> str:
    """Return a pytest.raises match pattern for message and nothing more.

    match uses re.search, so a bare or $-ended pattern would also pass a message
    with extra text before it.
    """
    return rf"\A{re.escape(message)}\Z"
