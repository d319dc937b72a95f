"""The recording rules on their own: session_problems, pure Python, no database.

Times are built in the clinic's zone (America/Chicago), as the session form
builds them, so the messages show the clock times the clinician typed.
"""

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import catalog
from assessments.recording import (
    NO_TESTS,
    NOT_A_NUMBER,
    PROCEDURE_LISTED_TWICE,
    SESSION_ENDS_BEFORE_START,
    SESSION_IN_FUTURE,
    SIDE_NOT_APPLICABLE,
    SIDE_REQUIRED,
    TEST_ENDS_BEFORE_START,
    TEST_OUTSIDE_SESSION,
    TESTS_OVERLAP,
    TIMED_PROCEDURE_NEEDS_MINUTES,
    TOO_MANY_TRIALS,
    TRIALS_ON_WRONG_SIDE,
    UNKNOWN_TEST,
    UNTIMED_PROCEDURE_HAS_MINUTES,
    Problem,
    ProcedureInput,
    SessionInput,
    TestInput,
    clock,
    session_problems,
)

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=CHICAGO)
TUG = "Timed Up and Go (TUG)"
GRIP = "Grip strength (Jamar dynamometer)"
WALK = "6-minute walk test (6MWT)"
WINDOW_SECONDS = 3600


def _at(hour, minute, second=0):
    """Return 15 January 2025 at a Chicago clock time."""
    return dt.datetime(2025, 1, 15, hour, minute, second, tzinfo=CHICAGO)


def _after_time_in(seconds):
    return _at(9, 0) + dt.timedelta(seconds=seconds)


def _tug(**fields):
    """A Timed Up and Go 09:05-09:15 with one trial."""
    return TestInput(
        **{
            "catalog_code": "timed_up_and_go",
            "side": "na",
            "started_at": _at(9, 5),
            "ended_at": _at(9, 15),
            "trials": {"na": ["12.5"]},
            **fields,
        }
    )


def _grip(**fields):
    """Grip strength of both hands 09:20-09:32:30 with three trials per side."""
    return TestInput(
        **{
            "catalog_code": "grip_dynamometry",
            "side": "both",
            "started_at": _at(9, 20),
            "ended_at": _at(9, 32, 30),
            "trials": {"left": ["24.0", "25.5", "23"], "right": ["30", "31.5", "29.0"]},
            **fields,
        }
    )


def _session(tests=None, **fields):
    """A session 09:00-10:00 with a TUG unless other tests are given."""
    return SessionInput(
        **{
            "started_at": _at(9, 0),
            "ended_at": _at(10, 0),
            "discipline": "PT",
            "reason": "Fall risk.",
            "interpretation": "",
            "tests": (_tug(),) if tests is None else tuple(tests),
            **fields,
        }
    )


def _overlap(this, other):
    """Return the overlap message shown on ``this`` test, naming ``other``."""
    return TESTS_OVERLAP.format(
        this=catalog.get(this.catalog_code).name,
        this_start=clock(this.started_at),
        this_end=clock(this.ended_at),
        other=catalog.get(other.catalog_code).name,
        other_start=clock(other.started_at),
        other_end=clock(other.ended_at),
    )


# --- a session that keeps the rules ------------------------------------------------


def test_a_session_that_keeps_every_rule_has_no_problems():
    """Tests inside the window, not overlapping, with valid sides, trials and procedures."""
    # given
    session = _session(
        [_grip(), _tug()],
        procedures=(
            ProcedureInput(code="97110", minutes=10),
            ProcedureInput(code="97161"),
        ),
    )

    # when
    problems = session_problems(session, now=NOW)

    # then
    assert problems == ()


def test_clock_writes_24_hour_time_with_seconds():
    """clock() writes the time as the forms and messages show it."""
    # when / then
    assert clock(_at(14, 5, 9)) == "14:05:09"


