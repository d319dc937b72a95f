"""Session page forms on their own: field shape, clock times, trials, and problems shown.

The forms read typed clock times in the active time zone, which the middleware
sets to the clinic's; here ``timezone.override`` plays that part. They check no
recording rule: they turn what was typed into a ``SessionInput`` for the
services, and put the services' problems next to the fields they concern.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import catalog
from assessments.forms import (
    CONDITIONS,
    MAX_ITEMS,
    MAX_TRIALS,
    SKIPPED_TIME,
    PerformedTestForm,
    SameDayProcedureForm,
    SessionEntry,
    SessionForm,
)
from assessments.recording import (
    NO_TESTS,
    Problem,
    ProcedureInput,
    SessionInput,
    TestInput,
    session_problems,
)
from assessments.services import SESSION_NOT_DRAFT, SessionRulesError
from assessments.timeparse import INVALID_CLOCK
from clinic.models import Clinician
from tests.factories import PerformedTestFactory, TestSessionFactory

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
DAY = dt.date(2025, 1, 15)
NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def _utc(hour, minute, second=0):
    return dt.datetime(2025, 1, 15, hour, minute, second, tzinfo=dt.UTC)


def _tug(start="09:05", stop="09:15", **fields):
    return {
        "catalog_code": "timed_up_and_go",
        "side": "na",
        "start": start,
        "stop": stop,
        "trial_1": "12.5",
        **fields,
    }


def _post(*tests, procedures=(), **fields):
    """Return the session page's POST body: session fields, tests and procedures."""
    data = {
        "date": "2025-01-15",
        "time_in": "09:00:00",
        "time_out": "10:00",
        "discipline": "PT",
        "reason": "Fall risk.",
        "interpretation": "",
        "tests-TOTAL_FORMS": str(len(tests)),
        "tests-INITIAL_FORMS": "0",
        "procedures-TOTAL_FORMS": str(len(procedures)),
        "procedures-INITIAL_FORMS": "0",
    }
    for prefix, rows in (("tests", tests), ("procedures", procedures)):
        for index, row in enumerate(rows):
            data.update(
                {f"{prefix}-{index}-{name}": value for name, value in row.items()}
            )
    data.update(fields)
    return data


def _cleaned(data):
    entry = SessionEntry(data)
    with timezone.override(CHICAGO):
        return entry, entry.cleaned_input()


# --- field shape -------------------------------------------------------------------


def test_three_trial_fields_per_side_cover_every_catalog_test():
    """Each test row has a first and a right-hand row of three trial fields."""
    # then
    assert MAX_TRIALS == 3
    assert [name for name in PerformedTestForm().fields if "trial" in name] == [
        "trial_1",
        "right_trial_1",
        "trial_2",
        "right_trial_2",
        "trial_3",
        "right_trial_3",
    ]


def test_session_page_posts_tests_and_procedures_under_their_prefixes():
    """The formsets' prefixes are "tests" and "procedures" (no longer "services")."""
    # when
    entry = SessionEntry()

    # then
    assert (entry.tests.prefix, entry.procedures.prefix) == ("tests", "procedures")
    assert list(entry.context()) == ["form", "formset", "procedures"]
    assert list(SameDayProcedureForm().fields) == ["code", "minutes"]


# --- clock times -------------------------------------------------------------------


def test_typed_session_becomes_a_session_input_in_the_active_time_zone():
    """Clock times are read on the session's date in the clinic's zone (UTC-6 in January)."""
    # given
    data = _post(
        _tug(notes="Used a cane."),
        procedures=[{"code": "97110", "minutes": "12"}],
        interpretation="Elevated fall risk.",
    )

    # when
    _entry, cleaned = _cleaned(data)

    # then
    assert cleaned == SessionInput(
        started_at=_utc(15, 0),
        ended_at=_utc(16, 0),
        discipline="PT",
        reason="Fall risk.",
        interpretation="Elevated fall risk.",
        tests=(
            TestInput(
                catalog_code="timed_up_and_go",
                side="na",
                started_at=_utc(15, 5),
                ended_at=_utc(15, 15),
                trials={"na": ["12.5"]},
                notes="Used a cane.",
            ),
        ),
        procedures=(ProcedureInput(code="97110", minutes=12),),
    )


