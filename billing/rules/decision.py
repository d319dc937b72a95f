"""Decide what a patient's date of service bills under one plan-of-care discipline."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from billing.rules import findings
from billing.rules.arithmetic import describe_units
from billing.rules.codes import (
    EVALUATION_CODES,
    EXERCISE_CODES,
    PHYSICAL_PERFORMANCE_TEST,
    ROM_MMT_CODES,
    is_timed,
)
from billing.rules.minutes import day_testing_minutes
from billing.rules.thresholds import (
    CERTIFICATION_DAYS,
    KX_GROUPS,
    KX_THRESHOLDS,
    MUE_97750_UNITS,
)
from billing.rules.types import (
    DayFacts,
    Decision,
    Finding,
    Line,
    PayerKind,
    PerformerRole,
    PlanFacts,
    TestFacts,
)
from billing.rules.units import count_units
from billing.rules.version import RULES_VERSION

_CENT = Decimal("0.01")
# The plan of care's discipline, not the performer's licence, picks the modifier
# (WPS therapy modifiers). Read-only, so no caller can change the rules.
_DISCIPLINE_MODIFIERS = MappingProxyType({"PT": "GP", "OT": "GO"})
_ASSISTANT_ROLES = frozenset({PerformerRole.PTA, PerformerRole.OTA})
# Who may furnish services under each discipline's plan of care (42 CFR 410.59,
# 410.60); assistants are blocked separately for formal testing.
_DISCIPLINE_ROLES = MappingProxyType(
    {
        "PT": frozenset({PerformerRole.PT, PerformerRole.PTA, PerformerRole.PHYSICIAN}),
        "OT": frozenset({PerformerRole.OT, PerformerRole.OTA, PerformerRole.PHYSICIAN}),
    }
)
# Proposed on 97750 when testing was attested distinct from a same-day evaluation.
_DISTINCT_SERVICE = "59"


@dataclass(frozen=True, slots=True)
class _Day:
    """What decide() derives from the facts before it judges them."""

    tests: tuple[TestFacts, ...]
    formal: tuple[TestFacts, ...]
    testing: int
    test_minutes: tuple[tuple[str, int], ...]
    minutes: dict[str, int]
    untimed: tuple[str, ...]
    units: dict[str, int]


def decide(facts: DayFacts) -> Decision:
    """Return the billing decision for a patient's date of service.

    The day's 97750 minutes are the union of every visit's formal-testing
    intervals, each clipped to its own session window; routine range-of-motion
    and manual muscle tests are left out unless marked part of a formal battery
    (WPS A53309). They join the day's other timed procedures and go through the
    payer's counting method (units.allocate_units, CMS Pub. 100-04 Ch. 5 §20.2 or
    the CPT midpoint rule); untimed procedures are billed as one unit each and left
    out of the count.

    97750 is held (qualifies False) by any BLOCKS finding; the day's other codes
    are then billed as if 97750 had not been done. Each line gets GP or GO from
    the plan-of-care discipline, 97750 gets 59 when attested distinct from a
    same-day evaluation, and for Medicare a line gets KX once the year's allowed
    amount in the discipline's threshold group passes the year's threshold with
    that line (BBA 2018 §50202).
    """
    day = _derive(facts)
    found = _blocking_findings(facts, day)
    qualifies = not found
    found += _warning_findings(facts, day)
    units = day.units
    billed = units if qualifies else _without_97750(day, facts.method)
    lines = _lines(facts, day, billed)
    missing = [line.code for line in lines if line.code not in dict(facts.rates)]
    if missing:
        found.append(findings.no_rate(missing))
    lines = _with_kx(facts, lines, found)
    by_code = {line.code: line for line in lines}
    discipline_only = (_DISCIPLINE_MODIFIERS[facts.discipline],)
    first = by_code.get(PHYSICAL_PERFORMANCE_TEST)
    return Decision(
        qualifies=qualifies,
        units=units[PHYSICAL_PERFORMANCE_TEST],
        units_by_code=tuple(units.items()),
        minutes_by_code=tuple(day.minutes.items()),
        test_minutes=day.test_minutes,
        method=facts.method,
        arithmetic=_arithmetic(facts, day),
        modifiers=first.modifiers if first else discipline_only,
        lines=lines,
        findings=tuple(found),
        charge=sum((line.charge for line in lines), Decimal("0.00")),
        expected_payment=sum(
            (line.expected_payment for line in lines), Decimal("0.00")
        ),
        rules_version=RULES_VERSION,
    )


def _derive(facts: DayFacts) -> _Day:
    tests = tuple(test for visit in facts.visits for test in visit.tests)
    testing, test_minutes = day_testing_minutes(
        [
            (
                [test for test in visit.tests if test.counts_as_formal_testing],
                visit.session_start,
                visit.session_end,
            )
            for visit in facts.visits
        ]
    )
    minutes = {PHYSICAL_PERFORMANCE_TEST: testing}
    untimed: list[str] = []
    for visit in facts.visits:
        for procedure in visit.other_procedures:
            code = procedure.code
            if is_timed(code):
                minutes[code] = minutes.get(code, 0) + procedure.minutes
            elif code not in untimed:
                untimed.append(code)
    return _Day(
        tests=tests,
        formal=tuple(test for test in tests if test.counts_as_formal_testing),
        testing=testing,
        test_minutes=test_minutes,
        minutes=minutes,
        untimed=tuple(untimed),
        units=count_units(minutes, facts.method),
    )


def _blocking_findings(facts: DayFacts, day: _Day) -> list[Finding]:
    """Return the findings that hold 97750; every one has severity BLOCKS."""
    found = []
    if not day.tests:
        found.append(findings.NO_TESTS)
    elif not day.formal:
        found.append(findings.ROUTINE_MEASURES_ONLY)
    elif not day.units[PHYSICAL_PERFORMANCE_TEST]:
        found.append(
            findings.below_minimum_minutes(
                facts.method, day.testing, sum(day.minutes.values())
            )
        )
    allowed = _DISCIPLINE_ROLES[facts.discipline]
    without_result = []
    for test in day.tests:
        if test.performer_role in _ASSISTANT_ROLES:
            found.append(findings.assistant_performed(test.name, test.performer_role))
        elif test.performer_role not in allowed:
            found.append(
                findings.performer_outside_discipline(
                    test.name, test.performer_role, facts.discipline
                )
            )
        if not test.has_result:
            without_result.append(findings.no_result(test.name))
    found += without_result
    tested = [visit for visit in facts.visits if visit.tests]
    if not all(visit.has_interpretation for visit in tested):
        found.append(findings.NO_INTERPRETATION)
    if not all(visit.signer_has_credentials for visit in tested):
        found.append(findings.SIGNER_WITHOUT_CREDENTIALS)
    evaluations = [code for code in day.untimed if code in EVALUATION_CODES]
    if evaluations and day.tests and not _attested(facts):
        found.append(findings.same_day_evaluation(evaluations))
    return found


def _attested(facts: DayFacts) -> list[str]:
    """Return the distinct-service reasons if every visit with tests gives one."""
    reasons = [
        visit.distinct_service_reason.strip() for visit in facts.visits if visit.tests
    ]
    return reasons if all(reasons) else []


def _warning_findings(facts: DayFacts, day: _Day) -> list[Finding]:
    """Return the warnings and notes, which never hold 97750."""
    found = []
    evaluations = [code for code in day.untimed if code in EVALUATION_CODES]
    reasons = _attested(facts)
    if evaluations and day.tests and reasons:
        found.append(findings.distinct_from_evaluation(evaluations, reasons))
    rom_mmt = [code for code in day.untimed if code in ROM_MMT_CODES]
    if rom_mmt:
        found.append(findings.same_day_rom_mmt_code(rom_mmt))
    units_97750 = day.units[PHYSICAL_PERFORMANCE_TEST]
    if units_97750 > MUE_97750_UNITS:
        found.append(findings.mue_exceeded(units_97750, MUE_97750_UNITS))
    left_out = [test for test in day.tests if not test.counts_as_formal_testing]
    if left_out and day.formal:
        found.append(
            findings.routine_measures_left_out(
                _names(left_out), _left_out_minutes(facts)
            )
        )
    in_battery = [test for test in day.formal if test.routine_measure]
    if in_battery:
        found.append(findings.routine_measures_in_battery(_names(in_battery)))
    exercise = [
        (code, day.minutes[code])
        for code in EXERCISE_CODES
        if day.minutes.get(code, 0) > day.testing
    ]
    if exercise:
        found.append(findings.looks_like_exercise(exercise, day.testing))
    if day.formal:
        found += _frequency_and_plan(facts)
    return found


def _frequency_and_plan(facts: DayFacts) -> list[Finding]:
    found = []
    earlier = facts.previous_testing_on
    if earlier is not None:
        days = (facts.date_of_service - earlier).days
        if 0 <= days < facts.retest_interval_days:
            found.append(
                findings.retest_within_interval(
                    earlier, days, facts.retest_interval_days
                )
            )
    plans = [visit.plan for visit in facts.visits if visit.tests]
    if None in plans:
        found.append(findings.NO_PLAN_OF_CARE)
    day = facts.date_of_service
    for plan in dict.fromkeys(plan for plan in plans if plan is not None):
        if not plan.certification_from <= day <= plan.certification_through:
            found.append(
                findings.outside_certification(
                    day, plan.certification_from, plan.certification_through
                )
            )
        if facts.payer_kind == PayerKind.MEDICARE:
            found.extend(_certification_timing(plan, day))
    return found


def _certification_timing(plan: PlanFacts, day: date) -> list[Finding]:
    """Return Medicare's 30-day certification warning, if the plan is late.

    Not yet certified 30 days after its start: overdue; certified later than
    that: delayed, which Medicare accepts with the reason documented.
    """
    if plan.certified_on is None:
        elapsed = (day - plan.starts_on).days
        if elapsed > CERTIFICATION_DAYS:
            return [findings.certification_overdue(plan.starts_on, elapsed)]
        return []
    waited = (plan.certified_on - plan.starts_on).days
    if waited > CERTIFICATION_DAYS:
        return [
            findings.certification_delayed(plan.starts_on, plan.certified_on, waited)
        ]
    return []


def _left_out_minutes(facts: DayFacts) -> int:
    minutes, _ = day_testing_minutes(
        [
            (
                [test for test in visit.tests if not test.counts_as_formal_testing],
                visit.session_start,
                visit.session_end,
            )
            for visit in facts.visits
        ]
    )
    return minutes


def _without_97750(day: _Day, method: str) -> dict[str, int]:
    """Return the day's units when 97750 is held: its minutes earn nothing."""
    others = {
        code: minutes
        for code, minutes in day.minutes.items()
        if code != PHYSICAL_PERFORMANCE_TEST
    }
    return {PHYSICAL_PERFORMANCE_TEST: 0, **count_units(others, method)}


