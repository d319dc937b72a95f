"""goals.py: whether a result meets a plan-of-care goal, and which goals are measurable.

Pure Python: no database, so every comparison is checked exhaustively and by
property.
"""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import catalog
from assessments.goals import (
    CHOOSE_TEST,
    Comparison,
    goal_met,
    goal_problems,
    goal_result_text,
    number,
    target_text,
)

decimals = st.decimals(
    min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=3
)


@pytest.mark.parametrize(
    ("comparison", "result", "met"),
    [
        ("at_most", "11.9", True),
        ("at_most", "12.0", True),
        ("at_most", "12.1", False),
        ("at_least", "11.9", False),
        ("at_least", "12.0", True),
        ("at_least", "12.1", True),
    ],
)
def test_result_below_at_or_above_the_target(comparison, result, met):
    """A result equal to the target meets it either way; otherwise the direction decides."""
    assert (
        goal_met(comparison=comparison, target=Decimal(12), result=Decimal(result))
        is met
    )


@pytest.mark.parametrize("comparison", list(Comparison))
def test_no_result_is_neither_met_nor_not_met(comparison):
    assert goal_met(comparison=comparison, target=Decimal(12), result=None) is None


def test_unknown_comparison_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="sideways"):
        goal_met(comparison="sideways", target=Decimal(1), result=Decimal(1))


@given(target=decimals, result=decimals)
def test_exactly_one_direction_holds_unless_the_result_is_the_target(target, result):
    """At most and at least are complements, overlapping only at the target itself."""
    at_most = goal_met(comparison="at_most", target=target, result=result)
    at_least = goal_met(comparison="at_least", target=target, result=result)

    assert at_most or at_least
    assert (at_most and at_least) == (result == target)


@given(target=decimals, result=decimals)
def test_the_verdict_ignores_trailing_zeros(target, result):
    """12 s and 12.000 s are the same target (the database stores three places)."""
    for comparison in Comparison:
        assert goal_met(
            comparison=comparison, target=target, result=result
        ) == goal_met(
            comparison=comparison,
            target=target.quantize(Decimal("0.001")),
            result=result,
        )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("12.000", "12"),
        ("0.500", "0.5"),
        ("-3.50", "-3.5"),
        ("100", "100"),
        ("1E+2", "100"),
    ],
)
def test_number_drops_trailing_zeros_and_exponents(value, text):
    assert number(Decimal(value)) == text


def test_target_text_with_and_without_a_date():
    assert (
        target_text(
            comparison="at_most",
            target=Decimal("12.000"),
            unit="s",
            target_on=dt.date(2027, 1, 15),
        )
        == "at most 12 s by 01/15/2027"
    )
    assert (
        target_text(
            comparison="at_least", target=Decimal(30), unit="kg", target_on=None
        )
        == "at least 30 kg"
    )


def test_result_text_reads_as_the_issue_asks():
    """ "Timed Up and Go: 13.2 s — goal at most 12 s by 01/15/2027: not met"."""
    text = goal_result_text(
        test_name="Timed Up and Go",
        side_label="",
        result=Decimal("13.2"),
        unit="s",
        comparison="at_most",
        target=Decimal("12.000"),
        target_on=dt.date(2027, 1, 15),
    )

    assert text == "Timed Up and Go: 13.2 s — goal at most 12 s by 01/15/2027: not met"


def test_result_text_names_the_side_and_a_missing_result():
    text = goal_result_text(
        test_name="Grip dynamometry",
        side_label="Right",
        result=None,
        unit="kg",
        comparison="at_least",
        target=Decimal(30),
        target_on=None,
    )

    assert text == "Grip dynamometry, right: no result — goal at least 30 kg: no result"


def test_a_goal_in_words_alone_is_fine():
    assert goal_problems(catalog_code="", comparison="", target=None) == {}


@pytest.mark.parametrize(
    ("comparison", "target"),
    [("at_most", None), ("", Decimal(12)), ("at_least", Decimal(1))],
)
def test_a_comparison_or_target_needs_a_test(comparison, target):
    problems = goal_problems(catalog_code="", comparison=comparison, target=target)

    assert problems == {"catalog_code": CHOOSE_TEST}


def test_a_test_needs_a_comparison_and_a_target():
    problems = goal_problems(catalog_code="timed_up_and_go", comparison="", target=None)

    assert set(problems) == {"comparison", "target"}
    assert problems["target"] == "Timed Up and Go (TUG): give the target value."


def test_an_unknown_test_is_named():
    problems = goal_problems(
        catalog_code="moon_walk", comparison="at_most", target=Decimal(1)
    )

    assert problems == {"catalog_code": "moon_walk is not a test in the catalog."}


def test_a_target_the_test_cannot_record_is_refused():
    """The catalog's plausible range and decimals apply to targets as to trials."""
    problems = goal_problems(
        catalog_code="timed_up_and_go", comparison="at_most", target=Decimal(-5)
    )

    assert "outside the plausible range" in problems["target"]


@pytest.mark.parametrize("code", sorted(catalog.CATALOG))
def test_every_catalog_test_can_be_a_goal(code):
    """Any test's plausible maximum is a target it accepts, in either direction."""
    target = catalog.get(code).plausible_max
    for comparison in Comparison:
        assert (
            goal_problems(catalog_code=code, comparison=comparison, target=target) == {}
        )
