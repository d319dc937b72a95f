"""assessments.results: a patient's results over time, read against the norms."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from assessments.models import PerformedTest, TestSession
from assessments.results import (
    PROGRESS_SESSIONS,
    TREND_POINTS,
    dominant_side,
    earlier_results,
    patient_progress,
    person_on,
    session_results,
)
from clinic.models import Patient
from tests.factories import (
    GoalFactory,
    PatientFactory,
    PerformedTestFactory,
    PlanOfCareFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db

# 15:00 UTC is 09:00 in Chicago: every date of service below is that day's.
FIRST = dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.UTC)


def _session(patient, days, *tests, signed=False):
    """Return a session ``days`` after FIRST with (code, trials) tests."""
    session = TestSessionFactory(
        patient=patient, started_at=FIRST + dt.timedelta(days=days)
    )
    for code, trials in tests:
        PerformedTestFactory(
            session=session,
            catalog_code=code,
            side="both" if "left" in trials else "na",
            trials=trials,
        )
    return mark_signed(session) if signed else session


def _tug(value):
    return ("timed_up_and_go", {"na": [value]})


def _loaded(session):
    """Return the session as the pages load it, and its tests."""
    session = TestSession.objects.select_related("patient__clinic").get(pk=session.pk)
    return session, list(session.tests.all())


@pytest.fixture
def patient(clinic):
    # 76 on every date of service below: the TUG norms of ages 70-79.
    return PatientFactory(
        clinic=clinic, date_of_birth=dt.date(1950, 3, 14), sex=Patient.Sex.FEMALE
    )


def _results(session):
    session, tests = _loaded(session)
    return session_results(session=session, tests=tests), tests


def test_previous_is_the_latest_earlier_signed_result_not_a_draft(patient):
    """A payer-facing note compares with results on record, never with a draft."""
    # given two signed TUGs, then a draft one, then today's
    _session(patient, 0, _tug("15.0"), signed=True)
    _session(patient, 30, _tug("14.6"), signed=True)
    _session(patient, 60, _tug("13.0"))
    today = _session(patient, 90, _tug("14.2"))

    # when
    results, tests = _results(today)

    # then the change is read from 10/01/2026's signed 14.6 s
    [entry] = results.entries[tests[0].pk]
    assert entry["previous"] == {"date": "10/01/2026", "result": "14.6 s"}
    assert entry["change"]["text"]
    assert entry["result"] == "14.2 s"


def test_a_result_with_no_earlier_signed_one_has_no_change(patient):
    # given
    today = _session(patient, 0, _tug("14.2"))

    # when
    results, tests = _results(today)

    # then
    [entry] = results.entries[tests[0].pk]
    assert entry["previous"] is None
    assert entry["change"] is None
    assert results.trends == []


@pytest.mark.parametrize("earlier", [1, 20])
def test_reading_a_session_is_one_query_whatever_the_history(
    patient, django_assert_num_queries, earlier
):
    # given a patient with many signed sessions of two tests
    for day in range(earlier):
        _session(
            patient,
            day,
            _tug("14.0"),
            ("chair_stand_30s", {"na": ["9"]}),
            signed=True,
        )
    session, tests = _loaded(
        _session(patient, 60, _tug("12.0"), ("chair_stand_30s", {"na": ["11"]}))
    )

    # when: the earlier results of both tests, in one query
    with django_assert_num_queries(1):
        results = session_results(session=session, tests=tests)

    # then
    assert [trend["code"] for trend in results.trends] == [
        "timed_up_and_go",
        "chair_stand_30s",
    ]
    # and the chart shows the latest results, at most TREND_POINTS
    assert len(results.trends[0]["rows"]) == min(earlier + 1, TREND_POINTS)
    assert results.trends[0]["rows"][-1]["values"] == ["12.0"]


def test_cut_offs_crossed_are_flagged_with_numbered_references(patient):
    # given a TUG of 14.2 s at 76
    today = _session(patient, 0, _tug("14.2"))

    # when
    results, tests = _results(today)

    # then every cut-off crossed is there with its source's number
    [entry] = results.entries[tests[0].pk]
    assert any("13.5" in flag["text"] for flag in entry["flags"])
    numbers = [reference["number"] for reference in results.references]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = {entry["ref"]} | {flag["ref"] for flag in entry["flags"]}
    assert cited == set(numbers)
    # and the source is numbered where it is first cited: the norm, then flags
    assert entry["ref"] == 1


def test_the_same_source_keeps_one_number_across_tests(patient):
    # given two tests citing some of the same sources (TUG and its EWGSOP2 cut-off)
    today = _session(
        patient, 0, _tug("21.0"), ("chair_stand_30s", {"na": ["6"]}), _tug("20.5")
    )

    # when
    results, _tests = _results(today)

    # then no citation is listed twice
    citations = [reference["citation"] for reference in results.references]
    assert len(citations) == len(set(citations))


def test_a_patient_of_unknown_sex_gets_no_norms_and_a_note_why(clinic):
    # given
    patient = PatientFactory(clinic=clinic, sex=Patient.Sex.UNKNOWN)
    today = _session(patient, 0, ("chair_stand_30s", {"na": ["8"]}))

    # when
    results, tests = _results(today)

    # then the result has no standing and says why, and the page says it once
    [entry] = results.entries[tests[0].pk]
    assert entry["standing"] == ""
    assert entry["missing"]
    assert "unknown" in results.person_note


def test_a_patient_of_known_sex_gets_no_note(patient):
    results, _tests = _results(_session(patient, 0, _tug("9.0")))

    assert results.person_note == ""


def test_trends_only_for_tests_with_an_earlier_signed_result(patient):
    # given a TUG done before, and a chair stand done for the first time
    _session(patient, 0, _tug("15.0"), signed=True)
    today = _session(patient, 30, _tug("13.1"), ("chair_stand_30s", {"na": ["9"]}))

    # when
    results, _tests = _results(today)

    # then
    [trend] = results.trends
    assert trend["code"] == "timed_up_and_go"
    assert trend["rows"] == [
        {"label": "09/01/2026", "signed": True, "values": ["15.0"]},
        {"label": "10/01/2026", "signed": False, "values": ["13.1"]},
    ]
    assert trend["cutoffs"]
    assert "15.0 s on 09/01/2026" in trend["description"]
    json.dumps(trend)  # stored with the note: JSON-safe


def test_per_side_tests_have_a_reading_and_a_series_per_side(patient):
    # given grip of both hands, twice
    grip = (
        "grip_dynamometry",
        {"left": ["17.0", "17.2", "17.4"], "right": ["21.0", "21.5", "22.0"]},
    )
    _session(patient, 0, grip, signed=True)
    today = _session(patient, 30, grip)

    # when
    results, tests = _results(today)

    # then
    assert [entry["side_label"] for entry in results.entries[tests[0].pk]] == [
        "Left",
        "Right",
    ]
    [trend] = results.trends
    assert [line["label"] for line in trend["series"]] == ["Left", "Right"]
    assert trend["rows"][0]["values"] == ["17.2", "21.5"]


def test_the_draft_interpretation_names_each_test_and_what_it_crossed(patient):
    # given
    _session(patient, 0, _tug("15.0"), signed=True)
    today = _session(patient, 30, _tug("14.2"))

    # when
    results, tests = _results(today)

    # then one sentence for the test, with its flags and change
    [entry] = results.entries[tests[0].pk]
    assert results.draft.startswith("Timed Up and Go (TUG) 14.2 s: ")
    for flag in entry["flags"]:
        assert flag["text"] in results.draft
    assert entry["change"]["text"] in results.draft


def test_a_load_typed_in_pounds_is_read_in_kilograms(patient):
    # given a 1-RM recorded in pounds
    session = _session(patient, 0)
    PerformedTestFactory(
        session=session,
        catalog_code="one_rep_max",
        trials={"na": ["220.0"]},
        details={"conditions": {"load_unit": "lb"}},
    )

    # when
    results, tests = _results(session)

    # then
    [entry] = results.entries[tests[0].pk]
    assert entry["result"] == "99.8 kg"


def test_progress_lists_tests_most_recently_done_first_with_drafts_marked(patient):
    # given
    _session(patient, 0, ("chair_stand_30s", {"na": ["8"]}), signed=True)
    _session(patient, 10, _tug("15.0"), signed=True)
    _session(patient, 20, ("chair_stand_30s", {"na": ["10"]}))

    # when
    progress = patient_progress(patient=patient)

    # then
    assert [trend["code"] for trend in progress] == [
        "chair_stand_30s",
        "timed_up_and_go",
    ]
    assert [row["signed"] for row in progress[0]["rows"]] == [True, False]


def test_progress_reads_only_the_latest_sessions(patient, django_assert_num_queries):
    # given one more session than the section reads, the oldest with a chair stand
    _session(patient, 0, ("chair_stand_30s", {"na": ["8"]}), signed=True)
    for day in range(1, PROGRESS_SESSIONS + 1):
        _session(patient, day, _tug("14.0"))

    # when: the latest sessions' results, and the goals of the latest plan
    with django_assert_num_queries(2):
        progress = patient_progress(patient=patient)

    # then
    [trend] = progress
    assert len(trend["rows"]) == PROGRESS_SESSIONS


@pytest.mark.parametrize(
    ("dominance", "side", "expected"),
    [
        ("right", "right", True),
        ("right", "left", False),
        ("left", "left", True),
        ("ambidextrous", "left", None),
        ("", "right", None),
        ("right", "na", None),
    ],
)
def test_dominant_side(dominance, side, expected):
    patient = Patient(hand_dominance=dominance)

    assert dominant_side(patient=patient, side=side) is expected


@pytest.mark.parametrize(
    ("sex", "expected"),
    [("female", "female"), ("male", "male"), ("other", None), ("unknown", None)],
)
def test_person_on_the_date_of_service(sex, expected):
    patient = Patient(date_of_birth=dt.date(1950, 3, 14), sex=sex)

    person = person_on(patient=patient, on=dt.date(2026, 3, 14))

    assert (person.age, person.sex) == (76, expected)


def test_stored_values_are_strings_never_floats(patient):
    # given
    _session(patient, 0, _tug("15.0"), signed=True)
    results, tests = _results(_session(patient, 30, _tug("14.2")))

    # when
    stored = json.loads(json.dumps([results.entries[tests[0].pk], results.trends]))

    # then
    def floats(value):
        if isinstance(value, dict):
            return [f for item in value.values() for f in floats(item)]
        if isinstance(value, list):
            return [f for item in value for f in floats(item)]
        return [value] if isinstance(value, float) else []

    assert floats(stored) == []
    assert Decimal(results.trends[0]["series"][0]["points"][0]["value"]) == Decimal(15)


def test_side_of_a_test_without_trials_has_no_reading(patient):
    # given a grip of the left hand only
    session = _session(patient, 0)
    PerformedTestFactory(
        session=session,
        catalog_code="grip_dynamometry",
        side=PerformedTest.Side.LEFT,
        trials={"left": ["20.0"]},
    )

    # when
    results, tests = _results(session)

    # then
    assert [entry["side"] for entry in results.entries[tests[0].pk]] == ["left"]


def test_a_limb_symmetry_index_below_the_criterion_is_flagged_on_the_involved_side(
    patient,
):
    # given a single hop after a right ACL reconstruction: right 121.5, left 152 cm
    session = _session(patient, 0)
    PerformedTestFactory(
        session=session,
        catalog_code="single_hop_distance",
        side=PerformedTest.Side.BOTH,
        trials={"left": ["152.0"], "right": ["121.5"]},
        details={"conditions": {"involved": "right"}},
    )

    # when
    results, tests = _results(session)

    # then the 79.9 % index is flagged on the right, with its numbered source
    left, right = results.entries[tests[0].pk]
    assert [flag["text"] for flag in right["flags"] if "79.9 %" in flag["text"]]
    assert not [flag for flag in left["flags"] if "symmetry" in flag["text"]]
    assert {flag["ref"] for flag in right["flags"]} <= {
        reference["number"] for reference in results.references
    }


def test_a_six_minute_walk_with_height_and_weight_is_read_against_the_equation(
    patient,
):
    # given a 6MWT of a woman of 76, 160 cm and 65 kg, as the form records it
    session = _session(patient, 0)
    PerformedTestFactory(
        session=session,
        catalog_code="six_minute_walk",
        trials={"na": ["310"]},
        details={"conditions": {"height_cm": "160", "weight_kg": "65"}},
    )

    # when
    results, tests = _results(session)

    # then it is read as % predicted by Enright & Sherrill's equation for women:
    # 2.11 × 160 − 2.29 × 65 − 5.78 × 76 + 667 = 416.47 → 416 m; 310 / 416
    [entry] = results.entries[tests[0].pk]
    assert entry["standing"] == "74.5 % of predicted"
    assert "Height and weight are not recorded" not in json.dumps(entry)


def test_a_trend_draws_the_goals_of_the_sessions_plan_of_care(patient):
    # given a plan whose goal is a TUG of at most 12 s by 01/15/2027, a signed
    # TUG and a re-test under that plan
    plan = PlanOfCareFactory(patient=patient)
    GoalFactory(plan=plan)
    GoalFactory(plan=plan, catalog_code="berg_balance_scale", target=Decimal(50))
    _session(patient, 0, _tug("15.0"), signed=True)
    session = _session(patient, 30, _tug("13.1"))
    TestSession.objects.filter(pk=session.pk).update(plan_of_care=plan)

    # when
    results, _tests = _results(session)

    # then the TUG's chart has the TUG goal's line, not the Berg's
    [trend] = results.trends
    assert trend["goals"] == [
        {"label": "Goal: at most 12 s by 01/15/2027", "value": "12.000"}
    ]
    assert "Goal: at most 12 s by 01/15/2027." in trend["description"]


def test_progress_draws_the_goals_of_the_latest_plan(patient):
    # given an older plan aiming at 13 s and the latest at 12 s
    older = PlanOfCareFactory(patient=patient, starts_on=dt.date(2026, 1, 5))
    GoalFactory(plan=older, target=Decimal(13))
    GoalFactory(plan=PlanOfCareFactory(patient=patient))
    _session(patient, 0, _tug("15.0"), signed=True)

    # when
    [trend] = patient_progress(patient=patient)

    # then
    assert [goal["value"] for goal in trend["goals"]] == ["12.000"]


def test_the_earlier_results_read_are_each_tests_latest_only(patient):
    # given 20 signed TUGs and one signed chair stand before today's session
    _session(patient, 0, ("chair_stand_30s", {"na": ["9"]}), signed=True)
    for day in range(1, 21):
        _session(patient, day, _tug(f"{20 - day * 0.1:.1f}"), signed=True)
    session = _session(patient, 60, _tug("12.0"))

    # when
    history = earlier_results(
        session=session, codes={"timed_up_and_go", "chair_stand_30s"}
    )

    # then each test brings its latest TREND_POINTS rows, oldest first, and no more
    tug = history[("timed_up_and_go", "na")]
    assert len(tug) == TREND_POINTS
    assert [str(point.value) for point in tug[-2:]] == ["18.1", "18.0"]
    assert [str(p.value) for p in history[("chair_stand_30s", "na")]] == ["9"]