def test_messages_read_as_the_clinician_sees_them():
    """The message texts are exact: pages and tests compare against them."""
    # then
    assert SESSION_ENDS_BEFORE_START == "Time out must be after time in."
    assert SESSION_IN_FUTURE == (
        "This session ends in the future; record it once it has happened."
    )
    assert NO_TESTS == "Add at least one test."
    assert TEST_ENDS_BEFORE_START == "Stop must be after start."
    assert SIDE_REQUIRED.format(test=GRIP) == (
        f"{GRIP} is done per side: choose left, right or both."
    )
    assert SIDE_NOT_APPLICABLE.format(test=TUG) == (
        f"{TUG} is not done per side: choose not applicable."
    )
    assert TRIALS_ON_WRONG_SIDE.format(test=GRIP, side="left", trial_side="right") == (
        f"{GRIP} done on side left has no right trials."
    )
    assert TOO_MANY_TRIALS.format(test=TUG, trials=1) == (
        f"{TUG} records at most 1 trial(s)."
    )
    assert NOT_A_NUMBER.format(test=TUG) == f"{TUG}: enter a number."
    assert PROCEDURE_LISTED_TWICE.format(code="97110") == (
        "97110 is listed twice; give its minutes once."
    )
    assert TIMED_PROCEDURE_NEEDS_MINUTES == (
        "Give the direct minutes of this timed procedure."
    )
    assert UNTIMED_PROCEDURE_HAS_MINUTES.format(code="97161") == (
        "97161 is untimed: it is one unit whatever its length, so it has no minutes."
    )


# --- the session's own times -------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "ended_at"),
    [("ends when it starts", _at(9, 0)), ("ends before it starts", _at(8, 0))],
)
def test_session_that_does_not_end_after_it_starts_is_refused_on_time_out(
    _case, ended_at
):
    """The session's time out must be after time in; its tests are not judged against that window."""
    # given
    session = _session(ended_at=ended_at)

    # when
    problems = session_problems(session, now=NOW)

    # then
    assert problems == (Problem(message=SESSION_ENDS_BEFORE_START, field="ended_at"),)


def test_session_ending_after_now_is_refused_on_time_out():
    """A session is recorded once it has happened."""
    # given
    session = _session()

    # when
    problems = session_problems(session, now=_at(9, 59, 59))

    # then
    assert problems == (Problem(message=SESSION_IN_FUTURE, field="ended_at"),)


def test_session_ending_right_now_is_accepted():
    """A session whose time out is the current moment has happened."""
    # when
    problems = session_problems(_session(), now=_at(10, 0))

    # then
    assert problems == ()


def test_session_without_tests_is_refused():
    """A session must record at least one test."""
    # when
    problems = session_problems(_session([]), now=NOW)

    # then
    assert problems == (Problem(message=NO_TESTS, field="tests"),)


# --- each test -------------------------------------------------------------------


def test_unknown_test_is_refused_and_not_checked_further():
    """A code not in the catalog is named; its times are not compared with others."""
    # given: the unknown test has the TUG's very times
    session = _session([_tug(), _tug(catalog_code="moon_walk")])

    # when
    problems = session_problems(session, now=NOW)

    # then
    assert problems == (
        Problem(
            message="moon_walk is not a test in the catalog.",
            field="catalog_code",
            test=1,
        ),
    )
    assert UNKNOWN_TEST.format(code="moon_walk") == problems[0].message


@pytest.mark.parametrize(
    ("_case", "ended_at"),
    [("stops when it starts", _at(9, 5)), ("stops before it starts", _at(9, 0))],
)
def test_test_that_does_not_stop_after_it_starts_is_refused_on_stop(_case, ended_at):
    """A test must stop after it starts; it is then not checked for window or overlap."""
    # given: a second TUG whose interval would overlap the first if it were read
    session = _session([_tug(started_at=_at(9, 10), ended_at=ended_at), _tug()])

    # when
    problems = session_problems(session, now=NOW)

    # then
    assert problems == (
        Problem(message=TEST_ENDS_BEFORE_START, field="ended_at", test=0),
    )


