"""Decide whether one session's 97750 can be billed, for how many units, and why."""

from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from billing.rules import findings
from billing.rules.arithmetic import describe_units
from billing.rules.codes import (
    EVALUATION_CODES,
    EXERCISE_CODES,
    PHYSICAL_PERFORMANCE_TEST,
    ROM_MMT_CODES,
    UNTIMED_CODES,
)
from billing.rules.minutes import testing_minutes
from billing.rules.thresholds import KX_THRESHOLDS, MUE_97750_UNITS
from billing.rules.types import (
    Decision,
    Finding,
    PayerKind,
    PerformerRole,
    SessionFacts,
)
from billing.rules.units import count_units
from billing.rules.version import RULES_VERSION

_CENT = Decimal("0.01")
_NO_PAYMENT = Decimal("0.00")
# The plan of care's discipline, not the performer's licence, picks the modifier
# (DOMAIN.md §4.1). Read-only, so no caller can change the rules between decisions.
_DISCIPLINE_MODIFIERS = MappingProxyType({"PT": ("GP",), "OT": ("GO",)})
_ASSISTANT_ROLES = frozenset({PerformerRole.PTA, PerformerRole.OTA})


def decide(facts: SessionFacts) -> Decision:
    """Return the billing decision for one session on its date of service.

    97750 minutes are the union of the test intervals inside the session window
    (minutes.testing_minutes, DOMAIN.md §1.5). They join the other timed procedures of
    the day and go through the payer's counting method (units.allocate_units,
    DOMAIN.md §1.2-§1.4); untimed procedures are left out of the count.

    These block billing (qualifies is False, estimated_payment 0.00): no tests;
    0 units of 97750 under the method (DOMAIN.md §1.2-§1.4); a test performed by a
    PTA or OTA (DOMAIN.md §2.5, §4.4; WPS A53309); a test without a result, no
    interpretation or written report (DOMAIN.md §1.1, §2.3); a signer without
    credentials (DOMAIN.md §2.1, §2.4).

    These warn: an evaluation or re-evaluation 97161-97168 the same day (NCCI,
    DOMAIN.md §3.2); ROM or manual muscle testing codes the same day (DOMAIN.md
    §1.1); more units than the UNCONFIRMED MUE of 8 (DOMAIN.md §2.5); only routine
    ROM/MMT measures (DOMAIN.md §2.5); 97110 or 97530 taking longer than the testing.

    Modifiers: GP for a PT plan of care, GO for OT (DOMAIN.md §4.1). KX is added for
    Medicare payers only, when year_to_date_charges plus this session's estimated
    97750 payment strictly exceeds the threshold of the date of service's year
    (DOMAIN.md §4.2); charges for the session's other procedures are not known here,
    so the caller counts them in year_to_date_charges. A year missing from
    thresholds.KX_THRESHOLDS gives a warning and no KX. CQ/CO are never needed:
    an assistant-performed test already blocks billing.
    """
    tests = facts.tests
    testing, test_minutes = testing_minutes(
        tests, facts.session_start, facts.session_end
    )
    minutes = {PHYSICAL_PERFORMANCE_TEST: testing}
    untimed = []
    for procedure in facts.other_procedures:
        code = procedure.code
        if code in UNTIMED_CODES:
            if code not in untimed:
                untimed.append(code)
        else:
            minutes[code] = minutes.get(code, 0) + procedure.minutes
    method = facts.method
    units = count_units(minutes, method)
    units_97750 = units[PHYSICAL_PERFORMANCE_TEST]

    found = _blocking_findings(facts, testing, minutes, units_97750)
    qualifies = not found
    payment = (
        (units_97750 * facts.rate).quantize(_CENT, ROUND_HALF_UP)
        if qualifies
        else _NO_PAYMENT
    )
    _add_warning_findings(found, facts, testing, minutes, units_97750, untimed)

    modifiers = _DISCIPLINE_MODIFIERS[facts.discipline]
    if facts.payer_kind == PayerKind.MEDICARE:
        year = facts.date_of_service.year
        threshold = KX_THRESHOLDS.get(year)
        if threshold is None:
            found.append(findings.no_kx_threshold(year))
        elif facts.year_to_date_charges + payment > threshold:
            modifiers += ("KX",)
            found.append(
                findings.kx_applied(
                    year, facts.year_to_date_charges, payment, threshold
                )
            )

    return Decision(
        qualifies=qualifies,
        units=units_97750,
        units_by_code=tuple(units.items()),
        minutes_by_code=tuple(minutes.items()),
        test_minutes=test_minutes,
        method=method,
        arithmetic=describe_units(minutes, units, method, untimed),
        modifiers=modifiers,
        findings=tuple(found),
        estimated_payment=payment,
        rules_version=RULES_VERSION,
    )


def _blocking_findings(
    facts: SessionFacts, testing: int, minutes: dict[str, int], units_97750: int
) -> list[Finding]:
    """Return the findings that block billing; every one has severity BLOCKS."""
    tests = facts.tests
    found = []
    if not tests:
        found.append(findings.NO_TESTS)
    elif not units_97750:
        found.append(
            findings.below_minimum_minutes(facts.method, testing, sum(minutes.values()))
        )
    without_result = []
    for test in tests:
        if test.performer_role in _ASSISTANT_ROLES:
            found.append(findings.assistant_performed(test.name, test.performer_role))
        if not test.has_result:
            without_result.append(findings.no_result(test.name))
    found += without_result
    if not facts.has_interpretation:
        found.append(findings.NO_INTERPRETATION)
    if not facts.signer_has_credentials:
        found.append(findings.SIGNER_WITHOUT_CREDENTIALS)
    return found


def _add_warning_findings(
    found: list[Finding],
    facts: SessionFacts,
    testing: int,
    minutes: dict[str, int],
    units_97750: int,
    untimed: list[str],
) -> None:
    """Append the warnings, which never stop billing, to found."""
    if untimed:
        evaluations = [code for code in untimed if code in EVALUATION_CODES]
        if evaluations:
            found.append(findings.same_day_evaluation(evaluations))
        rom_mmt = [code for code in untimed if code in ROM_MMT_CODES]
        if rom_mmt:
            found.append(findings.same_day_rom_mmt_code(rom_mmt))
    if units_97750 > MUE_97750_UNITS:
        found.append(findings.mue_exceeded(units_97750, MUE_97750_UNITS))
    tests = facts.tests
    if tests and all(test.routine_measure for test in tests):
        found.append(findings.ROUTINE_MEASURES_ONLY)
    exercise = [
        (code, minutes[code])
        for code in EXERCISE_CODES
        if minutes.get(code, 0) > testing
    ]
    if exercise:
        found.append(findings.looks_like_exercise(exercise, testing))