def test_invalid_session_form_gives_no_input():
    """A missing clock time leaves the input unread and is named on its field."""
    # when
    entry, cleaned = _cleaned(_post(_tug(), time_in=""))

    # then
    assert cleaned is None
    assert entry.form.errors == {"time_in": ["This field is required."]}


def test_times_typed_as_on_a_tablet_are_read_on_the_server():
    """ "0815A", "8:15 am" and "915" need no script: the field parses them."""
    # given
    data = _post(
        _tug(start="9:05 am", stop="0915A"), time_in="0900a", time_out="10:00:00 AM"
    )

    # when
    _entry, cleaned = _cleaned(data)

    # then
    assert (cleaned.started_at, cleaned.ended_at) == (_utc(15, 0), _utc(16, 0))
    test = cleaned.tests[0]
    assert (test.started_at, test.ended_at) == (_utc(15, 5), _utc(15, 15))


def test_a_time_that_cannot_be_read_is_kept_as_typed_with_examples():
    """Nothing typed is lost: the field shows "8:75" again with what it accepts."""
    # when
    entry, cleaned = _cleaned(_post(_tug(start="8:75")))

    # then
    row = entry.tests.forms[0]
    assert cleaned is None
    assert row.errors == {"start": [INVALID_CLOCK]}
    assert 'value="8:75"' in str(row["start"])
    assert 'type="text"' in str(row["start"])


@pytest.mark.parametrize(
    ("_case", "time_in", "stop", "field", "clock"),
    [
        ("session time in", "02:05:00", "01:20:00", "time_in", dt.time(2, 5)),
        ("test stop", "01:00:00", "02:30:00", "stop", dt.time(2, 30)),
    ],
)
def test_a_clock_time_skipped_by_daylight_saving_is_named_on_its_field(
    _case, time_in, stop, field, clock
):
    """On 8 March 2026 Chicago's clocks went from 02:00 to 03:00: 02:xx did not exist."""
    # given
    data = _post(
        _tug(start="01:10:00", stop=stop),
        date="2026-03-08",
        time_in=time_in,
        time_out="03:30:00",
    )

    # when
    entry, cleaned = _cleaned(data)

    # then
    message = SKIPPED_TIME.format(clock=clock, day=dt.date(2026, 3, 8))
    errors = entry.form.errors if field == "time_in" else entry.tests.forms[0].errors
    assert cleaned is None
    assert errors == {field: [message]}
    assert message == (
        f"{clock:%H:%M} did not happen on 03/08/2026: the clocks moved forward an "
        "hour. Give the time the clock showed."
    )


def test_the_hour_repeated_when_clocks_go_back_is_read_as_its_first_pass():
    """On 2 November 2025 01:30 happened twice; the form reads the first (CDT, UTC-5)."""
    # given
    data = _post(
        _tug(start="01:10", stop="01:20"),
        date="2025-11-02",
        time_in="01:00",
        time_out="01:30",
    )

    # when
    _entry, cleaned = _cleaned(data)

    # then: compared in UTC, since a repeated local time never equals another zone's
    assert (
        cleaned.started_at.astimezone(dt.UTC),
        cleaned.ended_at.astimezone(dt.UTC),
    ) == (
        dt.datetime(2025, 11, 2, 6, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 11, 2, 6, 30, tzinfo=dt.UTC),
    )


# --- initial values ----------------------------------------------------------------


def test_session_initial_values_are_clinic_clock_times():
    """A stored session is shown with its date and clock times in the clinic's zone."""
    # given
    session = TestSessionFactory.build(
        started_at=_utc(15, 0, 0), ended_at=_utc(15, 45, 30), interpretation=""
    )

    # when
    with timezone.override(CHICAGO):
        initial = SessionForm.initial_for(session)

    # then
    assert initial == {
        "version": None,
        "plan_of_care": None,
        "date": dt.date(2025, 1, 15),
        "time_in": dt.time(9, 0),
        "time_out": dt.time(9, 45, 30),
        "discipline": "PT",
        "reason": "Fall risk after right total knee replacement.",
        "interpretation": "",
        "distinct_service_reason": "",
    }