@pytest.mark.parametrize(
    ("_case", "started_at", "ended_at", "shown"),
    [
        ("starts before time in", _at(8, 55), _at(9, 5), "08:55:00–09:05:00"),
        ("ends after time out", _at(9, 50), _at(10, 5), "09:50:00–10:05:00"),
        ("entirely after time out", _at(10, 5), _at(10, 10), "10:05:00–10:10:00"),
    ],
)
def test_test_outside_the_session_window_is_refused_on_start(
    _case, started_at, ended_at, shown
):
    """A test must lie within time in–time out; the message gives both intervals."""
    # given
    session = _session([_tug(started_at=started_at, ended_at=ended_at)])

    # when
    problems = session_problems(session, now=NOW)

    # then
    message = (
        f"This test ({shown}) falls outside the session's time in–time out "
        "(09:00:00–10:00:00)."
    )
    assert problems == (Problem(message=message, field="started_at", test=0),)
    assert message == TEST_OUTSIDE_SESSION.format(
        start=clock(started_at),
        end=clock(ended_at),
        session_start="09:00:00",
        session_end="10:00:00",
    )


def test_test_filling_the_whole_window_is_inside():
    """Time in and time out themselves belong to the window."""
    # given
    session = _session([_tug(started_at=_at(9, 0), ended_at=_at(10, 0))])

    # when / then
    assert session_problems(session, now=NOW) == ()


def test_overlapping_tests_are_both_refused_naming_each_other():
    """Minutes are billed once: each of two overlapping tests names the other."""
    # given
    tug, grip = _tug(), _grip(started_at=_at(9, 10), ended_at=_at(9, 20))

    # when
    problems = session_problems(_session([tug, grip]), now=NOW)

    # then
    assert problems == (
        Problem(
            message=f"{TUG} (09:05:00–09:15:00) overlaps {GRIP} (09:10:00–09:20:00).",
            field="started_at",
            test=0,
        ),
        Problem(
            message=f"{GRIP} (09:10:00–09:20:00) overlaps {TUG} (09:05:00–09:15:00).",
            field="started_at",
            test=1,
        ),
    )
    assert problems[0].message == _overlap(tug, grip)


def test_test_overlapping_two_others_names_each_of_them():
    """A long test spanning two short ones gets one message per short test."""
    # given: the 6-minute walk spans both short tests, which come first in the form
    walk = TestInput(
        catalog_code="six_minute_walk",
        side="na",
        started_at=_at(9, 5),
        ended_at=_at(9, 30),
        trials={"na": ["420"]},
    )
    first = _tug(started_at=_at(9, 10), ended_at=_at(9, 12))
    second = _tug(started_at=_at(9, 20), ended_at=_at(9, 22))

    # when
    problems = session_problems(_session([first, second, walk]), now=NOW)

    # then
    assert problems == (
        Problem(
            message=f"{WALK} (09:05:00–09:30:00) overlaps {TUG} (09:10:00–09:12:00).",
            field="started_at",
            test=2,
        ),
        Problem(
            message=f"{TUG} (09:10:00–09:12:00) overlaps {WALK} (09:05:00–09:30:00).",
            field="started_at",
            test=0,
        ),
        Problem(
            message=f"{WALK} (09:05:00–09:30:00) overlaps {TUG} (09:20:00–09:22:00).",
            field="started_at",
            test=2,
        ),
        Problem(
            message=f"{TUG} (09:20:00–09:22:00) overlaps {WALK} (09:05:00–09:30:00).",
            field="started_at",
            test=1,
        ),
    )


def test_tests_that_touch_do_not_overlap():
    """A test may start the second the one before it stops."""
    # given
    session = _session([_tug(), _grip(started_at=_at(9, 15), ended_at=_at(9, 25))])

    # when / then
    assert session_problems(session, now=NOW) == ()


