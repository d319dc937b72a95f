"""Session and test forms on their own: clock times, trials and the checks between tests.

The forms read typed clock times in the active time zone, which the middleware
sets to the clinic's; here ``timezone.override`` plays that part.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.utils import timezone

from assessments.forms import (
    MAX_TRIALS,
    NO_TESTS,
    TESTS_OVERLAP,
    PerformedTestForm,
    PerformedTestFormSet,
    SessionForm,
)
from tests.factories import PerformedTestFactory, TestSessionFactory

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
TUG = "Timed Up and Go (TUG)"


def _utc(hour, minute, second=0):
    return dt.datetime(2025, 1, 15, hour, minute, second, tzinfo=dt.UTC)


def _session_form(**fields):
    return SessionForm(
        {
            "date": "2025-01-15",
            "time_in": "09:00:00",
            "time_out": "10:00",
            "discipline": "PT",
            "reason": "Fall risk.",
            **fields,
        }
    )


def _formset(*tests, session_form=None):
    data = {"tests-TOTAL_FORMS": str(len(tests)), "tests-INITIAL_FORMS": "0"}
    for index, test in enumerate(tests):
        data.update({f"tests-{index}-{name}": value for name, value in test.items()})
    return PerformedTestFormSet(data, prefix="tests", session_form=session_form)


def _tug(start, stop, **fields):
    return {
        "catalog_code": "timed_up_and_go",
        "side": "na",
        "start": start,
        "stop": stop,
        "trial_1": "12.5",
        **fields,
    }


def test_three_trial_fields_per_side_cover_every_catalog_test():
    assert MAX_TRIALS == 3
    assert [name for name in PerformedTestForm().fields if "trial" in name] == [
        "trial_1",
        "right_trial_1",
        "trial_2",
        "right_trial_2",
        "trial_3",
        "right_trial_3",
    ]


def test_session_times_are_read_in_the_active_time_zone():
    # given
    form = _session_form()

    # when
    with timezone.override(CHICAGO):
        valid = form.is_valid()

    # then
    assert valid is True
    assert (form.cleaned_data["started_at"], form.cleaned_data["ended_at"]) == (
        _utc(15, 0),
        _utc(16, 0),
    )
    assert form.window() == (_utc(15, 0), _utc(16, 0))


def test_invalid_session_form_has_no_window():
    # given
    form = _session_form(time_in="")

    # when / then
    assert form.window() is None
    assert form.errors == {"time_in": ["This field is required."]}


def test_session_initial_values_are_clinic_clock_times():
    # given
    session = TestSessionFactory.build(
        started_at=_utc(15, 0, 0), ended_at=_utc(15, 45, 30), interpretation=""
    )

    # when
    with timezone.override(CHICAGO):
        initial = SessionForm.initial_for(session)

    # then
    assert initial == {
        "date": dt.date(2025, 1, 15),
        "time_in": dt.time(9, 0),
        "time_out": dt.time(9, 45, 30),
        "discipline": "PT",
        "reason": "Fall risk after right total knee replacement.",
        "interpretation": "",
    }


def test_both_sides_fill_the_first_row_with_left_and_the_second_with_right():
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
        "trial_1": Decimal("24.0"),
        "trial_2": Decimal("25.5"),
        "right_trial_1": Decimal("30"),
    }


def test_one_side_fills_only_the_first_row():
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


def test_trials_keep_the_digits_as_typed_in_trial_order():
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

    # then
    assert valid is True
    assert form.cleaned_data["trials"] == {"left": ["10.0", "12"], "right": ["8.5"]}


def test_formset_without_a_valid_session_form_skips_the_window_check():
    # given
    session_form = _session_form(date="")
    formset = _formset(_tug("08:00", "08:10"), session_form=session_form)

    # when
    with timezone.override(CHICAGO):
        valid = formset.is_valid()

    # then
    assert valid is True
    assert formset.non_form_errors() == []


def test_formset_without_tests_says_add_one():
    # given
    formset = _formset(session_form=_session_form())

    # when
    with timezone.override(CHICAGO):
        valid = formset.is_valid()

    # then
    assert valid is False
    assert formset.non_form_errors() == [NO_TESTS]


def test_test_overlapping_two_others_names_each_of_them():
    # given: the 6-minute walk spans both short tests
    walk = {
        "catalog_code": "six_minute_walk",
        "side": "na",
        "start": "09:05:00",
        "stop": "09:30:00",
        "trial_1": "420",
    }
    formset = _formset(
        walk,
        _tug("09:10:00", "09:12:00"),
        _tug("09:20:00", "09:22:00"),
        session_form=_session_form(),
    )

    # when
    with timezone.override(CHICAGO):
        valid = formset.is_valid()

    # then
    walk_name = "6-minute walk test (6MWT)"
    assert valid is False
    assert [form.errors.get("start") for form in formset.forms] == [
        [
            TESTS_OVERLAP.format(
                this=walk_name,
                this_start="09:05:00",
                this_end="09:30:00",
                other=TUG,
                other_start="09:10:00",
                other_end="09:12:00",
            ),
            TESTS_OVERLAP.format(
                this=walk_name,
                this_start="09:05:00",
                this_end="09:30:00",
                other=TUG,
                other_start="09:20:00",
                other_end="09:22:00",
            ),
        ],
        [f"{TUG} (09:10:00–09:12:00) overlaps {walk_name} (09:05:00–09:30:00)."],
        [f"{TUG} (09:20:00–09:22:00) overlaps {walk_name} (09:05:00–09:30:00)."],
    ]


def test_kept_tests_come_out_in_the_order_they_were_done():
    # given
    formset = _formset(
        _tug("09:30", "09:40", trial_1="11.0"),
        _tug("09:05", "09:15"),
        _tug("09:16", "09:20", DELETE="on"),
        session_form=_session_form(),
    )

    # when
    with timezone.override(CHICAGO):
        valid = formset.is_valid()
        tests = formset.tests()

    # then
    assert valid is True
    assert [
        (test["started_at"], test["ended_at"], test["trials"]) for test in tests
    ] == [
        (_utc(15, 5), _utc(15, 15), {"na": ["12.5"]}),
        (_utc(15, 30), _utc(15, 40), {"na": ["11.0"]}),
    ]