@pytest.mark.parametrize(
    ("role", "discipline"),
    [("pt", "PT"), ("pta", "PT"), ("ot", "OT"), ("ota", "OT")],
)
def test_new_session_starts_today_under_the_clinicians_discipline(role, discipline):
    """Occupational therapists and their assistants start OT sessions, others PT."""
    # when
    with timezone.override(CHICAGO):
        initial = SessionForm.initial_for_new(Clinician(role=role))
        today = timezone.localdate()

    # then
    assert initial == {"date": today, "discipline": discipline}


def test_both_sides_fill_the_first_row_with_left_and_the_second_with_right():
    """Left trials are shown in the first row, right ones in the right-hand row."""
    # given
    test = PerformedTestFactory.build(
        catalog_code="grip_dynamometry",
        side="both",
        started_at=_utc(15, 5),
        ended_at=_utc(15, 15),
        trials={"left": ["24.0", "25.5"], "right": ["30"]},
        notes="Dominant right.",
    )

    # when
    with timezone.override(CHICAGO):
        initial = PerformedTestForm.initial_for(test)

    # then
    assert initial == {
        "catalog_code": "grip_dynamometry",
        "side": "both",
        "start": dt.time(9, 5),
        "stop": dt.time(9, 15),
        "notes": "Dominant right.",
        "battery_reason": "",
        "recorded_code": "grip_dynamometry",
        "rules_version": 2,
        "trial_1": Decimal("24.0"),
        "trial_2": Decimal("25.5"),
        "right_trial_1": Decimal("30"),
    }


def test_one_side_fills_only_the_first_row():
    """A test of the right side alone shows its values in the first row."""
    # given
    test = PerformedTestFactory.build(
        catalog_code="grip_dynamometry",
        side="right",
        started_at=_utc(15, 5),
        ended_at=_utc(15, 15),
        trials={"right": ["30"]},
    )

    # when
    with timezone.override(CHICAGO):
        initial = PerformedTestForm.initial_for(test)

    # then
    assert {k: v for k, v in initial.items() if "trial" in k} == {
        "trial_1": Decimal("30")
    }


# --- trials and rows ---------------------------------------------------------------


def test_trials_keep_the_digits_as_typed_in_trial_order():
    """Both sides: the first row is left, the second right; gaps between fields close."""
    # given
    form = PerformedTestForm(
        {
            "catalog_code": "single_leg_stance",
            "side": "both",
            "start": "09:05",
            "stop": "09:15",
            "trial_1": "10.0",
            "trial_3": "12",
            "right_trial_1": "8.5",
        }
    )

    # when
    valid = form.is_valid()
    with timezone.override(CHICAGO):
        test = form.test_input(DAY)

    # then
    assert valid is True
    assert test.trials == {"left": ["10.0", "12"], "right": ["8.5"]}


@pytest.mark.parametrize(
    ("side", "trials"),
    [
        ("left", {"left": ["24.0"]}),
        ("right", {"right": ["24.0"]}),
        ("both", {"left": ["24.0"], "right": ["30"]}),
    ],
)
def test_the_right_hand_row_counts_only_when_both_sides_were_tested(side, trials):
    """With one side chosen the first row is that side; the right-hand row is ignored."""
    # given
    form = PerformedTestForm(
        {
            "catalog_code": "grip_dynamometry",
            "side": side,
            "start": "09:05",
            "stop": "09:15",
            "trial_1": "24.0",
            "right_trial_1": "30",
        }
    )

    # when
    form.is_valid()
    with timezone.override(CHICAGO):
        test = form.test_input(DAY)

    # then
    assert test.trials == trials


def test_a_test_without_values_has_no_trials():
    """No value typed (the patient could not do the test) gives empty trials."""
    # given
    form = PerformedTestForm(_tug(trial_1=""))

    # when
    form.is_valid()
    with timezone.override(CHICAGO):
        test = form.test_input(DAY)

    # then
    assert test.trials == {}


