"""decide(): units, payment, modifiers and every blocking and warning finding."""

from dataclasses import fields
from decimal import Decimal

import pytest

from billing.rules import (
    RULES_VERSION,
    Decision,
    Finding,
    Line,
    OtherProcedure,
    Severity,
    decide,
)
from tests.billing.rules.builders import at, codes_of, make_session, make_test

# --- a billable session, end to end ---


def test_clean_session_qualifies_with_every_value_spelled_out():
    # given one 30-minute test by a PT, commercial payer, CMS method, $33.73 a unit
    facts = make_session()
    # when
    decision = decide(facts)
    # then
    assert decision == Decision(
        qualifies=True,
        units=2,
        units_by_code=(("97750", 2),),
        minutes_by_code=(("97750", 30),),
        test_minutes=(("Timed Up and Go", 30),),
        method="cms_8_minute",
        arithmetic=(
            "30 timed min → 2 units (23-37 min) under the CMS 8-minute rule; "
            "97750 gets 2 full units"
        ),
        modifiers=("GP",),
        lines=(
            Line(
                code="97750",
                units=2,
                modifiers=("GP",),
                charge=Decimal("0.00"),
                expected_payment=Decimal("67.46"),
            ),
        ),
        findings=(),
        charge=Decimal("0.00"),
        expected_payment=Decimal("67.46"),
        rules_version=RULES_VERSION,
    )


def test_rules_version_is_the_module_constant():
    # given / when
    decision = decide(make_session())
    # then
    assert decision.rules_version == "2026.12.2"


def test_ot_plan_of_care_gets_go():
    # given
    facts = make_session(tests=(make_test(performer_role="ot"),), discipline="OT")
    # when
    decision = decide(facts)
    # then
    assert decision.modifiers == ("GO",)
    assert decision.qualifies is True


@pytest.mark.parametrize(
    ("role", "discipline", "therapist", "modifier"),
    [("ot", "PT", "physical", "GP"), ("pt", "OT", "occupational", "GO")],
)
def test_a_test_given_by_another_disciplines_therapist_is_held(
    role, discipline, therapist, modifier
):
    # given an OT testing under a PT plan of care (or the reverse)
    facts = make_session(
        tests=(make_test(name="Berg", performer_role=role),), discipline=discipline
    )
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is False
    assert decision.findings == (
        Finding(
            code="performer_outside_discipline",
            severity=Severity.BLOCKS,
            message=(
                f"'Berg' was performed by a {role.upper()} under a {discipline} plan "
                f"of care; {discipline} services must be furnished by a {therapist} "
                "therapist (or a physician), so it cannot be billed with the "
                f"{modifier} modifier. Record it under a plan of care of the "
                "performer's discipline."
            ),
            source=(
                "42 CFR 410.59, 410.60; WPS therapy modifiers (GP/GO identify the "
                "plan of care discipline)"
            ),
        ),
    )


@pytest.mark.parametrize("discipline", ["PT", "OT"])
def test_a_physician_may_test_under_either_plan(discipline):
    # given
    facts = make_session(
        tests=(make_test(performer_role="physician"),), discipline=discipline
    )
    # when / then
    assert decide(facts).qualifies is True


def test_physician_performed_test_qualifies():
    # given
    facts = make_session(tests=(make_test(performer_role="physician"),))
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is True
    assert decision.findings == ()


def test_overlapping_tests_bill_the_union_and_report_each_test():
    # given 0-20 and 10-38: 38 minutes of testing
    tests = (make_test(0, 20, name="TUG"), make_test(10, 38, name="Berg"))
    facts = make_session(tests=tests)
    # when
    decision = decide(facts)
    # then
    assert decision.minutes_by_code == (("97750", 38),)
    assert decision.test_minutes == (("TUG", 20), ("Berg", 28))
    assert decision.units == 3
    assert decision.expected_payment == Decimal("101.19")


def test_time_outside_the_session_window_is_not_billed():
    # given a session 0-20 and a test 0-30
    facts = make_session(tests=(make_test(0, 30),), session_end=at(20))
    # when
    decision = decide(facts)
    # then
    assert decision.minutes_by_code == (("97750", 20),)
    assert decision.units == 1


