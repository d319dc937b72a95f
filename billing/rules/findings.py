"""The findings decide() can report: stable codes, plain-English messages, sources.

Every source is a public text a payer or an auditor can look up: the CMS
manuals, a MAC article, the statute or the CPT descriptor.
"""

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from billing.rules.types import Finding, Severity
from billing.rules.units import Method

_CENT = Decimal("0.01")
_CMS_UNITS = "CMS Claims Processing Manual (Pub. 100-04) Ch. 5 §20.2"
_CPT_97750 = "CPT 97750 descriptor ('with written report, each 15 minutes')"
_WPS_A53309 = "WPS Billing and Coding Article A53309"
_PLAN_OF_CARE = (
    "42 CFR 424.24(c); CMS Benefit Policy Manual (Pub. 100-02) Ch. 15 §220.1"
)


class FindingCode(StrEnum):
    """Stable identifiers of findings; stored with decisions, so never rename one."""

    NO_TESTS = "no_tests"
    BELOW_MINIMUM_MINUTES = "below_minimum_minutes"
    ASSISTANT_PERFORMED = "assistant_performed"
    PERFORMER_OUTSIDE_DISCIPLINE = "performer_outside_discipline"
    TEST_WITHOUT_RESULT = "test_without_result"
    NO_INTERPRETATION = "no_interpretation"
    SIGNER_WITHOUT_CREDENTIALS = "signer_without_credentials"
    SAME_DAY_EVALUATION = "same_day_evaluation"
    DISTINCT_FROM_EVALUATION = "distinct_from_evaluation"
    SAME_DAY_ROM_MMT_CODE = "same_day_rom_mmt_code"
    MUE_EXCEEDED = "mue_exceeded"
    ROUTINE_MEASURES_ONLY = "routine_measures_only"
    ROUTINE_MEASURES_LEFT_OUT = "routine_measures_left_out"
    ROUTINE_MEASURES_IN_BATTERY = "routine_measures_in_battery"
    LOOKS_LIKE_EXERCISE = "looks_like_exercise"
    RETEST_WITHIN_INTERVAL = "retest_within_interval"
    NO_PLAN_OF_CARE = "no_plan_of_care"
    OUTSIDE_CERTIFICATION = "outside_certification"
    CERTIFICATION_OVERDUE = "certification_overdue"
    CERTIFICATION_DELAYED = "certification_delayed"
    NO_RATE = "no_rate"
    KX_APPLIED = "kx_applied"
    NO_KX_THRESHOLD = "no_kx_threshold"


NO_TESTS = Finding(
    code=FindingCode.NO_TESTS,
    severity=Severity.BLOCKS,
    message="No tests are recorded, so there is no testing time to bill as 97750.",
    source=_CPT_97750,
)

NO_INTERPRETATION = Finding(
    code=FindingCode.NO_INTERPRETATION,
    severity=Severity.BLOCKS,
    message=(
        "No interpretation or written report is recorded; 97750 is a test 'with "
        "written report', so it cannot be billed without one."
    ),
    source=_CPT_97750,
)

SIGNER_WITHOUT_CREDENTIALS = Finding(
    code=FindingCode.SIGNER_WITHOUT_CREDENTIALS,
    severity=Severity.BLOCKS,
    message=(
        "The signer's professional credentials are missing; Medicare needs the "
        "signature and professional identification of the qualified professional, and "
        "audits deny notes without valid credentials."
    ),
    source=(
        "CMS Benefit Policy Manual (Pub. 100-02) Ch. 15 §220.3; Noridian JE Part B "
        "therapy TPE review results"
    ),
)

ROUTINE_MEASURES_ONLY = Finding(
    code=FindingCode.ROUTINE_MEASURES_ONLY,
    severity=Severity.BLOCKS,
    message=(
        "Only range-of-motion or manual muscle tests are recorded, and none is marked "
        "as part of a formal test battery; routine ongoing assessment is not "
        "separately billable as 97750 formal testing. If a measure was part of a "
        "formal battery, say why on the test."
    ),
    source=_WPS_A53309,
)

NO_PLAN_OF_CARE = Finding(
    code=FindingCode.NO_PLAN_OF_CARE,
    severity=Severity.WARNING,
    message=(
        "No plan of care is named for this date of service; outpatient therapy is "
        "paid under a certified plan of care, and the GP/GO modifier names its "
        "discipline."
    ),
    source=_PLAN_OF_CARE,
)