# --- sides and trials ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "test", "message"),
    [
        (
            "per-side test not applicable",
            _grip(side="na", trials={"na": ["500"]}),
            f"{GRIP} is done per side: choose left, right or both.",
        ),
        (
            "per-side test with an unknown side",
            _grip(side="up", trials={}),
            f"{GRIP} is done per side: choose left, right or both.",
        ),
        (
            "test without sides given a side",
            _tug(side="left", trials={"left": ["999"]}),
            f"{TUG} is not done per side: choose not applicable.",
        ),
        (
            "test without sides given an unknown side",
            _tug(side="up"),
            f"{TUG} is not done per side: choose not applicable.",
        ),
    ],
)
def test_side_the_test_does_not_allow_is_refused_before_its_trials(
    _case, test, message
):
    """The side must suit the test; trials are not read against a wrong side."""
    # when
    problems = session_problems(_session([test]), now=NOW)

    # then
    assert problems == (Problem(message=message, field="side", test=0),)


@pytest.mark.parametrize(
    ("side", "trials"),
    [
        ("left", {"left": ["24.0"]}),
        ("right", {"right": ["30"]}),
        ("both", {"left": ["24.0"], "right": ["30"]}),
    ],
)
def test_per_side_test_accepts_each_side(side, trials):
    """Left, right and both are the sides of a per-side test."""
    # given
    session = _session([_grip(side=side, trials=trials)])

    # when / then
    assert session_problems(session, now=NOW) == ()


@pytest.mark.parametrize(
    ("_case", "test", "side", "message"),
    [
        (
            "above the range",
            _tug(trials={"na": ["301"]}),
            "na",
            f"{TUG}: 301 s is outside the plausible range 1–300 s.",
        ),
        (
            "below the range",
            _tug(trials={"na": ["0.5"]}),
            "na",
            f"{TUG}: 0.5 s is outside the plausible range 1–300 s.",
        ),
        (
            "too many decimals for the instrument",
            _tug(trials={"na": ["12.55"]}),
            "na",
            f"{TUG}: give at most 1 decimal place.",
        ),
        (
            "not a number",
            _tug(trials={"na": ["twelve"]}),
            "na",
            f"{TUG}: enter a number.",
        ),
        (
            "not finite",
            _tug(trials={"na": ["NaN"]}),
            "na",
            f"{TUG}: enter a number.",
        ),
        (
            "left side of both above the range",
            _grip(trials={"left": ["150"], "right": ["30"]}),
            "left",
            f"{GRIP}: 150 kg is outside the plausible range 0–100 kg.",
        ),
    ],
)
def test_implausible_first_trial_is_refused_on_that_trial(_case, test, side, message):
    """Each value must be a number in the test's plausible range and precision."""
    # when
    problems = session_problems(_session([test]), now=NOW)

    # then
    assert problems == (
        Problem(message=message, field="trials", test=0, side=side, trial=1),
    )


def test_right_side_trials_are_checked_with_their_own_numbers():
    """The right side's second trial is reported as right trial 2."""
    # given
    test = _grip(trials={"left": ["24.0", "25.5"], "right": ["30", "150"]})

    # when
    problems = session_problems(_session([test]), now=NOW)

    # then
    assert problems == (
        Problem(
            message=f"{GRIP}: 150 kg is outside the plausible range 0–100 kg.",
            field="trials",
            test=0,
            side="right",
            trial=2,
        ),
    )


@pytest.mark.parametrize(
    ("_case", "test", "side", "trial", "message"),
    [
        (
            "second value of a one-trial test",
            _tug(trials={"na": ["12.5", "13.0"]}),
            "na",
            2,
            f"{TUG} records at most 1 trial(s).",
        ),
        (
            "fourth right value of a three-trial test",
            _grip(trials={"left": ["24.0"], "right": ["30", "31", "29", "28"]}),
            "right",
            4,
            f"{GRIP} records at most 3 trial(s).",
        ),
    ],
)
def test_more_trials_than_the_protocol_records_are_refused(
    _case, test, side, trial, message
):
    """Each side holds at most the protocol's number of trials; the extra one is named."""
    # when
    problems = session_problems(_session([test]), now=NOW)

    # then
    assert problems == (
        Problem(message=message, field="trials", test=0, side=side, trial=trial),
    )


