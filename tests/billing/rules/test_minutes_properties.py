"""testing_minutes against a brute-force count of covered time (hypothesis).

The reference marks every covered second (or minute) in a set, so it shares no
code or idea with the sort-and-merge union it checks.
"""

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from billing.rules import TestFacts, minutes
from tests.billing.rules.builders import START, make_test


@st.composite
def spans(
    draw: st.DrawFn, max_gap: int, max_length: int, max_size: int
) -> list[tuple[int, int]]:
    """Draw (start, length) pairs in steps from the session start, in random order.

    Each test starts a random gap after the one before, so a draw mixes overlapping,
    nested, touching and separate tests; independent starts would rarely give the
    three or more separate runs that a union must add up. The first test may start
    before the window.
    """
    start = draw(st.integers(min_value=-max_gap, max_value=max_gap))
    drawn = []
    for gap, length in draw(
        st.lists(
            st.tuples(
                st.integers(min_value=0, max_value=max_gap),
                st.integers(min_value=0, max_value=max_length),
            ),
            max_size=max_size,
        )
    ):
        start += gap
        drawn.append((start, length))
    return draw(st.permutations(drawn))


def long_leaning(maximum: int) -> st.SearchStrategy[int]:
    """Draw a window length from 0 to maximum, mostly near maximum.

    Hypothesis favours small integers, and a short window would clip most tests away.
    """
    return st.integers(min_value=0, max_value=maximum).map(lambda n: maximum - n)


def _tests(spans: list[tuple[int, int]], unit: timedelta) -> list[TestFacts]:
    return [
        make_test(
            started_at=START + start * unit,
            ended_at=START + (start + length) * unit,
            name=f"test {index}",
        )
        for index, (start, length) in enumerate(spans)
    ]


def _covered(start: int, length: int, window: int) -> set[int]:
    # The seconds or minutes of [start, start + length) inside the window [0, window).
    return set(range(max(start, 0), min(start + length, window)))


@given(spans(max_gap=1800, max_length=1800, max_size=10), long_leaning(5 * 3600))
def test_minutes_are_the_covered_seconds_floored_to_minutes(spans, window):
    # given tests on whole seconds and a window of window seconds
    tests = _tests(spans, timedelta(seconds=1))
    covered = set().union(*(_covered(s, length, window) for s, length in spans))
    # when
    total, per_test = minutes.testing_minutes(
        tests, START, START + timedelta(seconds=window)
    )
    # then
    assert total == len(covered) // 60
    assert per_test == tuple(
        (f"test {index}", len(_covered(s, length, window)) // 60)
        for index, (s, length) in enumerate(spans)
    )


# Whole minutes, so that tests and windows of several days keep the reference's
# sets small; seconds over days would make the test slow.
@given(
    spans(max_gap=2 * 1440, max_length=2 * 1440, max_size=8), long_leaning(10 * 1440)
)
def test_minutes_over_several_days_are_the_covered_minutes(spans, window):
    # given tests on whole minutes, many a day or longer, and a window of up to 10 days
    tests = _tests(spans, timedelta(minutes=1))
    covered = set().union(*(_covered(s, length, window) for s, length in spans))
    # when
    total, per_test = minutes.testing_minutes(
        tests, START, START + timedelta(minutes=window)
    )
    # then
    assert total == len(covered)
    assert per_test == tuple(
        (f"test {index}", len(_covered(s, length, window)))
        for index, (s, length) in enumerate(spans)
    )