def below_minimum_minutes(method: str, testing: int, pooled: int) -> Finding:
    """Return the finding for 97750 getting no unit, saying what the method needs.

    testing is the day's 97750 minutes and pooled the timed minutes of the whole
    day, which only the CMS 8-minute rule adds up.
    """
    if method == Method.CPT_MIDPOINT:
        needs = "the CPT midpoint rule needs at least 8 minutes of 97750 for one unit"
        source = "CPT time convention: a unit is attained when the midpoint is passed"
    elif method == Method.WHOLE_UNITS:
        needs = "the whole-unit policy needs 15 full minutes of 97750 for one unit"
        source = "the payer's rounding policy (a payer setting)"
    elif pooled == testing:
        needs = "the CMS 8-minute rule needs at least 8 timed minutes for one unit"
        source = _CMS_UNITS
    elif pooled < 8:
        needs = (
            f"all timed codes together have {_minutes(pooled)}, and the CMS 8-minute "
            "rule needs at least 8 timed minutes for one unit"
        )
        source = _CMS_UNITS
    else:
        needs = (
            f"the CMS 8-minute rule gave this day's units for {pooled} timed minutes "
            "to codes with larger remainders (or to the winner of a tie), and 97750 "
            "needs 15 minutes to be sure of a unit"
        )
        source = _CMS_UNITS
    return Finding(
        code=FindingCode.BELOW_MINIMUM_MINUTES,
        severity=Severity.BLOCKS,
        message=f"97750 gets 0 units: {_minutes(testing)} of testing; {needs}.",
        source=source,
    )


def assistant_performed(test_name: str, role: str) -> Finding:
    """Return the finding for a test an assistant performed."""
    return Finding(
        code=FindingCode.ASSISTANT_PERFORMED,
        severity=Severity.BLOCKS,
        message=(
            f"'{test_name}' was performed by a {role.upper()}; formal testing needs "
            "clinical judgment outside a therapy assistant's scope of practice, so it "
            "cannot be billed as 97750."
        ),
        source=_WPS_A53309,
    )


def performer_outside_discipline(test_name: str, role: str, discipline: str) -> Finding:
    """Return the finding for a test given by another discipline's clinician.

    The GP or GO modifier names the plan of care's discipline, and services under
    a PT plan are furnished by a physical therapist (42 CFR 410.60), under an OT
    plan by an occupational therapist (42 CFR 410.59); physicians may do either.
    """
    return Finding(
        code=FindingCode.PERFORMER_OUTSIDE_DISCIPLINE,
        severity=Severity.BLOCKS,
        message=(
            f"'{test_name}' was performed by a {role.upper()} under a {discipline} "
            f"plan of care; {discipline} services must be furnished by a "
            f"{'physical' if discipline == 'PT' else 'occupational'} therapist (or a "
            "physician), so it cannot be billed with the "
            f"{'GP' if discipline == 'PT' else 'GO'} modifier. Record it under a plan "
            "of care of the performer's discipline."
        ),
        source=(
            "42 CFR 410.59, 410.60; WPS therapy modifiers (GP/GO identify the plan of "
            "care discipline)"
        ),
    )


def no_result(test_name: str) -> Finding:
    """Return the finding for a test with no recorded result."""
    return Finding(
        code=FindingCode.TEST_WITHOUT_RESULT,
        severity=Severity.BLOCKS,
        message=(
            f"'{test_name}' has no result; the 97750 written report must give an "
            "objective result for every test."
        ),
        source=_CPT_97750,
    )


def same_day_evaluation(codes: Sequence[str]) -> Finding:
    """Return the finding holding 97750 with an evaluation the same day.

    It blocks until the clinician attests that the testing was a distinct service
    at a separate time, with the reason (see distinct_from_evaluation).
    """
    return Finding(
        code=FindingCode.SAME_DAY_EVALUATION,
        severity=Severity.BLOCKS,
        message=(
            f"97750 is recorded with {_codes(codes)} on the same date. 97750 is not "
            "to be used instead of an evaluation, and NCCI pairs it with the PT/OT "
            "evaluation codes, so it is held: bill it only if the testing was a "
            "distinct service at a separate time, and say why on the session."
        ),
        source=f"{_WPS_A53309}; CMS NCCI procedure-to-procedure edits",
    )


