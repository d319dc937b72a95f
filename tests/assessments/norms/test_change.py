"""Change since the previous result, judged by the published MDC or MCID."""

from datetime import date
from decimal import Decimal

from assessments import norms
from tests.assessments.norms.helpers import woman

D = Decimal

BEFORE = date(2026, 10, 23)
TODAY = date(2026, 12, 2)


def test_no_previous_result_means_no_change():
    assert norms.interpret("chair_stand_30s", D(12), woman(75)).change is None


def test_a_gain_beyond_the_mdc_is_meaningful_and_better():
    change = norms.interpret(
        "chair_stand_30s", D(12), woman(75), previous=(BEFORE, D(9)), on=TODAY
    ).change
    assert change.delta == D(3)
    assert change.meaningful is True
    assert change.text == (
        "+3 stands since 10/23/2026 (40 days), better; beyond the MDC of 2.5 stands "
        "in early knee osteoarthritis (Gill 2022)"
    )
    assert change.source.number == 8


def test_a_change_within_the_mdc_is_not_meaningful():
    change = norms.interpret(
        "chair_stand_30s", D(11), woman(75), previous=(BEFORE, D(9))
    ).change
    assert change.meaningful is False
    assert "+2 stands since 10/23/2026, better; within the MDC" in change.text


def test_a_change_equal_to_the_mdc_counts():
    change = norms.interpret(
        "timed_up_and_go", D("12.9"), woman(75), previous=(BEFORE, D("14.0"))
    ).change
    assert change.delta == D("-1.1")
    assert change.meaningful is True
    assert change.text.startswith("−1.1 s since 10/23/2026, better; equal to the MDC")


def test_a_slower_time_is_worse_for_a_timed_test():
    change = norms.interpret(
        "timed_up_and_go", D("16.0"), woman(75), previous=(BEFORE, D("14.0"))
    ).change
    assert change.delta == D("2.0")
    assert change.text.startswith("+2.0 s since 10/23/2026, worse; beyond the MDC")


def test_no_change_is_neither_better_nor_worse():
    change = norms.interpret(
        "chair_stand_30s", D(9), woman(75), previous=(BEFORE, D(9))
    ).change
    assert change.delta == 0
    assert change.meaningful is False
    assert change.text.startswith("±0 stands since 10/23/2026; within the MDC")


def test_a_test_without_a_published_threshold_says_so():
    change = norms.interpret(
        "grip_dynamometry",
        D("20.5"),
        woman(75),
        dominant=True,
        previous=(BEFORE, D("18.0")),
    ).change
    assert change.meaningful is None
    assert change.source is None
    assert change.text == "+2.5 kg since 10/23/2026, better; no published MDC or MCID"
