"""minutes.testing_minutes: union of test intervals, clipped to the session window."""

from datetime import UTC, timedelta

from billing.rules import minutes
from tests.billing.rules.builders import START, at, make_test


def test_one_test_inside_the_window_counts_its_whole_minutes():
    # given a 30-minute test in a one-hour session
    tests = [make_test(5, 35, name="Berg")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 30
    assert per_test == (("Berg", 30),)


def test_overlapping_tests_are_counted_once():
    # given 0-20 and 10-30: 30 minutes of union, 40 of own time
    tests = [make_test(0, 20, name="TUG"), make_test(10, 30, name="Berg")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 30
    assert per_test == (("TUG", 20), ("Berg", 20))


def test_a_test_nested_inside_another_adds_nothing():
    # given 0-40 and 10-20
    tests = [make_test(0, 40, name="6MWT"), make_test(10, 20, name="Grip")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 40
    assert per_test == (("6MWT", 40), ("Grip", 10))


def test_separate_tests_add_up_without_the_gap():
    # given 0-10 and 20-35: a 10-minute gap
    tests = [make_test(0, 10, name="TUG"), make_test(20, 35, name="Berg")]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 25


def test_touching_tests_join_without_double_counting():
    # given 0-10 and 10-20
    tests = [make_test(0, 10), make_test(10, 20)]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 20


def test_tests_recorded_out_of_order_give_the_same_union():
    # given a later test listed first, overlapping an earlier one
    tests = [
        make_test(30, 45, name="late"),
        make_test(0, 10, name="early"),
        make_test(5, 35, name="middle"),
    ]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then 0-45
    assert total == 45
    assert per_test == (("late", 15), ("early", 10), ("middle", 30))


def test_time_before_the_session_starts_is_not_counted():
    # given a test from 10 minutes before the session to 20 minutes into it
    tests = [make_test(-10, 20, name="TUG")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 20
    assert per_test == (("TUG", 20),)


def test_time_after_the_session_ends_is_not_counted():
    # given a test from minute 50 to minute 75 of a one-hour session
    tests = [make_test(50, 75, name="6MWT")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 10
    assert per_test == (("6MWT", 10),)


def test_a_test_wholly_outside_the_window_counts_zero():
    # given a test after the session ended, and one inside it
    tests = [make_test(70, 90, name="late"), make_test(0, 12, name="TUG")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 12
    assert per_test == (("late", 0), ("TUG", 12))


def test_part_minutes_are_floored_on_the_union_not_per_test():
    # given 0:00-7:40 and 7:40-15:50: two part minutes, 15:50 in all
    tests = [
        make_test(started_at=at(0), ended_at=at(7, 40), name="A"),
        make_test(started_at=at(7, 40), ended_at=at(15, 50), name="B"),
    ]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then 15 whole minutes, never 16; each test floors its own 7:40 and 8:10
    assert total == 15
    assert per_test == (("A", 7), ("B", 8))


def test_seven_minutes_fifty_nine_seconds_is_seven_minutes():
    # given
    tests = [make_test(started_at=at(0), ended_at=at(7, 59))]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 7


def test_microseconds_never_complete_a_minute():
    # given 7:59.999999
    tests = [
        make_test(
            started_at=at(0), ended_at=at(8) - timedelta(microseconds=1), name="A"
        )
    ]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then
    assert total == 7
    assert per_test == (("A", 7),)


def test_intervals_in_different_zones_are_compared_as_instants():
    # given a test recorded in UTC that is 9:00-9:20 in the clinic's zone
    utc_start = START.astimezone(UTC)
    tests = [
        make_test(started_at=utc_start, ended_at=utc_start + timedelta(minutes=20)),
        make_test(10, 30),
    ]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(60))
    # then 9:00-9:30
    assert total == 30


def test_no_tests_give_no_minutes():
    # given / when
    total, per_test = minutes.testing_minutes([], START, at(60))
    # then
    assert total == 0
    assert per_test == ()


def test_a_session_longer_than_a_day_keeps_every_minute():
    # given a 25-hour window and a test across all of it
    tests = [make_test(0, 25 * 60)]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(25 * 60))
    # then
    assert total == 1500
