"""The findings decide() can report: stable codes, plain-English messages, sources."""

from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from billing.rules.types import Finding, Severity
from billing.rules.units import Method

_CENT = Decimal("0.01")
_CMS_SOURCE = "DOMAIN.md §1.2, §1.3; CMS Claims Processing Manual Ch. 5 §20.2"


class FindingCode(StrEnum):
    """Stable identifiers of findings; stored with decisions, so never rename one."""

    NO_TESTS = "no_tests"
    BELOW_MINIMUM_MINUTES = "below_minimum_minutes"
    ASSISTANT_PERFORMED = "assistant_performed"
    TEST_WITHOUT_RESULT = "test_without_result"
    NO_INTERPRETATION = "no_interpretation"
    SIGNER_WITHOUT_CREDENTIALS = "signer_without_credentials"
    SAME_DAY_EVALUATION = "same_day_evaluation"
    SAME_DAY_ROM_MMT_CODE = "same_day_rom_mmt_code"
    MUE_EXCEEDED = "mue_exceeded"
    ROUTINE_MEASURES_ONLY = "routine_measures_only"
    LOOKS_LIKE_EXERCISE = "looks_like_exercise"
    KX_APPLIED = "kx_applied"
    NO_KX_THRESHOLD = "no_kx_threshold"


NO_TESTS = Finding(
    code=FindingCode.NO_TESTS,
    severity=Severity.BLOCKS,
    message="No tests are recorded, so there is no testing time to bill as 97750.",
    source="DOMAIN.md §1.5",
)

NO_INTERPRETATION = Finding(
    code=FindingCode.NO_INTERPRETATION,
    severity=Severity.BLOCKS,
    message=(
        "No interpretation or written report is recorded; 97750 is a test 'with "
        "written report', so it cannot be billed without one."
    ),
    source="DOMAIN.md §1.1, §2.3; CPT 97750 descriptor",
)

SIGNER_WITHOUT_CREDENTIALS = Finding(
    code=FindingCode.SIGNER_WITHOUT_CREDENTIALS,
    severity=Severity.BLOCKS,
    message=(
        "The signer's professional credentials are missing; Medicare needs the "
        "signature and professional identification of the qualified professional, and "
        "audits deny notes without valid credentials."
    ),
    source="DOMAIN.md §2.1, §2.4; CMS BPM Ch. 15 §220.3; Noridian TPE results",
)

ROUTINE_MEASURES_ONLY = Finding(
    code=FindingCode.ROUTINE_MEASURES_ONLY,
    severity=Severity.WARNING,
    message=(
        "Only range-of-motion or manual muscle tests are recorded; on their own these "
        "are routine assessment, which is not separately billable as 97750 formal "
        "testing."
    ),
    source="DOMAIN.md §1.1, §2.5, §2.6; WPS A53309",
)


def below_minimum_minutes(method: str, testing: int, pooled: int) -> Finding:
    """Return the finding for 97750 getting no unit, saying what the method needs.

    testing is the 97750 minutes and pooled the timed minutes of the whole day, which
    only the CMS 8-minute rule adds up (DOMAIN.md §1.2-§1.4).
    """
    if method == Method.CPT_MIDPOINT:
        needs = "the CPT midpoint rule needs at least 8 minutes of 97750 for one unit"
        source = "DOMAIN.md §1.4; CPT time convention"
    elif method == Method.WHOLE_UNITS:
        needs = "the whole-unit policy needs 15 full minutes of 97750 for one unit"
        source = "DOMAIN.md §1.4 (payer rounding policy)"
    elif pooled == testing:
        needs = "the CMS 8-minute rule needs at least 8 timed minutes for one unit"
        source = _CMS_SOURCE
    elif pooled < 8:
        needs = (
            f"all timed codes together have {_minutes(pooled)}, and the CMS 8-minute "
            "rule needs at least 8 timed minutes for one unit"
        )
        source = _CMS_SOURCE
    else:
        needs = (
            f"the CMS 8-minute rule gave this day's units for {pooled} timed minutes "
            "to codes with larger remainders (or to the winner of a tie), and 97750 "
            "needs 15 minutes to be sure of a unit"
        )
        source = _CMS_SOURCE
    return Finding(
        code=FindingCode.BELOW_MINIMUM_MINUTES,
        severity=Severity.BLOCKS,
        message=f"97750 gets 0 units: {_minutes(testing)} of testing; {needs}.",
        source=source,
    )