@pytest.mark.parametrize(
    ("_case", "test", "message"),
    [
        (
            "right values of a left-side test",
            _grip(side="left", trials={"left": ["24.0"], "right": ["30"]}),
            f"{GRIP} done on side left has no right trials.",
        ),
        (
            "left values of a test without sides",
            _tug(trials={"left": ["12.5"]}),
            f"{TUG} done on side na has no left trials.",
        ),
    ],
)
def test_trials_of_a_side_not_tested_are_refused(_case, test, message):
    """Values belong to the sides the test was done on."""
    # when
    problems = session_problems(_session([test]), now=NOW)

    # then
    assert problems == (Problem(message=message, field="trials", test=0),)


def test_test_without_values_is_accepted_for_billing_to_flag():
    """A patient who could not do the test leaves no values; that is no rule broken."""
    # given
    session = _session([_tug(trials={})])

    # when / then
    assert session_problems(session, now=NOW) == ()


# --- other procedures the same day ---------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "procedures", "expected"),
    [
        (
            "listed twice",
            (
                ProcedureInput(code="97110", minutes=10),
                ProcedureInput(code="97140", minutes=8),
                ProcedureInput(code="97110", minutes=5),
            ),
            (
                Problem(
                    message="97110 is listed twice; give its minutes once.",
                    field="code",
                    procedure=2,
                ),
            ),
        ),
        (
            "timed without minutes",
            (ProcedureInput(code="97110"),),
            (
                Problem(
                    message="Give the direct minutes of this timed procedure.",
                    field="minutes",
                    procedure=0,
                ),
            ),
        ),
        (
            "untimed with minutes",
            (ProcedureInput(code="97161"), ProcedureInput(code="95851", minutes=15)),
            (
                Problem(
                    message=(
                        "95851 is untimed: it is one unit whatever its length, "
                        "so it has no minutes."
                    ),
                    field="minutes",
                    procedure=1,
                ),
            ),
        ),
        (
            "unknown to the rules, and 97750 itself",
            (
                ProcedureInput(code="99999", minutes=5),
                ProcedureInput(code="97750", minutes=9),
            ),
            tuple(
                Problem(
                    message=(
                        f"{code} is not a procedure the billing rules know; 97750 "
                        "itself comes from the tests."
                    ),
                    field="code",
                    procedure=index,
                )
                for index, code in enumerate(("99999", "97750"))
            ),
        ),
    ],
)
def test_procedure_problems_are_named_on_their_field(_case, procedures, expected):
    """A procedure is one the rules know, listed once, timed ones with minutes, untimed ones without."""
    # when
    problems = session_problems(_session(procedures=procedures), now=NOW)

    # then
    assert problems == expected


def test_problems_come_in_form_order():
    """Session fields first, then each test in order, overlaps, then procedures."""
    # given
    session = _session(
        [
            _tug(side="left", trials={}),
            _grip(started_at=_at(9, 10), ended_at=_at(9, 20), trials={}),
            _tug(started_at=_at(9, 50), ended_at=_at(10, 5), trials={}),
        ],
        procedures=(ProcedureInput(code="97110"),),
    )

    # when
    problems = session_problems(session, now=_at(9, 30))

    # then
    assert [(p.message, p.field, p.test, p.procedure) for p in problems] == [
        (SESSION_IN_FUTURE, "ended_at", None, None),
        (SIDE_NOT_APPLICABLE.format(test=TUG), "side", 0, None),
        (
            "This test (09:50:00–10:05:00) falls outside the session's time in–time "
            "out (09:00:00–10:00:00).",
            "started_at",
            2,
            None,
        ),
        (
            f"{TUG} (09:05:00–09:15:00) overlaps {GRIP} (09:10:00–09:20:00).",
            "started_at",
            0,
            None,
        ),
        (
            f"{GRIP} (09:10:00–09:20:00) overlaps {TUG} (09:05:00–09:15:00).",
            "started_at",
            1,
            None,
        ),
        (TIMED_PROCEDURE_NEEDS_MINUTES, "minutes", None, 0),
    ]


