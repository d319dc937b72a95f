"""JSON snapshots of facts and decisions, and the checks facts make when built."""

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.rules import (
    DayFacts,
    Discipline,
    Method,
    OtherProcedure,
    PayerKind,
    PerformerRole,
    PlanFacts,
    TestFacts,
    decide,
)
from tests.billing.rules.builders import (
    START,
    at,
    exact,
    make_day,
    make_session,
    make_test,
    make_visit,
)

# --- round trips ---


def test_day_facts_snapshot_is_plain_json_data():
    # given
    facts = make_session(
        tests=(make_test(0, 20, name="TUG"),),
        other={"97110": 12, "97161": 0},
        rates={"97750": Decimal("33.70")},
        fees={"97750": Decimal("120.00")},
        year_to_date_charges=Decimal("1234.5"),
        previous_testing_on=date(2026, 2, 1),
        plan=None,
    )
    facts = replace(facts, rates=(("97750", Decimal("33.70")),))
    # when
    data = facts.to_dict()
    # then
    assert data == {
        "date_of_service": "2026-03-02",
        "discipline": "PT",
        "visits": [
            {
                "date_of_service": "2026-03-02",
                "session_start": "2026-03-02T09:00:00-05:00",
                "session_end": "2026-03-02T10:00:00-05:00",
                "discipline": "PT",
                "tests": [
                    {
                        "name": "TUG",
                        "catalog_code": "tug",
                        "performer_role": "pt",
                        "started_at": "2026-03-02T09:00:00-05:00",
                        "ended_at": "2026-03-02T09:20:00-05:00",
                        "has_result": True,
                        "routine_measure": False,
                        "battery_reason": "",
                    }
                ],
                "other_procedures": [
                    {"code": "97110", "minutes": 12},
                    {"code": "97161", "minutes": 0},
                ],
                "has_interpretation": True,
                "signer_has_credentials": True,
                "distinct_service_reason": "",
                "plan": None,
            }
        ],
        "payer_kind": "commercial",
        "method": "cms_8_minute",
        "rates": {"97750": "33.70"},
        "fees": {"97750": "120.00"},
        "kx_prior_amount": "1234.5",
        "retest_interval_days": 30,
        "previous_testing_on": "2026-02-01",
    }
    assert json.loads(json.dumps(data)) == data


def test_a_plan_of_care_round_trips():
    # given
    plan = PlanFacts(
        discipline="OT",
        starts_on=date(2026, 1, 5),
        certification_from=date(2026, 1, 5),
        certification_through=date(2026, 4, 4),
        certified_on=None,
        diagnoses=("M75.111", "M25.511"),
        referring_name="Ana Ruiz, MD",
        referring_npi="1234567893",
    )
    facts = make_session(plan=plan)
    # when
    data = facts.to_dict()
    # then
    assert data["visits"][0]["plan"] == {
        "discipline": "OT",
        "starts_on": "2026-01-05",
        "certification_from": "2026-01-05",
        "certification_through": "2026-04-04",
        "certified_on": None,
        "diagnoses": ["M75.111", "M25.511"],
        "referring_name": "Ana Ruiz, MD",
        "referring_npi": "1234567893",
    }
    assert DayFacts.from_dict(data) == facts


def test_a_snapshot_stored_per_session_reads_back_as_a_day_of_one_visit():
    # given a decision's inputs as stored before billing went by date of service
    visit = make_session(plan=None).visits[0]
    data = {
        **visit.to_dict(),
        "payer_kind": "medicare",
        "method": "cms_8_minute",
        "rate": "50.00",
        "year_to_date_charges": "100.00",
    }
    for key in ("distinct_service_reason", "plan"):
        del data[key]
    for test in data["tests"]:
        del test["battery_reason"]
    # when
    facts = DayFacts.from_dict(data)
    # then
    assert facts.visits == (visit,)
    assert facts.rates == (("97750", Decimal("50.00")),)
    assert facts.kx_prior_amount == Decimal("100.00")
    assert decide(facts).expected_payment == Decimal("100.00")