def test_kept_tests_come_out_in_form_order_without_removed_rows():
    """Rows keep the order they were typed in, so each problem finds its row again."""
    # given
    data = _post(
        _tug("09:30", "09:40", trial_1="11.0"),
        _tug("09:05", "09:15"),
        _tug("09:16", "09:20", DELETE="on"),
    )

    # when
    _entry, cleaned = _cleaned(data)

    # then
    assert [
        (test.started_at, test.ended_at, test.trials) for test in cleaned.tests
    ] == [
        (_utc(15, 30), _utc(15, 40), {"na": ["11.0"]}),
        (_utc(15, 5), _utc(15, 15), {"na": ["12.5"]}),
    ]


def test_forms_check_no_recording_rule():
    """Overlap, window, side, trials and no tests are left to the services' rules."""
    # given: a test before time in overlapping another, on a side it does not have
    data = _post(
        _tug("08:50", "09:10", side="left", trial_2="13.0"),
        _tug("09:05", "09:15"),
        time_out="09:30",
    )

    # when
    entry, cleaned = _cleaned(data)

    # then
    assert [(test.started_at, test.side, test.trials) for test in cleaned.tests] == [
        (_utc(14, 50), "left", {"left": ["12.5", "13.0"]}),
        (_utc(15, 5), "na", {"na": ["12.5"]}),
    ]
    assert [form.errors for form in entry.tests.forms] == [{}, {}]


def test_a_session_without_tests_is_read_with_no_tests():
    """The empty list goes to the services, which say to add a test."""
    # when
    entry, cleaned = _cleaned(_post(_tug(DELETE="on")))

    # then
    assert cleaned.tests == ()
    assert entry.tests.non_form_errors() == []


@pytest.mark.parametrize(
    ("code", "typed", "minutes"),
    [
        ("97161", "30", 0),
        ("97161", "", 0),
        ("97110", "12", 12),
        ("97110", "", 0),
    ],
)
def test_untimed_procedure_minutes_are_dropped(code, typed, minutes):
    """Untimed codes are one unit whatever their length; a timed code keeps its minutes."""
    # given
    form = SameDayProcedureForm({"code": code, "minutes": typed})

    # when
    form.is_valid()

    # then
    assert form.procedure_input() == ProcedureInput(code=code, minutes=minutes)


# --- problems shown on the fields ---------------------------------------------------


def test_each_problem_is_shown_next_to_the_field_it_names():
    """Session, test, trial and procedure problems go to time out, start/stop/side, the trial typed and code/minutes."""
    # given: a removed row first, so kept tests are counted without it
    data = _post(
        _tug(DELETE="on"),
        _tug(),
        {
            "catalog_code": "grip_dynamometry",
            "side": "both",
            "start": "09:20",
            "stop": "09:30",
            "trial_2": "24.0",
            "right_trial_1": "30",
            "right_trial_3": "31",
        },
        procedures=[{"code": "97110", "minutes": "10"}, {"code": "97110"}],
    )
    entry, _cleaned_input = _cleaned(data)
    problems = (
        Problem(message="time out", field="ended_at"),
        Problem(message="no tests", field="tests"),
        Problem(message="tug start", field="started_at", test=0),
        Problem(message="tug stop", field="ended_at", test=0),
        Problem(message="grip side", field="side", test=1),
        Problem(message="left 1", field="trials", test=1, side="left", trial=1),
        Problem(message="right 2", field="trials", test=1, side="right", trial=2),
        Problem(message="wrong side", field="trials", test=1),
        Problem(message="second code", field="code", procedure=1),
        Problem(message="first minutes", field="minutes", procedure=0),
    )

    # when
    entry.add_errors(SessionRulesError(problems))

    # then
    assert entry.form.errors == {"time_out": ["time out"]}
    assert entry.tests.non_form_errors() == ["no tests"]
    assert [form.errors for form in entry.tests.forms] == [
        {},
        {"start": ["tug start"], "stop": ["tug stop"]},
        {
            "side": ["grip side"],
            "trial_2": ["left 1"],
            "right_trial_3": ["right 2"],
            "__all__": ["wrong side"],
        },
    ]
    assert [form.errors for form in entry.procedures.forms] == [
        {"minutes": ["first minutes"]},
        {"code": ["second code"]},
    ]