def distinct_from_evaluation(codes: Sequence[str], reasons: Sequence[str]) -> Finding:
    """Return the note proposing modifier 59 for attested distinct testing."""
    return Finding(
        code=FindingCode.DISTINCT_FROM_EVALUATION,
        severity=Severity.INFO,
        message=(
            f"97750 is recorded with {_codes(codes)} on the same date; the clinician "
            f"attests the testing was a distinct service at a separate time "
            f"({'; '.join(reasons)}), so modifier 59 is proposed on 97750 (XU where "
            "the payer takes the X modifiers). Check the current quarter's NCCI table "
            "allows a modifier for this pair."
        ),
        source=(
            "CMS CR 8863 (Transmittal 1422): modifier 59 and its X{EPSU} subsets; "
            "CMS NCCI procedure-to-procedure edits"
        ),
    )


def same_day_rom_mmt_code(codes: Sequence[str]) -> Finding:
    """Return the warning for same-day ROM or muscle-testing codes."""
    return Finding(
        code=FindingCode.SAME_DAY_ROM_MMT_CODE,
        severity=Severity.WARNING,
        message=(
            f"97750 is recorded with {_codes(codes)} on the same date; payer policy "
            "says range-of-motion (95851, 95852) and manual muscle testing "
            "(95831-95834) codes are not reported in addition to 97750."
        ),
        source="Cigna Coverage Policy CPG295; MAC LCD text on 97750",
    )


def routine_measures_left_out(names: Sequence[str], minutes: int) -> Finding:
    """Return the note saying which routine measures were not counted as testing."""
    return Finding(
        code=FindingCode.ROUTINE_MEASURES_LEFT_OUT,
        severity=Severity.INFO,
        message=(
            f"{_codes(names)}: {_minutes(minutes)} left out of 97750 time; routine "
            "range-of-motion and manual muscle testing is ongoing assessment, not "
            "formal testing, unless marked as part of a formal test battery with the "
            "reason."
        ),
        source=_WPS_A53309,
    )


def routine_measures_in_battery(names: Sequence[str]) -> Finding:
    """Return the note saying which routine measures count, by the clinician's word."""
    return Finding(
        code=FindingCode.ROUTINE_MEASURES_IN_BATTERY,
        severity=Severity.INFO,
        message=(
            f"{_codes(names)} counted toward 97750 as part of a formal test battery, "
            "for the reason given on the test; the written report must show it."
        ),
        source=_WPS_A53309,
    )


def mue_exceeded(units: int, limit: int) -> Finding:
    """Return the warning for more 97750 units than the commonly cited MUE."""
    return Finding(
        code=FindingCode.MUE_EXCEEDED,
        severity=Severity.WARNING,
        message=(
            f"97750 has {units} units; the Medicare MUE for 97750 is commonly cited as "
            f"{limit} units per day, but that value is UNCONFIRMED, so check the "
            "current CMS MUE file before billing this many."
        ),
        source="CMS Medically Unlikely Edits table (value not confirmed)",
    )


def looks_like_exercise(exercise: Sequence[tuple[str, int]], testing: int) -> Finding:
    """Return the warning for exercise outweighing testing.

    This is a heuristic, not a payer rule: when therapeutic exercise or activities
    take more time than the testing, the "testing" is often part of treatment.
    """
    recorded = " and ".join(
        f"{code} ({_minutes(minutes)})" for code, minutes in exercise
    )
    return Finding(
        code=FindingCode.LOOKS_LIKE_EXERCISE,
        severity=Severity.WARNING,
        message=(
            f"{recorded} recorded the same day took longer than the "
            f"{_minutes(testing)} of testing; the session may be exercise or activity "
            "rather than measurement, so check that the testing was a distinct, formal "
            "test."
        ),
        source=f"{_WPS_A53309} (a heuristic, not a payer rule)",
    )


def retest_within_interval(earlier: date, days: int, interval: int) -> Finding:
    """Return the warning for 97750 again sooner than the payer's interval."""
    return Finding(
        code=FindingCode.RETEST_WITHIN_INTERVAL,
        severity=Severity.WARNING,
        message=(
            f"97750 was last billed for this patient on {earlier:%m/%d/%Y}, "
            f"{_count(days, 'day')} before; the payer expects at least "
            f"{_count(interval, 'day')} between formal tests. Testing is not paid "
            "as routine reassessment, so say what changed."
        ),
        source=f"the payer's testing frequency policy (a payer setting); {_WPS_A53309}",
    )