def assistant_performed(test_name: str, role: str) -> Finding:
    """Return the finding for a test an assistant performed (DOMAIN.md §2.5, §4.4)."""
    return Finding(
        code=FindingCode.ASSISTANT_PERFORMED,
        severity=Severity.BLOCKS,
        message=(
            f"'{test_name}' was performed by a {role.upper()}; formal testing needs "
            "clinical judgment outside a therapy assistant's scope of practice, so it "
            "cannot be billed as 97750."
        ),
        source="DOMAIN.md §2.5, §4.4; WPS A53309",
    )


def no_result(test_name: str) -> Finding:
    """Return the finding for a test with no recorded result (DOMAIN.md §2.3)."""
    return Finding(
        code=FindingCode.TEST_WITHOUT_RESULT,
        severity=Severity.BLOCKS,
        message=(
            f"'{test_name}' has no result; the 97750 written report must give an "
            "objective result for every test."
        ),
        source="DOMAIN.md §2.3, §7",
    )


def same_day_evaluation(codes: list[str]) -> Finding:
    """Return the NCCI warning for an evaluation the same day (DOMAIN.md §2.5, §3.2)."""
    return Finding(
        code=FindingCode.SAME_DAY_EVALUATION,
        severity=Severity.WARNING,
        message=(
            f"97750 is recorded with {_codes(codes)} on the same date; NCCI treats "
            "97750 as not separately reportable with a PT/OT evaluation or "
            "re-evaluation by the same provider. Bill both only if the testing was "
            "distinct from the evaluation and documented as such, with modifier 59 or "
            "XU; whether the edit allows a modifier at all is UNCONFIRMED."
        ),
        source="DOMAIN.md §2.5, §3.2; NCCI PTP edits",
    )


def same_day_rom_mmt_code(codes: list[str]) -> Finding:
    """Return the warning for same-day ROM or muscle-testing codes (DOMAIN.md §3.2)."""
    return Finding(
        code=FindingCode.SAME_DAY_ROM_MMT_CODE,
        severity=Severity.WARNING,
        message=(
            f"97750 is recorded with {_codes(codes)} on the same date; payer policy "
            "says range-of-motion (95851, 95852) and manual muscle testing "
            "(95831-95834) codes are not reported in addition to 97750."
        ),
        source="DOMAIN.md §1.1, §3.2; MAC LCD text; Cigna CPG295",
    )


def mue_exceeded(units: int, limit: int) -> Finding:
    """Return the warning for more 97750 units than the MUE (DOMAIN.md §2.5)."""
    return Finding(
        code=FindingCode.MUE_EXCEEDED,
        severity=Severity.WARNING,
        message=(
            f"97750 has {units} units; the Medicare MUE for 97750 is commonly cited as "
            f"{limit} units per day, but that value is UNCONFIRMED, so check the "
            "current CMS MUE file before billing this many."
        ),
        source="DOMAIN.md §2.5 (MUE value UNCONFIRMED)",
    )


def looks_like_exercise(exercise: list[tuple[str, int]], testing: int) -> Finding:
    """Return the warning for exercise outweighing testing (DOMAIN.md §2.5).

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
        source="DOMAIN.md §2.5; WPS A53309 (heuristic)",
    )


def kx_applied(
    year: int, year_to_date: Decimal, charge: Decimal, threshold: Decimal
) -> Finding:
    """Return the note explaining why KX was applied (DOMAIN.md §4.2)."""
    return Finding(
        code=FindingCode.KX_APPLIED,
        severity=Severity.INFO,
        message=(
            f"KX applied: {_dollars(year_to_date)} of therapy charges so far in {year} "
            f"plus {_dollars(charge)} for this session's 97750 is "
            f"{_dollars(year_to_date + charge)}, above the {year} Medicare threshold "
            f"of {_dollars(threshold)}; KX attests that the services are medically "
            "necessary and documented."
        ),
        source="DOMAIN.md §4.2; BBA 2018 §50202",
    )


def no_kx_threshold(year: int) -> Finding:
    """Return the warning for a year missing from the KX table (DOMAIN.md §4.2)."""
    return Finding(
        code=FindingCode.NO_KX_THRESHOLD,
        severity=Severity.WARNING,
        message=(
            f"No KX threshold on file for {year}, so KX was not applied; add the "
            f"{year} Medicare therapy threshold to the rules before billing."
        ),
        source="DOMAIN.md §4.2",
    )


def _minutes(count: int) -> str:
    return "1 minute" if count == 1 else f"{count} minutes"


def _codes(codes: list[str]) -> str:
    return ", ".join(codes)


def _dollars(amount: Decimal) -> str:
    return f"${amount.quantize(_CENT, ROUND_HALF_UP):,}"