# --- properties --------------------------------------------------------------------


@st.composite
def _separate_tests(draw):
    """Draw 1-6 TUGs inside 09:00-10:00 that do not overlap (they may touch), in any order."""
    count = draw(st.integers(min_value=1, max_value=6))
    bounds = sorted(
        draw(
            st.lists(
                st.integers(min_value=0, max_value=WINDOW_SECONDS),
                min_size=2 * count,
                max_size=2 * count,
            )
        )
    )
    intervals = [
        (bounds[i], bounds[i + 1])
        for i in range(0, len(bounds), 2)
        if bounds[i] < bounds[i + 1]
    ]
    if not intervals:
        intervals = [(0, WINDOW_SECONDS)]
    tests = [
        _tug(started_at=_after_time_in(start), ended_at=_after_time_in(stop))
        for start, stop in intervals
    ]
    return draw(st.permutations(tests))


@given(tests=_separate_tests())
def test_separate_tests_inside_the_window_have_no_problems(tests):
    """However many tests, in whatever order, none is refused if none overlaps."""
    # when
    problems = session_problems(_session(tests), now=NOW)

    # then
    assert problems == ()


PAIR_SECONDS = 50 * 60  # the pair lies in 09:00-09:50, the third test after it


@st.composite
def _overlapping_pair(draw):
    """Draw two TUGs inside 09:00-09:50 sharing at least one second."""
    start = draw(st.integers(min_value=0, max_value=PAIR_SECONDS - 1))
    stop = draw(st.integers(min_value=start + 1, max_value=PAIR_SECONDS))
    other_start = draw(st.integers(min_value=0, max_value=stop - 1))
    other_stop = draw(
        st.integers(min_value=max(start, other_start) + 1, max_value=PAIR_SECONDS)
    )
    return (
        _tug(started_at=_after_time_in(start), ended_at=_after_time_in(stop)),
        _tug(
            started_at=_after_time_in(other_start),
            ended_at=_after_time_in(other_stop),
        ),
    )


@given(pair=_overlapping_pair(), third_first=st.booleans())
def test_any_two_overlapping_tests_are_both_reported(pair, third_first):
    """Each of two overlapping tests gets one message naming the other, on its start."""
    # given: a separate third test at 09:50-10:00, before or after the pair in the form
    first, second = pair
    third = _grip(started_at=_at(9, 50), ended_at=_at(10, 0))
    tests = [third, first, second] if third_first else [first, second, third]
    index = 1 if third_first else 0

    # when
    problems = session_problems(_session(tests), now=NOW)

    # then
    assert len(problems) == 2
    assert set(problems) == {
        Problem(message=_overlap(first, second), field="started_at", test=index),
        Problem(message=_overlap(second, first), field="started_at", test=index + 1),
    }


@given(
    start=st.integers(min_value=-2 * WINDOW_SECONDS, max_value=2 * WINDOW_SECONDS),
    length=st.integers(min_value=1, max_value=WINDOW_SECONDS),
)
def test_a_test_is_refused_exactly_when_it_leaves_the_window(start, length):
    """A lone test is reported once if any of it falls outside time in–time out."""
    # given
    test = _tug(
        started_at=_after_time_in(start), ended_at=_after_time_in(start + length)
    )

    # when
    problems = session_problems(_session([test]), now=NOW)

    # then
    outside = start < 0 or start + length > WINDOW_SECONDS
    expected = (
        (
            Problem(
                message=TEST_OUTSIDE_SESSION.format(
                    start=clock(test.started_at),
                    end=clock(test.ended_at),
                    session_start="09:00:00",
                    session_end="10:00:00",
                ),
                field="started_at",
                test=0,
            ),
        )
        if outside
        else ()
    )
    assert problems == expected