def outside_certification(day: date, start: date, through: date) -> Finding:
    """Return the warning for a date of service outside the plan's certified period."""
    return Finding(
        code=FindingCode.OUTSIDE_CERTIFICATION,
        severity=Severity.WARNING,
        message=(
            f"The date of service {day:%m/%d/%Y} is outside the plan of care's "
            f"certification period ({start:%m/%d/%Y}–{through:%m/%d/%Y}); recertify "
            "the plan before billing."
        ),
        source=_PLAN_OF_CARE,
    )


def certification_overdue(start: date, days: int) -> Finding:
    """Return the warning for a Medicare plan not certified 30 days after its start."""
    return Finding(
        code=FindingCode.CERTIFICATION_OVERDUE,
        severity=Severity.WARNING,
        message=(
            f"The plan of care started on {start:%m/%d/%Y}, {_count(days, 'day')} "
            "ago, and is not yet certified; Medicare expects the physician's or "
            "NPP's certification within 30 days of the first treatment (a delayed "
            "certification needs the reason)."
        ),
        source="CMS Benefit Policy Manual (Pub. 100-02) Ch. 15 §220.1.3; 42 CFR 424.24(c)",
    )


def certification_delayed(start: date, certified: date, days: int) -> Finding:
    """Return the warning for a Medicare plan certified more than 30 days after its start."""
    return Finding(
        code=FindingCode.CERTIFICATION_DELAYED,
        severity=Severity.WARNING,
        message=(
            f"The plan of care started on {start:%m/%d/%Y} and was certified on "
            f"{certified:%m/%d/%Y}, {_count(days, 'day')} later; Medicare accepts a "
            "delayed certification only with the reason for the delay in the record "
            "(the certifying physician's or NPP's signed, dated certification)."
        ),
        source="CMS Benefit Policy Manual (Pub. 100-02) Ch. 15 §220.1.3 B; 42 CFR 424.24(c)",
    )


def no_rate(codes: Sequence[str]) -> Finding:
    """Return the warning for billed codes missing from the payer's rate table."""
    return Finding(
        code=FindingCode.NO_RATE,
        severity=Severity.WARNING,
        message=(
            f"The payer's rate table has no expected payment for {_codes(codes)}, so "
            "those lines show 0.00 and the KX total leaves them out; add the rate."
        ),
        source="the payer's fee schedule (a clinic setting)",
    )


def kx_applied(
    year: int,
    group: str,
    prior: Decimal,
    day: Decimal,
    threshold: Decimal,
    codes: Sequence[str],
) -> Finding:
    """Return the note explaining why KX was applied, and to which lines."""
    return Finding(
        code=FindingCode.KX_APPLIED,
        severity=Severity.INFO,
        message=(
            f"KX on {_codes(codes)}: {_dollars(prior)} of {group} therapy allowed "
            f"so far in {year} plus {_dollars(day)} for this date of service is "
            f"{_dollars(prior + day)}, above the {year} Medicare {group} threshold of "
            f"{_dollars(threshold)}; KX attests that the services are medically "
            "necessary and documented."
        ),
        source="Bipartisan Budget Act of 2018 §50202; Social Security Act §1833(g)",
    )


def no_kx_threshold(year: int) -> Finding:
    """Return the warning for a year missing from the KX table."""
    return Finding(
        code=FindingCode.NO_KX_THRESHOLD,
        severity=Severity.WARNING,
        message=(
            f"No KX threshold on file for {year}, so KX was not applied; add the "
            f"{year} Medicare therapy threshold to the rules before billing."
        ),
        source="Bipartisan Budget Act of 2018 §50202 (CMS publishes each year's amount)",
    )


def _minutes(count: int) -> str:
    return _count(count, "minute")


def _count(number: int, noun: str) -> str:
    return f"1 {noun}" if number == 1 else f"{number} {noun}s"


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(codes)


def _dollars(amount: Decimal) -> str:
    return f"${amount.quantize(_CENT, ROUND_HALF_UP):,}"