def test_day_facts_round_trip_through_json_exactly():
    # given
    visits = (
        make_visit(
            tests=(make_test(0, 20), make_test(10, 40, name="Berg")),
            other={"97530": 9},
        ),
        make_visit(
            tests=(make_test(120, 130, name="Grip", battery_reason="FCE"),),
            session_start=at(120),
            session_end=at(140),
            distinct_service_reason="After the evaluation",
        ),
    )
    facts = make_day(visits, fees={"97750": Decimal("99.5")})
    # when
    replayed = DayFacts.from_dict(json.loads(json.dumps(facts.to_dict())))
    # then
    assert replayed == facts
    assert replayed.to_dict() == facts.to_dict()
    assert decide(replayed) == decide(facts)


def test_enum_members_are_stored_as_their_values():
    # given facts built from the rules' enums
    facts = make_session(
        tests=(make_test(performer_role=PerformerRole.PTA),),
        discipline=Discipline.OT,
        payer_kind=PayerKind.MEDICAID,
        method=Method.WHOLE_UNITS,
    )
    # when
    data = facts.to_dict()
    # then
    assert json.dumps(data["method"]) == '"whole_units"'
    assert (data["discipline"], data["payer_kind"], data["method"]) == (
        "OT",
        "medicaid",
        "whole_units",
    )
    assert data["visits"][0]["tests"][0]["performer_role"] == "pta"
    assert DayFacts.from_dict(data) == facts


def test_money_keeps_its_exponent_through_the_snapshot():
    # given
    facts = make_session(rate=Decimal("33.700"), year_to_date_charges=Decimal("0"))
    # when
    replayed = DayFacts.from_dict(facts.to_dict())
    # then
    assert str(dict(replayed.rates)["97750"]) == "33.700"
    assert str(replayed.kx_prior_amount) == "0"


def test_microseconds_survive_the_snapshot():
    # given
    test = make_test(started_at=at(0) + timedelta(microseconds=7))
    # when
    replayed = TestFacts.from_dict(test.to_dict())
    # then
    assert replayed == test
    assert replayed.started_at.microsecond == 7


def test_a_named_zone_is_stored_as_its_offset_and_names_the_same_instant():
    # given a session recorded in America/Chicago
    chicago = ZoneInfo("America/Chicago")
    start = datetime(2026, 7, 1, 8, 0, tzinfo=chicago)
    facts = make_session(
        session_start=start,
        session_end=start + timedelta(hours=1),
        tests=(make_test(started_at=start, ended_at=start + timedelta(minutes=30)),),
    )
    # when
    data = facts.to_dict()
    replayed = DayFacts.from_dict(data)
    # then
    assert data["visits"][0]["session_start"] == "2026-07-01T08:00:00-05:00"
    assert replayed == facts
    assert replayed.to_dict() == data
    assert decide(replayed) == decide(facts)


def test_test_facts_and_other_service_round_trip():
    # given
    test = make_test(name="6MWT", catalog_code="6mwt", routine_measure=True)
    service = OtherProcedure("97112", 17)
    # when / then
    assert TestFacts.from_dict(test.to_dict()) == test
    assert OtherProcedure.from_dict(service.to_dict()) == service
    assert service.to_dict() == {"code": "97112", "minutes": 17}


def test_snapshot_with_float_money_is_refused():
    # given a snapshot whose rate lost its string form
    data = make_session().to_dict()
    data["rates"]["97750"] = 33.73
    # when / then
    with pytest.raises(
        ValueError, match=r"^rates\[97750\] must be stored as a string, got 33\.73$"
    ):
        DayFacts.from_dict(data)


def test_snapshot_with_a_malformed_amount_is_refused():
    # given
    data = make_session().to_dict()
    data["kx_prior_amount"] = "12,00"
    # when / then
    with pytest.raises(
        ValueError, match=r"^kx_prior_amount is not a decimal number: '12,00'$"
    ):
        DayFacts.from_dict(data)