# --- pooling with other services (DOMAIN.md §1.2-§1.3) ---


def test_other_timed_services_share_the_cms_pool():
    # given 97750 24 min and 97110 23 min (CMS example 1 with 97750)
    facts = make_session(tests=(make_test(0, 24),), other={"97110": 23})
    # when
    decision = decide(facts)
    # then
    assert decision.units_by_code == (("97750", 2), ("97110", 1))
    assert decision.minutes_by_code == (("97750", 24), ("97110", 23))
    assert decision.units == 2
    assert decision.expected_payment == Decimal("67.46")


def test_untimed_services_stay_out_of_the_pool_and_the_unit_list():
    # given 5 minutes of testing and a 45-minute evaluation
    facts = make_session(tests=(make_test(0, 5),), other={"97161": 45})
    # when
    decision = decide(facts)
    # then
    assert decision.units == 0
    assert decision.units_by_code == (("97750", 0),)
    assert decision.minutes_by_code == (("97750", 5),)
    assert decision.arithmetic.endswith("; untimed 97161 not counted")


def test_repeated_other_service_codes_are_added_up():
    # given 97110 recorded twice
    facts = make_session(
        tests=(make_test(0, 20),),
        other_procedures=(OtherProcedure("97110", 10), OtherProcedure("97110", 13)),
    )
    # when
    decision = decide(facts)
    # then 20 + 23 = 43 min -> 3 units; the spare one to 97110's 8-minute remainder
    assert decision.minutes_by_code == (("97750", 20), ("97110", 23))
    assert decision.units_by_code == (("97750", 1), ("97110", 2))


@pytest.mark.parametrize(
    ("method", "units"),
    [("cms_8_minute", 0), ("cpt_midpoint", 1), ("whole_units", 0)],
)
def test_the_payer_method_decides_the_97750_units(method, units):
    # given 8 minutes of testing and 8 of 97140: pooled, the one CMS unit goes to
    # 97140 on the tie-break; counted apart, each has its midpoint
    facts = make_session(tests=(make_test(0, 8),), other={"97140": 8}, method=method)
    # when
    decision = decide(facts)
    # then
    assert decision.units == units
    assert decision.method == method


# --- blocks: below the minimum (DOMAIN.md §1.2-§1.4) ---


def test_seven_minutes_alone_block_under_cms():
    # given
    facts = make_session(tests=(make_test(0, 7),))
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is False
    assert decision.units == 0
    assert decision.expected_payment == Decimal("0.00")
    assert decision.findings == (
        Finding(
            code="below_minimum_minutes",
            severity=Severity.BLOCKS,
            message=(
                "97750 gets 0 units: 7 minutes of testing; the CMS 8-minute rule needs "
                "at least 8 timed minutes for one unit."
            ),
            source="CMS Claims Processing Manual (Pub. 100-04) Ch. 5 §20.2",
        ),
    )


def test_short_pool_names_the_pooled_minutes():
    # given 5 minutes of testing and 2 of 97110
    facts = make_session(tests=(make_test(0, 5),), other={"97110": 2})
    # when
    decision = decide(facts)
    # then
    assert decision.findings[0].message == (
        "97750 gets 0 units: 5 minutes of testing; all timed codes together have "
        "7 minutes, and the CMS 8-minute rule needs at least 8 timed minutes for "
        "one unit."
    )


def test_97750_losing_the_pooled_unit_blocks():
    # given 7 minutes each of 97750 and 97110: 1 unit, the tie goes to 97110
    facts = make_session(tests=(make_test(0, 7),), other={"97110": 7})
    # when
    decision = decide(facts)
    # then
    assert decision.units_by_code == (("97750", 0), ("97110", 1))
    assert codes_of(decision) == ["below_minimum_minutes"]
    assert decision.findings[0].message == (
        "97750 gets 0 units: 7 minutes of testing; the CMS 8-minute rule gave this "
        "day's units for 14 timed minutes to codes with larger remainders (or to the "
        "winner of a tie), and 97750 needs 15 minutes to be sure of a unit."
    )


