"""A date of service is billed as one: every session of the day under one plan of
care discipline is pooled before units are allocated (CMS Pub. 100-04 Ch. 5 §20.2).
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from billing.rules import Finding, PlanFacts, Severity, decide
from tests.billing.rules.builders import (
    DAY,
    at,
    codes_of,
    make_day,
    make_test,
    make_visit,
)


def visit_at(hour: int, minutes: int, other: dict[str, int] | None = None, **kw):
    """Return a visit starting `hour` hours after 09:00 with `minutes` of testing."""
    start = hour * 60
    return make_visit(
        tests=(make_test(start, start + minutes),),
        other=other,
        session_start=at(start),
        session_end=at(start + 45),
        **kw,
    )


# (name, visits as (minutes of 97750, other codes), method, units by code)
GOLDEN = [
    ("two 10-min sessions", [(10, {}), (10, {})], "cms_8_minute", {"97750": 1}),
    ("two 10-min sessions", [(10, {}), (10, {})], "cpt_midpoint", {"97750": 1}),
    ("two 10-min sessions", [(10, {}), (10, {})], "whole_units", {"97750": 1}),
    ("two 7-min sessions", [(7, {}), (7, {})], "cms_8_minute", {"97750": 1}),
    ("two 7-min sessions", [(7, {}), (7, {})], "cpt_midpoint", {"97750": 1}),
    ("two 7-min sessions", [(7, {}), (7, {})], "whole_units", {"97750": 0}),
    ("three 8-min sessions", [(8, {}), (8, {}), (8, {})], "cms_8_minute", {"97750": 2}),
    ("three 8-min sessions", [(8, {}), (8, {}), (8, {})], "cpt_midpoint", {"97750": 2}),
    ("three 8-min sessions", [(8, {}), (8, {}), (8, {})], "whole_units", {"97750": 1}),
    (
        "mixed codes over two sessions",
        [(10, {"97110": 5}), (5, {"97140": 10})],
        "cms_8_minute",
        {"97750": 1, "97110": 0, "97140": 1},
    ),
    (
        "mixed codes over two sessions",
        [(10, {"97110": 5}), (5, {"97140": 10})],
        "cpt_midpoint",
        {"97750": 1, "97110": 0, "97140": 1},
    ),
    (
        "one code in two sessions",
        [(20, {"97110": 4}), (20, {"97110": 4})],
        "cms_8_minute",
        {"97750": 3, "97110": 0},
    ),
    (
        "one code in two sessions",
        [(20, {"97110": 4}), (20, {"97110": 4})],
        "cpt_midpoint",
        {"97750": 3, "97110": 1},
    ),
    (
        "three sessions, an untimed evaluation attested",
        [(12, {"97161": 0}), (12, {}), (12, {"97530": 9})],
        "cms_8_minute",
        {"97750": 2, "97530": 1},
    ),
]


@pytest.mark.parametrize(("name", "visits", "method", "expected"), GOLDEN)
def test_golden_date_of_service(name, visits, method, expected):
    # given the day's sessions, two hours apart
    facts = make_day(
        tuple(
            visit_at(2 * hour, minutes, other, distinct_service_reason="After eval")
            for hour, (minutes, other) in enumerate(visits)
        ),
        method=method,
    )
    # when
    decision = decide(facts)
    # then
    assert dict(decision.units_by_code) == expected, name


def test_two_ten_minute_sessions_bill_one_line_of_one_unit_not_two():
    # given
    facts = make_day((visit_at(0, 10), visit_at(3, 10)))
    # when
    decision = decide(facts)
    # then
    assert [(line.code, line.units) for line in decision.lines] == [("97750", 1)]
    assert decision.arithmetic == (
        "2 sessions on 03/02/2026 pooled: 20 timed min → 1 unit (8-22 min) under the "
        "CMS 8-minute rule; 97750 gets 1 full unit"
    )


def test_two_seven_minute_sessions_earn_the_unit_neither_earns_alone():
    # given
    one = make_day((visit_at(0, 7),))
    both = make_day((visit_at(0, 7), visit_at(3, 7)))
    # when / then
    assert decide(one).units == 0
    assert decide(both).units == 1
    assert decide(both).qualifies is True


def test_overlapping_sessions_do_not_bill_a_minute_twice():
    # given two sessions of the same 20 minutes (recorded twice by mistake)
    facts = make_day((visit_at(0, 20), visit_at(0, 20)))
    # when / then
    assert dict(decide(facts).minutes_by_code) == {"97750": 20}


def test_pt_and_ot_the_same_day_are_decided_apart():
    # given a 10-minute PT session and a 10-minute OT session the same day
    pt = make_day((visit_at(0, 10),))
    ot = make_day(
        (
            make_visit(
                tests=(make_test(120, 130, performer_role="ot"),),
                session_start=at(120),
                session_end=at(150),
                discipline="OT",
            ),
        )
    )
    # when
    pt_decision, ot_decision = decide(pt), decide(ot)
    # then each earns its own unit with its own modifier
    assert (pt_decision.units, pt_decision.modifiers) == (1, ("GP",))
    assert (ot_decision.units, ot_decision.modifiers) == (1, ("GO",))


def test_kx_crossing_inside_a_day_marks_the_line_that_crosses_and_those_after():
    # given $2,400 allowed this year; 97750 $50 then 97110 $40 take it to $2,490
    facts = make_day(
        (visit_at(0, 15, {"97110": 10}),),
        payer_kind="medicare",
        rates={"97750": Decimal("50.00"), "97110": Decimal("40.00")},
        year_to_date_charges=Decimal("2400.00"),
    )
    # when
    decision = decide(facts)
    # then
    assert [(line.code, line.modifiers) for line in decision.lines] == [
        ("97750", ("GP",)),
        ("97110", ("GP", "KX")),
    ]
    assert decision.modifiers == ("GP",)
    assert decision.expected_payment == Decimal("90.00")
    assert decision.findings[-1].message.startswith(
        "KX on 97110: $2,400.00 of PT and speech-language pathology therapy allowed "
        "so far in 2026 plus $90.00 for this date of service is $2,490.00"
    )


def test_charge_and_expected_payment_are_two_amounts():
    # given a clinic fee of $120 a unit and a payer rate of $50
    facts = make_day(
        (visit_at(0, 30),),
        rates={"97750": Decimal("50.00")},
        fees={"97750": Decimal("120.00")},
    )
    # when
    decision = decide(facts)
    # then
    assert (decision.charge, decision.expected_payment) == (
        Decimal("240.00"),
        Decimal("100.00"),
    )


def test_a_code_missing_from_the_rate_table_warns_and_pays_nothing():
    # given
    facts = replace(make_day((visit_at(0, 30),)), rates=())
    # when
    decision = decide(facts)
    # then
    assert decision.expected_payment == Decimal("0.00")
    assert codes_of(decision) == ["no_rate"]


# --- testing frequency (a payer setting) ---


@pytest.mark.parametrize(
    ("days_before", "interval", "warns"),
    [(10, 30, True), (29, 30, True), (30, 30, False), (45, 30, False), (5, 0, False)],
)
def test_another_97750_within_the_payers_interval_warns(days_before, interval, warns):
    # given
    earlier = DAY - timedelta(days=days_before)
    facts = make_day(
        (visit_at(0, 30),), previous_testing_on=earlier, retest_interval_days=interval
    )
    # when
    decision = decide(facts)
    # then
    assert ("retest_within_interval" in codes_of(decision)) is warns
    if warns:
        assert decision.findings[0] == Finding(
            code="retest_within_interval",
            severity=Severity.WARNING,
            message=(
                f"97750 was last billed for this patient on {earlier:%m/%d/%Y}, "
                f"{days_before} days before; the payer expects at least {interval} "
                "days between formal tests. Testing is not paid as routine "
                "reassessment, so say what changed."
            ),
            source=(
                "the payer's testing frequency policy (a payer setting); WPS Billing "
                "and Coding Article A53309"
            ),
        )


# --- plan of care ---


def test_no_plan_of_care_warns_but_does_not_hold():
    # given
    facts = make_day((visit_at(0, 30, plan=None),))
    # when
    decision = decide(facts)
    # then
    assert decision.qualifies is True
    assert codes_of(decision) == ["no_plan_of_care"]
    assert decision.findings[0].source == (
        "42 CFR 424.24(c); CMS Benefit Policy Manual (Pub. 100-02) Ch. 15 §220.1"
    )


def _plan(starts_back: int, certified: bool, length: int = 90) -> PlanFacts:
    starts_on = DAY - timedelta(days=starts_back)
    return PlanFacts(
        discipline="PT",
        starts_on=starts_on,
        certification_from=starts_on,
        certification_through=starts_on + timedelta(days=length - 1),
        certified_on=starts_on if certified else None,
    )


def test_a_date_outside_the_certification_period_warns():
    # given a plan certified 1 Nov - 29 Jan, and a visit on 2 Mar
    plan = _plan(starts_back=121, certified=True)
    facts = make_day((visit_at(0, 30, plan=plan),))
    # when
    decision = decide(facts)
    # then
    assert codes_of(decision) == ["outside_certification"]
    assert decision.findings[0].message == (
        "The date of service 03/02/2026 is outside the plan of care's certification "
        "period (11/01/2025–01/29/2026); recertify the plan before billing."
    )


@pytest.mark.parametrize(
    ("payer_kind", "days", "warns"),
    [("medicare", 31, True), ("medicare", 30, False), ("commercial", 60, False)],
)
def test_medicare_wants_the_plan_certified_within_30_days(payer_kind, days, warns):
    # given an uncertified plan that started `days` days ago
    facts = make_day(
        (visit_at(0, 30, plan=_plan(starts_back=days, certified=False)),),
        payer_kind=payer_kind,
        rate=Decimal("0"),
    )
    # when
    decision = decide(facts)
    # then
    assert ("certification_overdue" in codes_of(decision)) is warns


def test_the_plan_start_in_the_overdue_message():
    # given
    facts = make_day(
        (visit_at(0, 30, plan=_plan(starts_back=40, certified=False)),),
        payer_kind="medicare",
        rate=Decimal("0"),
    )
    # when
    finding = decide(facts).findings[0]
    # then
    assert finding.message == (
        "The plan of care started on 01/21/2026, 40 days ago, and is not yet "
        "certified; Medicare expects the physician's or NPP's certification within 30 "
        "days of the first treatment (a delayed certification needs the reason)."
    )
    assert finding.severity is Severity.WARNING
    assert date(2026, 1, 21) == DAY - timedelta(days=40)


@pytest.mark.parametrize(
    ("payer_kind", "waited", "warns"),
    [("medicare", 31, True), ("medicare", 30, False), ("commercial", 45, False)],
)
def test_medicare_wants_a_late_certification_explained(payer_kind, waited, warns):
    # given a plan that started 60 days ago and was certified `waited` days after
    plan = replace(
        _plan(starts_back=60, certified=True),
        certified_on=DAY - timedelta(days=60 - waited),
    )
    facts = make_day(
        (visit_at(0, 30, plan=plan),), payer_kind=payer_kind, rate=Decimal("0")
    )
    # when
    decision = decide(facts)
    # then
    assert ("certification_delayed" in codes_of(decision)) is warns
    assert "certification_overdue" not in codes_of(decision)


def test_the_delayed_certification_message_gives_both_dates():
    # given a plan started 01/01/2026 and certified 02/15/2026 (45 days)
    plan = replace(
        _plan(starts_back=60, certified=True),
        starts_on=date(2026, 1, 1),
        certification_from=date(2026, 1, 1),
        certified_on=date(2026, 2, 15),
    )
    facts = make_day(
        (visit_at(0, 30, plan=plan),), payer_kind="medicare", rate=Decimal("0")
    )
    # when
    [finding] = [f for f in decide(facts).findings if f.code == "certification_delayed"]
    # then
    assert finding.message.startswith(
        "The plan of care started on 01/01/2026 and was certified on 02/15/2026, "
        "45 days later;"
    )
    assert finding.source.startswith("CMS Benefit Policy Manual (Pub. 100-02) Ch. 15")
