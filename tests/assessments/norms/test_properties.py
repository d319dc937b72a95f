"""Properties every norm keeps, whatever the result, the age or the code.

% of norm moves with the result the right way for each test (up for counts and
forces, down for times), nothing returned is a float, an unknown code never
raises and an age outside the tables never gets a norm.
"""

import dataclasses
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from assessments import catalog, norms
from assessments.norms.interpret import BY_CODE

CODES = sorted(BY_CODE)
SEXES = st.sampled_from(["female", "male", None, "other"])
AGES = st.one_of(st.none(), st.integers(min_value=0, max_value=120))
SIDES = st.sampled_from(["", "left", "right"])
DOMINANCE = st.sampled_from([None, True, False])


@st.composite
def results(draw: st.DrawFn) -> tuple[str, Decimal, Decimal]:
    """A covered code and two values in its plausible range, smaller first."""
    code = draw(st.sampled_from(CODES))
    test = catalog.CATALOG[code]
    step = Decimal(1).scaleb(-test.decimal_places)
    low = int(test.plausible_min / step)
    high = int(test.plausible_max / step)
    a, b = sorted(draw(st.integers(low, high)) for _ in range(2))
    return code, a * step, b * step


def _conditions(draw: st.DrawFn) -> dict[str, str]:
    return draw(
        st.dictionaries(
            st.sampled_from(["pace", "height_cm", "weight_kg", "muscle", "pinch"]),
            st.sampled_from(["Comfortable", "Fast", "170", "70", "x", ""]),
        )
    )


@given(results(), AGES, SEXES, SIDES, DOMINANCE)
def test_percent_of_norm_moves_with_the_result_the_right_way(
    drawn, age, sex, side, dominant
):
    code, smaller, larger = drawn
    person = norms.Person(age, sex)
    first = norms.interpret(code, smaller, person, side=side, dominant=dominant)
    second = norms.interpret(code, larger, person, side=side, dominant=dominant)
    if first.standing is None or second.standing is None:
        return
    if first.standing.percent is None or second.standing.percent is None:
        return
    if BY_CODE[code].higher_is_better:
        assert first.standing.percent <= second.standing.percent
    else:
        assert first.standing.percent >= second.standing.percent


@given(results(), AGES, SEXES)
def test_a_worse_result_never_leaves_a_band_the_better_one_is_below(drawn, age, sex):
    """Bands are ordered: below < within < above in the test's unit."""
    code, smaller, larger = drawn
    person = norms.Person(age, sex)
    order = {"below": 0, "within": 1, "above": 2}
    first = norms.interpret(code, smaller, person, dominant=True).standing
    second = norms.interpret(code, larger, person, dominant=True).standing
    if first is None or second is None or not first.band:
        return
    assert order[first.band] <= order[second.band]


def _floats(value: object) -> list[object]:
    """Return every float reachable from a returned value."""
    if isinstance(value, float):
        return [value]
    if dataclasses.is_dataclass(value):
        return [
            f
            for field in dataclasses.fields(value)
            for f in _floats(getattr(value, field.name))
        ]
    if isinstance(value, tuple | list):
        return [f for item in value for f in _floats(item)]
    return []


@given(
    st.one_of(st.sampled_from(CODES), st.text(max_size=20)),
    st.decimals(
        allow_nan=False, allow_infinity=False, places=2, min_value=-50, max_value=1000
    ),
    AGES,
    SEXES,
    SIDES,
    DOMINANCE,
    st.data(),
)
def test_nothing_returned_is_a_float_and_no_code_raises(
    code, value, age, sex, side, dominant, data
):
    person = norms.Person(age, sex)
    conditions = _conditions(data.draw)
    result = norms.interpret(
        code,
        value,
        person,
        side=side,
        dominant=dominant,
        conditions=conditions,
        previous=(date(2026, 10, 23), Decimal("1.5")),
        on=date(2026, 12, 2),
    )
    chart = norms.guides(
        code, person, side=side, dominant=dominant, conditions=conditions
    )
    assert _floats(result) == []
    assert _floats(chart) == []
    assert result.standing is not None or result.missing


@given(st.sampled_from(CODES), st.integers(min_value=0, max_value=120), SEXES)
def test_an_age_outside_every_band_never_gets_a_norm(code, age, sex):
    entry = BY_CODE[code]
    populations = [row.population for table in entry.tables for row in table.rows]
    if entry.equation is not None or not populations:
        return
    if any(p.covers_age(age) for p in populations):
        return
    test = catalog.CATALOG[code]
    result = norms.interpret(
        code, test.plausible_max, norms.Person(age, sex), side="left", dominant=True
    )
    assert result.standing is None
    assert norms.guides(code, norms.Person(age, sex), dominant=True).band is None
    if norms.Person(age, sex).sex is not None or not any(p.sex for p in populations):
        assert result.missing.startswith(f"No published norm for age {age}")


@given(results(), AGES, SEXES, st.data())
def test_a_worse_result_crosses_every_cutoff_the_better_one_crosses(
    drawn, age, sex, data
):
    """Cut-offs point the way the test reads: a typo such as ">" on a test
    where more is better would flag the better result and not the worse."""
    code, smaller, larger = drawn
    worse, better = (
        (smaller, larger) if BY_CODE[code].higher_is_better else (larger, smaller)
    )
    person = norms.Person(age, sex)
    conditions = _conditions(data.draw)
    flagged = {
        flag.text.split(": ", 1)[1]
        for flag in norms.interpret(code, better, person, conditions=conditions).flags
    }
    still = {
        flag.text.split(": ", 1)[1]
        for flag in norms.interpret(code, worse, person, conditions=conditions).flags
    }
    assert flagged <= still


@given(results(), AGES, SEXES)
def test_the_chart_band_is_the_range_the_standing_is_read_against(drawn, age, sex):
    code, value, _ = drawn
    person = norms.Person(age, sex)
    band = norms.guides(code, person, dominant=True).band
    standing = norms.interpret(code, value, person, dominant=True).standing
    if band is None or standing is None:
        return
    low, high = band
    expected = "below" if value < low else "above" if value > high else "within"
    assert standing.band == expected