def test_decision_snapshot_is_plain_json_data():
    # given a pooled CPT-midpoint session with an assistant test
    facts = make_session(
        tests=(make_test(0, 30, name="TUG", performer_role="pta"),),
        other={"97110": 8, "97161": 0},
        method="cpt_midpoint",
    )
    # when
    data = decide(facts).to_dict()
    # then
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "qualifies": False,
        "units": 2,
        "units_by_code": {"97750": 2, "97110": 1},
        "minutes_by_code": {"97750": 30, "97110": 8},
        "test_minutes": [{"name": "TUG", "minutes": 30}],
        "method": "cpt_midpoint",
        "arithmetic": (
            "Under the CPT midpoint rule each code counts on its own, a unit from its "
            "8th minute, minutes never pooled: 97750 30 min → 2 units (23-37 min); "
            "97110 8 min → 1 unit (8-22 min); untimed 97161 not counted"
        ),
        "modifiers": ["GP"],
        "lines": [
            {
                "code": "97110",
                "units": 1,
                "modifiers": ["GP"],
                "charge": "0.00",
                "expected_payment": "0.00",
            },
            {
                "code": "97161",
                "units": 1,
                "modifiers": ["GP"],
                "charge": "0.00",
                "expected_payment": "0.00",
            },
        ],
        "findings": [
            {
                "code": "assistant_performed",
                "severity": "blocks",
                "message": (
                    "'TUG' was performed by a PTA; formal testing needs clinical "
                    "judgment outside a therapy assistant's scope of practice, so it "
                    "cannot be billed as 97750."
                ),
                "source": "WPS Billing and Coding Article A53309",
            },
            {
                "code": "same_day_evaluation",
                "severity": "blocks",
                "message": (
                    "97750 is recorded with 97161 on the same date. 97750 is not to be "
                    "used instead of an evaluation, and NCCI pairs it with the PT/OT "
                    "evaluation codes, so it is held: bill it only if the testing was "
                    "a distinct service at a separate time, and say why on the session."
                ),
                "source": (
                    "WPS Billing and Coding Article A53309; CMS NCCI "
                    "procedure-to-procedure edits"
                ),
            },
        ],
        "charge": "0.00",
        "expected_payment": "0.00",
        "rules_version": "2026.12.2",
    }


def test_decision_method_is_stored_as_a_plain_string():
    # given facts whose method is an enum member
    facts = replace(make_session(), method=Method.CPT_MIDPOINT)
    # when
    data = decide(facts).to_dict()
    # then
    assert type(data["method"]) is str
    assert data["method"] == "cpt_midpoint"


# --- facts refuse what the rules could misread ---


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("discipline", "SLP", "discipline must be one of PT, OT, got 'SLP'"),
        ("discipline", None, "discipline must be one of PT, OT, got None"),
        (
            "payer_kind",
            "tricare",
            "payer_kind must be one of medicare, medicaid, commercial, other, got "
            "'tricare'",
        ),
        (
            "method",
            "rule_of_eights",
            "unknown counting method 'rule_of_eights'; expected one of cms_8_minute, "
            "cpt_midpoint, whole_units",
        ),
        (
            "rate",
            33.73,
            "rates[97750] must be a finite, non-negative Decimal, got 33.73",
        ),
        (
            "rate",
            Decimal("-1"),
            "rates[97750] must be a finite, non-negative Decimal, got Decimal('-1')",
        ),
        (
            "rate",
            Decimal("NaN"),
            "rates[97750] must be a finite, non-negative Decimal, got Decimal('NaN')",
        ),
        (
            "rate",
            Decimal("Infinity"),
            "rates[97750] must be a finite, non-negative Decimal, got "
            "Decimal('Infinity')",
        ),
        (
            "year_to_date_charges",
            100,
            "kx_prior_amount must be a finite, non-negative Decimal, got 100",
        ),
        (
            "retest_interval_days",
            True,
            "retest_interval_days must be a non-negative int, got True",
        ),
        ("visits", (), "visits must hold at least one visit"),
        ("has_interpretation", 1, "has_interpretation must be a bool, got 1"),
        (
            "signer_has_credentials",
            None,
            "signer_has_credentials must be a bool, got None",
        ),
        ("tests", [], "tests must be a tuple of TestFacts"),
        (
            "other_procedures",
            ("97110",),
            "other_procedures must be a tuple of OtherProcedure",
        ),
        (
            "date_of_service",
            datetime(2026, 3, 2, tzinfo=UTC),
            "date_of_service must be a date, got datetime.datetime(2026, 3, 2, 0, 0, "
            "tzinfo=datetime.timezone.utc)",
        ),
        (
            "date_of_service",
            "2026-03-02",
            "date_of_service must be a date, got '2026-03-02'",
        ),
        (
            "session_start",
            START.replace(tzinfo=None),
            "session times must be timezone-aware, got datetime.datetime(2026, 3, 2, "
            "9, 0)",
        ),
        (
            "session_end",
            "10:00",
            "session times must be timezone-aware, got '10:00'",
        ),
        (
            "session_end",
            at(-1),
            "session ends at 2026-03-02 08:59:00-05:00 before it starts at "
            "2026-03-02 09:00:00-05:00",
        ),
    ],
)
def test_day_facts_refuse_bad_fields_with_the_whole_message(field, value, message):
    # given / when / then
    with pytest.raises(ValueError, match=exact(message)):
        make_session(**{field: value})