def test_seven_minutes_block_under_cpt_midpoint():
    # given
    facts = make_session(tests=(make_test(0, 7),), method="cpt_midpoint")
    # when
    decision = decide(facts)
    # then
    assert decision.findings == (
        Finding(
            code="below_minimum_minutes",
            severity=Severity.BLOCKS,
            message=(
                "97750 gets 0 units: 7 minutes of testing; the CPT midpoint rule needs "
                "at least 8 minutes of 97750 for one unit."
            ),
            source="CPT time convention: a unit is attained when the midpoint is passed",
        ),
    )


def test_fourteen_minutes_block_under_whole_units():
    # given
    facts = make_session(tests=(make_test(0, 14),), method="whole_units")
    # when
    decision = decide(facts)
    # then
    assert decision.findings == (
        Finding(
            code="below_minimum_minutes",
            severity=Severity.BLOCKS,
            message=(
                "97750 gets 0 units: 14 minutes of testing; the whole-unit policy "
                "needs 15 full minutes of 97750 for one unit."
            ),
            source="the payer's rounding policy (a payer setting)",
        ),
    )


def test_one_minute_is_written_in_the_singular():
    # given
    facts = make_session(tests=(make_test(0, 1),), method="cpt_midpoint")
    # when
    decision = decide(facts)
    # then
    assert decision.findings[0].message.startswith(
        "97750 gets 0 units: 1 minute of testing;"
    )


def test_eight_minutes_qualify_under_cms():
    # given
    facts = make_session(tests=(make_test(0, 8),))
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is True
    assert decision.units == 1
    assert decision.expected_payment == Decimal("33.73")


# --- blocks: no tests, assistants, results, report, signer ---


def test_session_without_tests_blocks_once():
    # given
    facts = make_session(tests=())
    # when
    decision = decide(facts)
    # then no second finding for the 0 minutes that follow from it
    assert decision.qualifies is False
    assert decision.findings == (
        Finding(
            code="no_tests",
            severity=Severity.BLOCKS,
            message=(
                "No tests are recorded, so there is no testing time to bill as 97750."
            ),
            source="CPT 97750 descriptor ('with written report, each 15 minutes')",
        ),
    )
    assert decision.test_minutes == ()
    assert decision.expected_payment == Decimal("0.00")


@pytest.mark.parametrize(("role", "shown"), [("pta", "PTA"), ("ota", "OTA")])
def test_assistant_performed_test_blocks_and_is_named(role, shown):
    # given a billable 30-minute test, performed by an assistant
    facts = make_session(
        tests=(make_test(name="Berg Balance Scale", performer_role=role),)
    )
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is False
    assert decision.units == 2
    assert decision.expected_payment == Decimal("0.00")
    assert decision.findings == (
        Finding(
            code="assistant_performed",
            severity=Severity.BLOCKS,
            message=(
                f"'Berg Balance Scale' was performed by a {shown}; formal testing "
                "needs clinical judgment outside a therapy assistant's scope of "
                "practice, so it cannot be billed as 97750."
            ),
            source="WPS Billing and Coding Article A53309",
        ),
    )


def test_test_without_result_blocks_and_is_named():
    # given
    tests = (
        make_test(0, 15, name="TUG"),
        make_test(15, 30, name="6MWT", has_result=False),
    )
    facts = make_session(tests=tests)
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is False
    assert decision.findings == (
        Finding(
            code="test_without_result",
            severity=Severity.BLOCKS,
            message=(
                "'6MWT' has no result; the 97750 written report must give an objective "
                "result for every test."
            ),
            source="CPT 97750 descriptor ('with written report, each 15 minutes')",
        ),
    )


def test_missing_interpretation_blocks():
    # given
    facts = make_session(has_interpretation=False)
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is False
    assert decision.findings == (
        Finding(
            code="no_interpretation",
            severity=Severity.BLOCKS,
            message=(
                "No interpretation or written report is recorded; 97750 is a test "
                "'with written report', so it cannot be billed without one."
            ),
            source="CPT 97750 descriptor ('with written report, each 15 minutes')",
        ),
    )


