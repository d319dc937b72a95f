"""Properties of decide() that must hold for any date of service (hypothesis)."""

import itertools
import json
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from billing.rules import (
    DayFacts,
    Method,
    OtherProcedure,
    PayerKind,
    PerformerRole,
    PlanFacts,
    Severity,
    TestFacts,
    VisitFacts,
    allocate_units,
    decide,
)
from billing.rules.minutes import testing_minutes as session_minutes

ZONES = (UTC, timezone(timedelta(hours=-5)), ZoneInfo("America/Denver"))
OTHER_CODES = ("97110", "97112", "97140", "97530", "97035", "97161", "97164", "95851")
TEST_NAMES = ("TUG", "Berg", "6MWT", "Grip", "Goniometric ROM")
amounts = st.one_of(
    st.decimals(min_value=0, max_value=500, places=2),
    st.decimals(min_value=0, max_value=500, places=3),
    st.integers(min_value=0, max_value=500).map(Decimal),
)


@st.composite
def visits(draw: st.DrawFn, day: date, zone: tzinfo, discipline: str) -> VisitFacts:
    """Draw a visit: 0-6 tests that may overlap or spill out of the window."""
    start = datetime(day.year, day.month, day.day, 7, tzinfo=zone) + timedelta(
        seconds=draw(st.integers(min_value=0, max_value=36_000))
    )
    end = start + timedelta(seconds=draw(st.integers(min_value=0, max_value=10_800)))
    tests = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        began = start + timedelta(
            seconds=draw(st.integers(min_value=-1800, max_value=12_000)),
            microseconds=draw(st.integers(min_value=0, max_value=999_999)),
        )
        tests.append(
            TestFacts(
                name=draw(st.sampled_from(TEST_NAMES)),
                catalog_code="catalog",
                performer_role=draw(st.sampled_from(tuple(PerformerRole))),
                started_at=began,
                ended_at=began
                + timedelta(seconds=draw(st.integers(min_value=0, max_value=4000))),
                has_result=draw(st.booleans()),
                routine_measure=draw(st.booleans()),
                battery_reason=draw(st.sampled_from(("", "FCE battery"))),
            )
        )
    procedures = draw(
        st.lists(
            st.builds(
                OtherProcedure,
                st.sampled_from(OTHER_CODES),
                st.integers(min_value=0, max_value=90),
            ),
            max_size=4,
        )
    )
    starts_on = day - timedelta(days=draw(st.integers(min_value=0, max_value=120)))
    plan = draw(
        st.one_of(
            st.none(),
            st.builds(
                PlanFacts,
                discipline=st.just(discipline),
                starts_on=st.just(starts_on),
                certification_from=st.just(starts_on),
                certification_through=st.just(starts_on + timedelta(days=89)),
                certified_on=st.sampled_from((None, starts_on)),
            ),
        )
    )
    return VisitFacts(
        date_of_service=day,
        session_start=start,
        session_end=end,
        discipline=discipline,
        tests=tuple(tests),
        other_procedures=tuple(procedures),
        has_interpretation=draw(st.booleans()),
        signer_has_credentials=draw(st.booleans()),
        distinct_service_reason=draw(st.sampled_from(("", "Separate visit at 15:00"))),
        plan=plan,
    )


@st.composite
def days(draw: st.DrawFn) -> DayFacts:
    """Draw a date of service of one to three visits under one discipline."""
    zone = draw(st.sampled_from(ZONES))
    day = date(draw(st.sampled_from((2023, 2024, 2025, 2026))), 3, 2)
    discipline = draw(st.sampled_from(("PT", "OT")))
    codes = ("97750", *OTHER_CODES)
    return DayFacts(
        date_of_service=day,
        discipline=discipline,
        visits=tuple(
            draw(st.lists(visits(day, zone, discipline), min_size=1, max_size=3))
        ),
        payer_kind=draw(st.sampled_from(tuple(PayerKind))),
        method=draw(st.sampled_from(tuple(Method))),
        rates=tuple((code, draw(amounts)) for code in codes if draw(st.integers(0, 9))),
        fees=tuple((code, draw(amounts)) for code in codes),
        kx_prior_amount=draw(amounts.map(lambda amount: amount * 10)),
        retest_interval_days=draw(st.integers(min_value=0, max_value=60)),
        previous_testing_on=draw(
            st.one_of(
                st.none(),
                st.integers(min_value=1, max_value=90).map(
                    lambda back: day - timedelta(days=back)
                ),
            )
        ),
    )


