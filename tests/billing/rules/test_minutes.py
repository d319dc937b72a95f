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


def test_three_separate_tests_add_up_without_the_gaps():
    # given 0-10, 20-35 and 45-50: two gaps
    tests = [
        make_test(0, 10, name="TUG"),
        make_test(20, 35, name="Berg"),
        make_test(45, 50, name="Grip"),
    ]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(60))
    # then 10 + 15 + 5
    assert total == 30
    assert per_test == (("TUG", 10), ("Berg", 15), ("Grip", 5))


def test_four_separate_tests_recorded_out_of_order_add_up():
    # given 25-37, 0-5, 50-59 and 10-18, listed out of time order
    tests = [
        make_test(25, 37, name="6MWT"),
        make_test(0, 5, name="Grip"),
        make_test(50, 59, name="Berg"),
        make_test(10, 18, name="TUG"),
    ]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(60))
    # then 12 + 5 + 9 + 8
    assert total == 34


def test_separate_groups_of_overlapping_tests_add_up_once_each():
    # given 0-10 and 5-15; 20-25 alone; 30-40, 35-45 and 40-50 chained
    tests = [
        make_test(0, 10),
        make_test(5, 15),
        make_test(20, 25),
        make_test(30, 40),
        make_test(35, 45),
        make_test(40, 50),
    ]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(60))
    # then 0-15, 20-25 and 30-50: 15 + 5 + 20
    assert total == 40


def test_a_test_nested_in_a_later_group_adds_nothing_to_it():
    # given 0-5, 10-12 alone, then 20-50 holding 25-30 and a 45-55 overhang
    tests = [
        make_test(45, 55),
        make_test(20, 50),
        make_test(10, 12),
        make_test(25, 30),
        make_test(0, 5),
    ]
    # when
    total, _ = minutes.testing_minutes(tests, START, at(60))
    # then 0-5, 10-12 and 20-55: 5 + 2 + 35
    assert total == 42


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
    tests = [make_test(0, 25 * 60, name="Holter")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(25 * 60))
    # then
    assert total == 1500
    assert per_test == (("Holter", 1500),)


def test_a_test_of_exactly_twenty_four_hours_is_1440_minutes():
    # given a test of one whole day, which a timedelta holds as 1 day and 0 seconds
    tests = [make_test(0, 24 * 60, name="Holter")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(48 * 60))
    # then
    assert total == 1440
    assert per_test == (("Holter", 1440),)


def test_a_test_of_several_days_keeps_every_whole_minute():
    # given a test of 3 days, 2 hours, 5 minutes and 30 seconds
    tests = [
        make_test(
            started_at=at(0),
            ended_at=at(0) + timedelta(days=3, hours=2, minutes=5, seconds=30),
            name="Holter",
        )
    ]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(4 * 24 * 60))
    # then 3 * 1440 + 125, the 30 seconds floored
    assert total == 4445
    assert per_test == (("Holter", 4445),)


def test_separate_tests_adding_up_to_more_than_a_day_keep_every_minute():
    # given two 20-hour tests on consecutive days in a three-day window
    tests = [
        make_test(0, 20 * 60, name="day 1"),
        make_test(24 * 60, 44 * 60, name="day 2"),
    ]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(3 * 24 * 60))
    # then 40 hours, though no single test reaches a day
    assert total == 2400
    assert per_test == (("day 1", 1200), ("day 2", 1200))


def test_a_multi_day_test_is_clipped_to_a_window_longer_than_a_day():
    # given a 30-hour window and a test from an hour before it to 2 days after
    tests = [make_test(-60, 3 * 24 * 60, name="Holter")]
    # when
    total, per_test = minutes.testing_minutes(tests, START, at(30 * 60))
    # then only the 30 hours of the window
    assert total == 1800
    assert per_test == (("Holter", 1800),)