def test_signer_without_credentials_blocks():
    # given
    facts = make_session(signer_has_credentials=False)
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is False
    assert decision.findings == (
        Finding(
            code="signer_without_credentials",
            severity=Severity.BLOCKS,
            message=(
                "The signer's professional credentials are missing; Medicare needs the "
                "signature and professional identification of the qualified "
                "professional, and audits deny notes without valid credentials."
            ),
            source=(
                "CMS Benefit Policy Manual (Pub. 100-02) Ch. 15 §220.3; Noridian JE Part B "
                "therapy TPE review results"
            ),
        ),
    )


def test_every_blocking_problem_is_reported_in_a_fixed_order():
    # given an assistant's short test without result, no report, no credentials
    tests = (
        make_test(0, 3, name="TUG", performer_role="pta", has_result=False),
        make_test(3, 6, name="Berg", performer_role="ota"),
    )
    facts = make_session(
        tests=tests, has_interpretation=False, signer_has_credentials=False
    )
    # when
    decision = decide(facts)
    # then
    assert codes_of(decision) == [
        "below_minimum_minutes",
        "assistant_performed",
        "assistant_performed",
        "test_without_result",
        "no_interpretation",
        "signer_without_credentials",
    ]
    assert all(f.severity is Severity.BLOCKS for f in decision.findings)


# --- warnings: still billable, but check (DOMAIN.md §2.5, §3) ---


def test_same_day_evaluation_holds_97750_until_attested():
    # given a PT re-evaluation and an OT evaluation the same day, no attestation
    facts = make_session(other={"97164": 0, "97165": 0})
    # when
    decision = decide(facts)
    # then 97750 is held; the evaluations are still billed, one unit each
    assert decision.qualifies is False
    assert [(line.code, line.units) for line in decision.lines] == [
        ("97164", 1),
        ("97165", 1),
    ]
    assert decision.findings == (
        Finding(
            code="same_day_evaluation",
            severity=Severity.BLOCKS,
            message=(
                "97750 is recorded with 97164, 97165 on the same date. 97750 is not "
                "to be used instead of an evaluation, and NCCI pairs it with the PT/OT "
                "evaluation codes, so it is held: bill it only if the testing was a "
                "distinct service at a separate time, and say why on the session."
            ),
            source=(
                "WPS Billing and Coding Article A53309; CMS NCCI "
                "procedure-to-procedure edits"
            ),
        ),
    )


def test_attested_distinct_testing_proposes_modifier_59_with_its_source():
    # given the same day's evaluation and the clinician's attestation
    facts = make_session(
        other={"97161": 0},
        distinct_service_reason="Testing at 14:00 after the morning evaluation",
    )
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is True
    assert decision.modifiers == ("GP", "59")
    assert [(line.code, line.modifiers) for line in decision.lines] == [
        ("97750", ("GP", "59")),
        ("97161", ("GP",)),
    ]
    assert decision.findings == (
        Finding(
            code="distinct_from_evaluation",
            severity=Severity.INFO,
            message=(
                "97750 is recorded with 97161 on the same date; the clinician attests "
                "the testing was a distinct service at a separate time (Testing at "
                "14:00 after the morning evaluation), so modifier 59 is proposed on "
                "97750 (XU where the payer takes the X modifiers). Check the current "
                "quarter's NCCI table allows a modifier for this pair."
            ),
            source=(
                "CMS CR 8863 (Transmittal 1422): modifier 59 and its X{EPSU} "
                "subsets; CMS NCCI procedure-to-procedure edits"
            ),
        ),
    )


def test_a_blank_attestation_does_not_count():
    # given
    facts = make_session(other={"97161": 0}, distinct_service_reason="   ")
    # when
    decision = decide(facts)
    # then
    assert codes_of(decision) == ["same_day_evaluation"]


@pytest.mark.parametrize("code", ["97161", "97162", "97163", "97166", "97167", "97168"])
def test_every_evaluation_code_holds_97750(code):
    # given
    facts = make_session(other={code: 0})
    # when
    decision = decide(facts)
    # then
    assert codes_of(decision) == ["same_day_evaluation"]


