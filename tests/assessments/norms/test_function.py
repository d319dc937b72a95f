"""The hop battery and the limb symmetry index: the 90 % criterion, and the
index itself (catalog.limb_symmetry) read the same whichever side is involved."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import catalog, norms
from tests.assessments.norms.helpers import man

D = Decimal
HOPS = [
    "single_hop_distance",
    "triple_hop_distance",
    "crossover_hop_distance",
    "timed_hop_6m",
]


@pytest.mark.parametrize("code", HOPS)
def test_a_hop_below_ninety_percent_is_flagged(code):
    assert norms.symmetry(code, D("89.9")).source.short == "Thomeé 2011"
    assert norms.symmetry(code, D("90.0")) is None
    assert norms.symmetry(code, None) is None
    assert code in norms.covered()


@pytest.mark.parametrize("code", HOPS)
def test_a_hop_result_alone_has_no_population_norm_and_says_why(code):
    result = norms.interpret(code, D(150), man(20), side="left")
    assert result.standing is None
    assert result.missing == (
        "Judged against the other side (limb symmetry index ≥ 90 %), not a "
        "population norm."
    )


def test_symmetry_of_a_test_without_a_criterion_is_none():
    assert norms.symmetry("grip_dynamometry", D(50)) is None
    assert norms.symmetry("no_such_test", D(50)) is None


def test_timed_hop_lsi_reads_the_slower_involved_side_below_ninety():
    test = catalog.CATALOG["timed_hop_6m"]
    lsi = catalog.limb_symmetry(test, {"left": D("2.40"), "right": D("2.00")}, "left")
    assert lsi == D("83.3")
    assert norms.symmetry("timed_hop_6m", lsi).text.startswith(
        "6-m timed hop limb symmetry index 83.3 % < 90 %"
    )


values = st.decimals(min_value=D(1), max_value=D(400), places=1)


@given(st.sampled_from(HOPS), values, values)
def test_lsi_is_symmetric_between_the_sides(code, a, b):
    """Swapping which side is involved, with the values, gives the same index."""
    test = catalog.CATALOG[code]
    left_involved = catalog.limb_symmetry(test, {"left": a, "right": b}, "left")
    right_involved = catalog.limb_symmetry(test, {"left": b, "right": a}, "right")
    assert left_involved == right_involved


@given(st.sampled_from(HOPS), values, values)
def test_lsi_flag_never_fires_when_the_involved_side_is_the_better_one(code, a, b):
    test = catalog.CATALOG[code]
    lsi = catalog.limb_symmetry(test, {"left": a, "right": b}, "left")
    involved_better = a >= b if test.summary is catalog.Summary.MAX else a <= b
    if involved_better:
        assert norms.symmetry(code, lsi) is None