def _floats_in(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.items() for f in _floats_in(item)]
    if isinstance(value, list | tuple):
        return [f for item in value for f in _floats_in(item)]
    if is_dataclass(value) and not isinstance(value, type):
        return [
            f for field in fields(value) for f in _floats_in(getattr(value, field.name))
        ]
    return []


@given(days())
def test_decide_is_deterministic_and_replays_from_its_snapshot(facts):
    # given the facts as the app stores them
    replayed = DayFacts.from_dict(json.loads(json.dumps(facts.to_dict())))
    # when
    decision = decide(facts)
    # then
    assert decide(facts) == decision
    assert replayed == facts
    assert decide(replayed) == decision


@given(days())
def test_money_is_never_a_float(facts):
    # given / when
    decision = decide(facts)
    data = decision.to_dict()
    # then
    for amount in (decision.expected_payment, decision.charge):
        assert isinstance(amount, Decimal)
        assert amount.as_tuple().exponent == -2
    assert _floats_in(decision) == []
    assert _floats_in(data) == []
    assert _floats_in(facts.to_dict()) == []
    assert json.loads(json.dumps(data)) == data


@given(days())
def test_97750_is_billed_exactly_when_nothing_blocks(facts):
    # given / when
    decision = decide(facts)
    # then
    blocked = any(f.severity is Severity.BLOCKS for f in decision.findings)
    billed = [line for line in decision.lines if line.code == "97750"]
    assert decision.qualifies is not blocked
    if decision.qualifies:
        assert decision.units >= 1
        assert [line.units for line in billed] == [decision.units]
    else:
        assert billed == []


@given(days())
def test_each_line_is_its_units_times_the_tables(facts):
    # given / when
    decision = decide(facts)
    rates, fees = dict(facts.rates), dict(facts.fees)
    # then
    for line in decision.lines:
        assert line.units >= 1
        assert line.expected_payment == (
            rates.get(line.code, Decimal(0)) * line.units
        ).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert line.charge == (fees.get(line.code, Decimal(0)) * line.units).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    assert decision.expected_payment == sum(
        (line.expected_payment for line in decision.lines), Decimal("0.00")
    )
    assert decision.charge == sum(
        (line.charge for line in decision.lines), Decimal("0.00")
    )
    missing = [line.code for line in decision.lines if line.code not in rates]
    assert ("no_rate" in [f.code for f in decision.findings]) == bool(missing)


@given(days())
def test_units_are_allocate_units_of_the_days_pooled_minutes(facts):
    # given / when
    decision = decide(facts)
    # then
    minutes = dict(decision.minutes_by_code)
    for code in OTHER_CODES:
        if code in minutes:
            assert minutes[code] == sum(
                procedure.minutes
                for visit in facts.visits
                for procedure in visit.other_procedures
                if procedure.code == code
            )
    assert dict(decision.units_by_code) == allocate_units(minutes, facts.method)
    assert decision.units == dict(decision.units_by_code)["97750"]
    assert decision.units_by_code[0][0] == "97750"


@given(days())
def test_testing_minutes_fit_the_sessions_and_add_up_when_they_do_not_overlap(facts):
    # given / when
    decision = decide(facts)
    per_visit = [
        session_minutes(
            [test for test in visit.tests if test.counts_as_formal_testing],
            visit.session_start,
            visit.session_end,
        )[0]
        for visit in facts.visits
    ]
    # then
    testing = dict(decision.minutes_by_code)["97750"]
    own = [minutes for _, minutes in decision.test_minutes]
    # each visit floors its own seconds, so pooled seconds may make whole minutes
    assert max(per_visit) <= testing <= sum(per_visit) + len(per_visit) - 1
    assert testing >= max(own, default=0)
    windows = sorted((v.session_start, v.session_end) for v in facts.visits)
    if all(a[1] <= b[0] for a, b in itertools.pairwise(windows)):
        assert testing >= sum(per_visit)


@given(days())
def test_modifiers_follow_the_discipline_and_kx_only_medicare_from_its_line_on(facts):
    # given / when
    decision = decide(facts)
    discipline = {"PT": "GP", "OT": "GO"}[facts.discipline]
    # then
    assert decision.modifiers[0] == discipline
    kx = ["KX" in line.modifiers for line in decision.lines]
    for line in decision.lines:
        assert line.modifiers[0] == discipline
    if facts.payer_kind != "medicare":
        assert not any(kx)
    # once a line takes the year past the threshold, every later line has KX
    assert kx == sorted(kx)
    assert any(kx) == ("kx_applied" in [f.code for f in decision.findings])