def test_same_day_rom_and_muscle_testing_codes_warn():
    # given
    facts = make_session(other={"95851": 0, "95832": 0})
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is True
    assert decision.findings == (
        Finding(
            code="same_day_rom_mmt_code",
            severity=Severity.WARNING,
            message=(
                "97750 is recorded with 95851, 95832 on the same date; payer policy "
                "says range-of-motion (95851, 95852) and manual muscle testing "
                "(95831-95834) codes are not reported in addition to 97750."
            ),
            source="Cigna Coverage Policy CPG295; MAC LCD text on 97750",
        ),
    )


@pytest.mark.parametrize("code", ["95852", "95831"])
def test_other_rom_and_muscle_testing_codes_warn(code):
    # given
    facts = make_session(other={code: 0})
    # when
    decision = decide(facts)
    # then
    assert codes_of(decision) == ["same_day_rom_mmt_code"]


def test_more_than_eight_units_warn_that_the_mue_is_unconfirmed():
    # given 128 minutes of testing: 9 units
    facts = make_session(tests=(make_test(0, 128),), session_end=at(150))
    # when
    decision = decide(facts)
    # then
    assert decision.units == 9
    assert decision.qualifies is True
    assert decision.expected_payment == Decimal("303.57")
    assert decision.findings == (
        Finding(
            code="mue_exceeded",
            severity=Severity.WARNING,
            message=(
                "97750 has 9 units; the Medicare MUE for 97750 is commonly cited as 8 "
                "units per day, but that value is UNCONFIRMED, so check the current "
                "CMS MUE file before billing this many."
            ),
            source="CMS Medically Unlikely Edits table (value not confirmed)",
        ),
    )


def test_eight_units_do_not_warn():
    # given 127 minutes: 8 units
    facts = make_session(tests=(make_test(0, 127),), session_end=at(150))
    # when
    decision = decide(facts)
    # then
    assert decision.units == 8
    assert decision.findings == ()


def test_only_routine_measures_hold_97750():
    # given goniometry and manual muscle testing only, neither in a formal battery
    tests = (
        make_test(0, 15, name="Goniometric ROM", routine_measure=True),
        make_test(15, 30, name="Manual muscle test", routine_measure=True),
    )
    facts = make_session(tests=tests)
    # when
    decision = decide(facts)
    # then their 30 minutes are not 97750 time
    assert decision.qualifies is False
    assert decision.minutes_by_code == (("97750", 0),)
    assert decision.lines == ()
    assert decision.findings == (
        Finding(
            code="routine_measures_only",
            severity=Severity.BLOCKS,
            message=(
                "Only range-of-motion or manual muscle tests are recorded, and none is "
                "marked as part of a formal test battery; routine ongoing assessment "
                "is not separately billable as 97750 formal testing. If a measure was "
                "part of a formal battery, say why on the test."
            ),
            source="WPS Billing and Coding Article A53309",
        ),
    )
    assert decision.arithmetic == (
        "0 timed min → 0 units (0-7 min) under the CMS 8-minute rule; 97750 gets 0 "
        "units; routine measures Goniometric ROM, Manual muscle test (30 min) not "
        "counted as formal testing"
    )


def test_routine_measures_beside_a_formal_test_are_left_out_of_97750_time():
    # given 15 min of goniometry and 15 min of Berg: 30 min, or 15 without ROM
    tests = (
        make_test(0, 15, name="Goniometric ROM", routine_measure=True),
        make_test(15, 30, name="Berg"),
    )
    facts = make_session(tests=tests)
    # when
    decision = decide(facts)
    # then only the Berg's 15 minutes count: 1 unit, not 2
    assert decision.units == 1
    assert decision.test_minutes == (("Berg", 15),)
    assert codes_of(decision) == ["routine_measures_left_out"]
    assert decision.findings[0].message == (
        "Goniometric ROM: 15 minutes left out of 97750 time; routine range-of-motion "
        "and manual muscle testing is ongoing assessment, not formal testing, unless "
        "marked as part of a formal test battery with the reason."
    )
    assert decision.arithmetic.endswith(
        "; routine measures Goniometric ROM (15 min) not counted as formal testing"
    )