def test_a_visit_on_another_day_is_refused():
    # given
    other_day = make_visit(
        date_of_service=date(2026, 3, 3),
        session_start=at(24 * 60),
        session_end=at(25 * 60),
        tests=(),
    )
    # when / then
    with pytest.raises(
        ValueError,
        match=exact("a visit on 2026-03-03 is not on the date of service 2026-03-02"),
    ):
        make_day((make_visit(), other_day))


def test_a_visit_of_another_discipline_is_refused():
    # given / when / then
    with pytest.raises(
        ValueError, match=exact("a OT visit is not under the day's PT plan of care")
    ):
        make_day((make_visit(), make_visit(discipline="OT")), discipline="PT")


def test_an_unknown_other_procedure_code_is_refused_by_name():
    # given / when / then
    with pytest.raises(ValueError, match=r"^CPT '99999' is neither"):
        OtherProcedure("99999", 10)


def test_session_facts_refuse_97750_as_an_other_service():
    # given / when / then
    with pytest.raises(
        ValueError,
        match=r"^other_procedures must not list 97750; its minutes come from tests$",
    ):
        make_session(other={"97750": 30})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "performer_role",
            "aide",
            "performer_role must be one of pt, ot, physician, pta, ota, got 'aide'",
        ),
        ("name", "", "name must be a non-empty string, got ''"),
        ("catalog_code", None, "catalog_code must be a non-empty string, got None"),
        (
            "ended_at",
            at(-5),
            "test 'Timed Up and Go' ends at 2026-03-02 08:55:00-05:00 before it "
            "starts at 2026-03-02 09:00:00-05:00",
        ),
        (
            "started_at",
            START.replace(tzinfo=None),
            "test 'Timed Up and Go' times must be timezone-aware, got "
            "datetime.datetime(2026, 3, 2, 9, 0)",
        ),
        (
            "ended_at",
            at(30).replace(tzinfo=None),
            "test 'Timed Up and Go' times must be timezone-aware, got "
            "datetime.datetime(2026, 3, 2, 9, 30)",
        ),
        ("has_result", "yes", "has_result must be a bool, got 'yes'"),
        ("routine_measure", 0, "routine_measure must be a bool, got 0"),
    ],
)
def test_test_facts_refuse_bad_fields_with_the_whole_message(field, value, message):
    # given / when / then
    with pytest.raises(ValueError, match=exact(message)):
        make_test(**{field: value})


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        (-1, r"^minutes for 97110 must not be negative, got -1$"),
        (12.5, r"^minutes for 97110 must be an int, got 12\.5 \(float\)$"),
        (True, r"^minutes for 97110 must be an int, got True \(bool\)$"),
    ],
)
def test_other_service_refuses_bad_minutes(minutes, message):
    # given / when / then
    with pytest.raises(ValueError, match=message):
        OtherProcedure("97110", minutes)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "code must be a non-empty string, got ''"),
        (97110, "code must be a non-empty string, got 97110"),
    ],
)
def test_other_service_refuses_a_code_that_is_not_a_non_empty_string(code, message):
    # given / when / then
    with pytest.raises(ValueError, match=exact(message)):
        OtherProcedure(code, 10)


def test_a_zero_length_test_is_allowed_and_counts_nothing():
    # given
    facts = make_session(tests=(make_test(10, 10), make_test(10, 20)))
    # when
    decision = decide(facts)
    # then
    assert decision.test_minutes == (("Timed Up and Go", 0), ("Timed Up and Go", 10))
    assert decision.units == 1