def _lines(facts: DayFacts, day: _Day, billed: Mapping[str, int]) -> tuple[Line, ...]:
    rates = dict(facts.rates)
    fees = dict(facts.fees)
    discipline = _DISCIPLINE_MODIFIERS[facts.discipline]
    reasons = _attested(facts)
    codes = [(code, units) for code, units in billed.items() if units] + [
        (code, 1) for code in day.untimed
    ]
    lines = []
    for code, units in codes:
        modifiers = (discipline,)
        if code == PHYSICAL_PERFORMANCE_TEST and reasons and _has_evaluation(day):
            modifiers += (_DISTINCT_SERVICE,)
        lines.append(
            Line(
                code=code,
                units=units,
                modifiers=modifiers,
                charge=_money(fees.get(code, Decimal(0)) * units),
                expected_payment=_money(rates.get(code, Decimal(0)) * units),
            )
        )
    return tuple(lines)


def _has_evaluation(day: _Day) -> bool:
    return any(code in EVALUATION_CODES for code in day.untimed)


def _with_kx(
    facts: DayFacts, lines: tuple[Line, ...], found: list[Finding]
) -> tuple[Line, ...]:
    """Return the lines with KX on each one that takes the year past the threshold."""
    if facts.payer_kind != PayerKind.MEDICARE:
        return lines
    year = facts.date_of_service.year
    threshold = KX_THRESHOLDS.get(year)
    if threshold is None:
        found.append(findings.no_kx_threshold(year))
        return lines
    running = facts.kx_prior_amount
    marked = []
    for line in lines:
        running += line.expected_payment
        marked.append(
            replace(line, modifiers=(*line.modifiers, "KX"))
            if running > threshold
            else line
        )
    kx_codes = [line.code for line in marked if "KX" in line.modifiers]
    if kx_codes:
        found.append(
            findings.kx_applied(
                year,
                KX_GROUPS[facts.discipline],
                facts.kx_prior_amount,
                running - facts.kx_prior_amount,
                threshold,
                kx_codes,
            )
        )
    return tuple(marked)


def _arithmetic(facts: DayFacts, day: _Day) -> str:
    text = describe_units(day.minutes, day.units, facts.method, day.untimed)
    if len(facts.visits) > 1:
        text = (
            f"{len(facts.visits)} sessions on {facts.date_of_service:%m/%d/%Y} "
            f"pooled: {text}"
        )
    left_out = [test for test in day.tests if not test.counts_as_formal_testing]
    if left_out:
        text += (
            f"; routine measures {', '.join(_names(left_out))} "
            f"({_left_out_minutes(facts)} min) not counted as formal testing"
        )
    return text


def _names(tests: Sequence[TestFacts]) -> list[str]:
    return list(dict.fromkeys(test.name for test in tests))


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, ROUND_HALF_UP)
