"""Properties of decide() that must hold for any session (hypothesis)."""

import json
from dataclasses import fields, is_dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from billing.rules import (
    Method,
    OtherProcedure,
    PayerKind,
    PerformerRole,
    SessionFacts,
    Severity,
    TestFacts,
    allocate_units,
    decide,
)

ZONES = (UTC, timezone(timedelta(hours=-5)), ZoneInfo("America/Denver"))
OTHER_CODES = ("97110", "97112", "97140", "97530", "97035", "97161", "97164", "95851")
TEST_NAMES = ("TUG", "Berg", "6MWT", "Grip", "Goniometric ROM")
amounts = st.one_of(
    st.decimals(min_value=0, max_value=500, places=2),
    st.decimals(min_value=0, max_value=500, places=3),
    st.integers(min_value=0, max_value=500).map(Decimal),
)


@st.composite
def sessions(draw: st.DrawFn) -> SessionFacts:
    """Draw a valid session: 0-6 tests that may overlap or spill out of the window."""
    zone = draw(st.sampled_from(ZONES))
    start = datetime(2026, 3, 2, 8, tzinfo=zone) + timedelta(
        seconds=draw(st.integers(min_value=0, max_value=3600))
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
            )
        )
    services = draw(
        st.lists(
            st.builds(
                OtherProcedure,
                st.sampled_from(OTHER_CODES),
                st.integers(min_value=0, max_value=90),
            ),
            max_size=4,
        )
    )
    return SessionFacts(
        date_of_service=date(draw(st.sampled_from((2023, 2024, 2025, 2026))), 3, 2),
        session_start=start,
        session_end=end,
        discipline=draw(st.sampled_from(("PT", "OT"))),
        tests=tuple(tests),
        other_procedures=tuple(services),
        has_interpretation=draw(st.booleans()),
        signer_has_credentials=draw(st.booleans()),
        payer_kind=draw(st.sampled_from(tuple(PayerKind))),
        method=draw(st.sampled_from(tuple(Method))),
        rate=draw(amounts),
        year_to_date_charges=draw(amounts.map(lambda amount: amount * 10)),
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


@given(sessions())
def test_decide_is_deterministic_and_replays_from_its_snapshot(facts):
    # given the facts as the app stores them
    replayed = SessionFacts.from_dict(json.loads(json.dumps(facts.to_dict())))
    # when
    decision = decide(facts)
    # then
    assert decide(facts) == decision
    assert replayed == facts
    assert decide(replayed) == decision


@given(sessions())
def test_money_is_never_a_float(facts):
    # given / when
    decision = decide(facts)
    data = decision.to_dict()
    # then
    assert isinstance(decision.estimated_payment, Decimal)
    assert decision.estimated_payment.as_tuple().exponent == -2
    assert _floats_in(decision) == []
    assert _floats_in(data) == []
    assert _floats_in(facts.to_dict()) == []
    assert json.loads(json.dumps(data)) == data


@given(sessions())
def test_qualifies_exactly_when_nothing_blocks_and_only_then_pays(facts):
    # given / when
    decision = decide(facts)
    # then
    blocked = any(f.severity is Severity.BLOCKS for f in decision.findings)
    assert decision.qualifies is not blocked
    if decision.qualifies:
        assert decision.units >= 1
        assert decision.estimated_payment == (decision.units * facts.rate).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )
    else:
        assert decision.estimated_payment == Decimal("0.00")


@given(sessions())
def test_units_are_allocate_units_of_the_reported_minutes(facts):
    # given / when
    decision = decide(facts)
    # then
    minutes = dict(decision.minutes_by_code)
    assert dict(decision.units_by_code) == allocate_units(minutes, facts.method)
    assert decision.units == dict(decision.units_by_code)["97750"]
    assert decision.units_by_code[0][0] == "97750"


@given(sessions())
def test_testing_minutes_fit_inside_the_session_and_cover_the_longest_test(facts):
    # given / when
    decision = decide(facts)
    # then
    testing = dict(decision.minutes_by_code)["97750"]
    window = (facts.session_end - facts.session_start) // timedelta(minutes=1)
    own = [minutes for _, minutes in decision.test_minutes]
    assert testing <= window
    assert testing >= max(own, default=0)
    assert len(own) == len(facts.tests)


@given(sessions())
def test_modifiers_follow_the_discipline_and_kx_only_medicare(facts):
    # given / when
    decision = decide(facts)
    # then
    assert decision.modifiers[0] == {"PT": "GP", "OT": "GO"}[facts.discipline]
    if facts.payer_kind != "medicare":
        assert decision.modifiers == decision.modifiers[:1]
    assert ("KX" in decision.modifiers) == (
        "kx_applied" in [f.code for f in decision.findings]
    )