def test_two_bad_values_of_one_row_are_each_shown_on_their_own_field():
    """The second problem of a row still finds the field its value was typed in."""
    # given: grip of both hands, left values typed in trial 1, 2 and 3
    entry, cleaned = _cleaned(
        _post(
            {
                "catalog_code": "grip_dynamometry",
                "side": "both",
                "start": "09:05",
                "stop": "09:15",
                "trial_1": "150",
                "trial_2": "200",
                "trial_3": "20",
                "right_trial_2": "300",
            }
        )
    )
    problems = session_problems(cleaned, now=NOW)

    # when
    entry.add_errors(SessionRulesError(problems))

    # then
    message = "Grip strength (Jamar dynamometer): {} kg is outside the plausible range 0–100 kg."
    assert entry.tests.forms[0].errors == {
        "trial_1": [message.format(150)],
        "trial_2": [message.format(200)],
        "right_trial_2": [message.format(300)],
    }


def test_a_duplicate_timed_procedure_without_minutes_shows_both_problems_on_its_row():
    """A problem on a row's code does not shift the rows the next problems are put on."""
    # given
    entry, cleaned = _cleaned(
        _post(
            _tug(),
            procedures=[
                {"code": "97110", "minutes": "10"},
                {"code": "97110", "minutes": ""},
                {"code": "97140", "minutes": ""},
            ],
        )
    )
    problems = session_problems(cleaned, now=NOW)

    # when
    entry.add_errors(SessionRulesError(problems))

    # then
    needs_minutes = "Give the direct minutes of this timed procedure."
    assert [form.errors for form in entry.procedures.forms] == [
        {},
        {
            "code": ["97110 is listed twice; give its minutes once."],
            "minutes": [needs_minutes],
        },
        {"minutes": [needs_minutes]},
    ]


def test_no_tests_problem_is_the_formsets_error():
    """NO_TESTS from the services is shown above the tests."""
    # given
    entry, _cleaned_input = _cleaned(_post())

    # when
    entry.add_errors(SessionRulesError((Problem(message=NO_TESTS, field="tests"),)))

    # then
    assert entry.tests.non_form_errors() == [NO_TESTS]


def test_a_refusal_without_problems_is_shown_on_the_form():
    """Any other ValidationError from a service is a form-wide error."""
    # given
    entry, _cleaned_input = _cleaned(_post(_tug()))

    # when
    entry.add_errors(ValidationError(SESSION_NOT_DRAFT))

    # then
    assert entry.form.non_field_errors() == [SESSION_NOT_DRAFT]


def _row(data=None, initial=None):
    form = PerformedTestForm(data=data, initial=initial, prefix="tests-0")
    if data is not None:
        form.is_valid()
    return form


def test_a_row_draws_only_its_tests_conditions_and_items():
    # given a row recording a Berg Balance Scale, and an empty row
    berg = _row(initial={"catalog_code": "berg_balance_scale"})
    empty = _row()
    # then the Berg row draws its 14 items and the conditions it asks for only
    assert [number for number, _ in berg.item_fields()] == list(range(1, 15))
    assert {key for key, _ in berg.condition_fields()} == {
        condition.key for condition in catalog.get("berg_balance_scale").conditions
    }
    # and the empty row none, while the page's spare copy holds every one
    assert (empty.item_fields(), empty.condition_fields()) == ([], [])
    assert len(empty.all_item_fields()) == MAX_ITEMS
    assert len(empty.all_condition_fields()) == len(CONDITIONS)


def test_a_row_keeps_drawing_what_holds_input_or_an_error():
    # given a row switched from the 6MWT to the TUG with a course length typed,
    # and an item score that cannot be read
    row = _row(
        data={
            "tests-0-catalog_code": "timed_up_and_go",
            "tests-0-condition_course_m": "30",
            "tests-0-item_3": "x",
        }
    )
    # then the typed value and the refused one are drawn again, nothing is lost
    assert "course_m" in {key for key, _ in row.condition_fields()}
    assert [number for number, _ in row.item_fields()] == [3]