def test_routine_measures_in_a_formal_battery_count_with_their_reason_noted():
    # given the ROM marked as part of a formal battery, with the reason
    tests = (
        make_test(
            0,
            15,
            name="Goniometric ROM",
            routine_measure=True,
            battery_reason="Return-to-work battery: lifting needs shoulder flexion",
        ),
        make_test(15, 30, name="Berg"),
    )
    facts = make_session(tests=tests)
    # when
    decision = decide(facts)
    # then
    assert decision.units == 2
    assert codes_of(decision) == ["routine_measures_in_battery"]


def test_a_blank_battery_reason_does_not_count():
    # given
    tests = (
        make_test(
            0, 15, name="Goniometric ROM", routine_measure=True, battery_reason=" "
        ),
        make_test(15, 30, name="Berg"),
    )
    # when
    decision = decide(make_session(tests=tests))
    # then
    assert decision.units == 1


def test_exercise_longer_than_testing_looks_like_treatment():
    # given 20 minutes of testing, 97110 25 min and 97530 21 min
    facts = make_session(
        tests=(make_test(0, 20),),
        other={"97110": 25, "97530": 21},
        method="cpt_midpoint",
    )
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is True
    assert decision.findings == (
        Finding(
            code="looks_like_exercise",
            severity=Severity.WARNING,
            message=(
                "97110 (25 minutes) and 97530 (21 minutes) recorded the same day took "
                "longer than the 20 minutes of testing; the session may be exercise or "
                "activity rather than measurement, so check that the testing was a "
                "distinct, formal test."
            ),
            source="WPS Billing and Coding Article A53309 (a heuristic, not a payer rule)",
        ),
    )


def test_exercise_as_long_as_testing_does_not_warn():
    # given 20 minutes each of testing and 97530; 97112 is not exercise
    facts = make_session(tests=(make_test(0, 20),), other={"97530": 20, "97112": 40})
    # when
    decision = decide(facts)
    # then
    assert decision.findings == ()


def test_warnings_follow_blocks_in_a_fixed_order():
    # given every warning at once, and a missing report
    tests = (
        make_test(
            0, 130, name="Goniometric ROM", routine_measure=True, battery_reason="FCE"
        ),
    )
    facts = make_session(
        tests=tests,
        session_end=at(200),
        other={"97161": 0, "95851": 0, "97110": 140},
        method="cpt_midpoint",
        has_interpretation=False,
    )
    # when
    decision = decide(facts)
    # then
    assert codes_of(decision) == [
        "no_interpretation",
        "same_day_evaluation",
        "same_day_rom_mmt_code",
        "mue_exceeded",
        "routine_measures_in_battery",
        "looks_like_exercise",
    ]
    assert [f.severity for f in decision.findings] == [
        Severity.BLOCKS,
        Severity.BLOCKS,
        Severity.WARNING,
        Severity.WARNING,
        Severity.INFO,
        Severity.WARNING,
    ]


# --- payment (DOMAIN.md §5) ---


def test_payment_rounds_half_up_to_the_cent():
    # given a rate with a half cent: 33.725 (half-even would give 33.72)
    facts = make_session(tests=(make_test(0, 8),), rate=Decimal("33.725"))
    # when
    decision = decide(facts)
    # then
    assert decision.expected_payment == Decimal("33.73")
    assert decision.expected_payment.as_tuple().exponent == -2


def test_payment_of_a_blocked_session_is_zero_cents():
    # given
    facts = make_session(has_interpretation=False)
    # when
    decision = decide(facts)
    # then
    assert decision.expected_payment == Decimal("0.00")
    assert decision.expected_payment.as_tuple().exponent == -2


def test_a_zero_rate_pays_zero_cents():
    # given
    facts = make_session(rate=Decimal("0"))
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is True
    assert str(decision.expected_payment) == "0.00"


def test_decision_is_hashable():
    # given
    decision = decide(make_session(other={"97110": 20, "97161": 0}))
    # when / then
    assert hash(decision) == hash(decide(make_session(other={"97110": 20, "97161": 0})))


@pytest.mark.parametrize("kind", [Decision, Finding])
def test_decisions_and_findings_are_built_by_keyword_only(kind):
    # given a value for every field, passed by position
    values = [None] * len(fields(kind))
    # when / then no field can be filled from the wrong place
    with pytest.raises(TypeError, match=r"takes 1 positional argument but \d+ were"):
        kind(*values)
