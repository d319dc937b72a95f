"""plan_of_care_save and the session's plan: the one write path of a plan of care.

The service checks the plan, its diagnoses and its goals before it writes,
stores them as one change in the order given, and stores nothing when
anything is wrong; the session services keep a session to a plan of its own
patient and discipline.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assessments import plans
from assessments.models import Goal, PlanOfCare
from assessments.plans import (
    CERTIFICATION_ENDS_BEFORE_START,
    GoalInput,
    PlanDiagnosisInput,
    PlanOfCareInput,
    plan_of_care_save,
)
from assessments.recording import Problem, SessionInput, TestInput
from assessments.selectors import session_input_get
from assessments.services import (
    PLAN_NOT_THE_PATIENTS,
    SessionRulesError,
    session_create,
    session_update,
)
from tests.factories import (
    PatientFactory,
    PlanOfCareFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db

OA_KNEE = PlanDiagnosisInput(
    code="M17.11", description="Unilateral primary osteoarthritis, right knee"
)
UNSTEADY = PlanDiagnosisInput(code="R26.81", description="Unsteadiness on feet")
TUG_GOAL = GoalInput(
    text="Walk safely in the community.",
    catalog_code="timed_up_and_go",
    comparison="at_most",
    target=Decimal(12),
    target_on=dt.date(2027, 1, 15),
)


def _data(**fields):
    """A PT plan from 10/01/2026, certified for 90 days."""
    return PlanOfCareInput(
        **{
            "discipline": "PT",
            "starts_on": dt.date(2026, 10, 1),
            "certification_from": dt.date(2026, 10, 1),
            "certification_through": dt.date(2026, 12, 29),
            "frequency": "2x/week",
            "duration": "12 weeks",
            "certified_on": dt.date(2026, 10, 5),
            "certifying_name": "Priya Raman, MD",
            "certifying_npi": "1876034210",
            **fields,
        }
    )


def _save(patient, plan=None, data=None, diagnoses=(OA_KNEE,), goals=(TUG_GOAL,)):
    return plan_of_care_save(
        plan=plan,
        patient=patient,
        data=data or _data(),
        diagnoses=tuple(diagnoses),
        goals=tuple(goals),
    )


def _refusal(patient, **kwargs):
    with pytest.raises(ValidationError) as refused:
        _save(patient, **kwargs)
    return refused.value.message_dict


def test_new_plan_is_stored_with_diagnoses_and_goals_in_order(patient):
    # given a patient
    # when a plan is saved with two diagnoses and two goals
    plan = _save(
        patient,
        diagnoses=(UNSTEADY, OA_KNEE),
        goals=(GoalInput(text="Climb stairs reciprocally."), TUG_GOAL),
    )

    # then the rows are stored, primary diagnosis and first goal at position 0
    plan.refresh_from_db()
    assert plan.patient == patient
    assert str(plan) == "PT plan of care from 10/01/2026"
    assert [(d.code, d.position) for d in plan.diagnoses.all()] == [
        ("R26.81", 0),
        ("M17.11", 1),
    ]
    assert [(g.text, g.catalog_code, g.target) for g in plan.goals.all()] == [
        ("Climb stairs reciprocally.", "", None),
        ("Walk safely in the community.", "timed_up_and_go", Decimal("12.000")),
    ]
    assert plan.is_certified


def test_saving_again_replaces_the_lists(patient):
    # given a plan with one diagnosis and one goal
    plan = _save(patient)

    # when it is saved with other lists and fields
    _save(
        patient,
        plan=plan,
        data=_data(frequency=" 3x/week ", certified_on=None),
        diagnoses=(UNSTEADY,),
        goals=(),
    )

    # then only the new rows are left, and the fields changed (stripped)
    plan.refresh_from_db()
    assert [d.code for d in plan.diagnoses.all()] == ["R26.81"]
    assert plan.goals.count() == 0
    assert plan.frequency == "3x/week"
    assert not plan.is_certified


@pytest.mark.parametrize(
    ("day", "covered"),
    [
        (dt.date(2026, 9, 30), False),
        (dt.date(2026, 10, 1), True),
        (dt.date(2026, 12, 29), True),
        (dt.date(2026, 12, 30), False),
    ],
)
def test_covers_includes_both_ends_of_the_certification_period(patient, day, covered):
    assert _save(patient).covers(day) is covered


def test_certification_period_ending_before_it_starts_is_refused(patient):
    errors = _refusal(patient, data=_data(certification_through=dt.date(2026, 9, 30)))

    assert errors == {"certification_through": [CERTIFICATION_ENDS_BEFORE_START]}
    assert PlanOfCare.objects.count() == 0


def test_goal_with_a_test_but_no_comparison_or_target_is_refused(patient):
    # when the second goal names a test but no comparison or target
    errors = _refusal(
        patient,
        goals=(
            TUG_GOAL,
            GoalInput(text="Stand up faster.", catalog_code="five_times_sit_to_stand"),
        ),
    )

    # then both fields of that goal say why, and nothing is stored
    assert set(errors) == {"goals.1.comparison", "goals.1.target"}
    assert PlanOfCare.objects.count() == 0
    assert Goal.objects.count() == 0


def test_unknown_catalog_code_is_refused(patient):
    errors = _refusal(
        patient,
        goals=(
            GoalInput(
                text="x",
                catalog_code="moon_walk",
                comparison="at_most",
                target=Decimal(1),
            ),
        ),
    )

    assert errors == {
        "goals.0.catalog_code": ["moon_walk is not a test in the catalog."]
    }


def test_bad_npi_icd_code_and_duplicate_diagnosis_are_each_named(patient):
    errors = _refusal(
        patient,
        data=_data(referring_npi="12345"),
        diagnoses=(
            OA_KNEE,
            PlanDiagnosisInput(code="knee", description="Knee"),
            OA_KNEE,
        ),
    )

    assert errors["referring_npi"] == ["An NPI is exactly 10 digits."]
    assert errors["diagnoses.1.code"][0].startswith("Give an ICD-10-CM code")
    assert errors["diagnoses.2.code"] == ["M17.11 is listed twice."]
    assert set(errors) == {"referring_npi", "diagnoses.1.code", "diagnoses.2.code"}


def test_discipline_of_a_plan_with_sessions_cannot_change(patient, clinician):
    # given a PT plan with a session
    plan = _save(patient)
    TestSessionFactory(patient=patient, clinician=clinician, plan_of_care=plan)

    # when it is saved as an OT plan
    errors = _refusal(patient, plan=plan, data=_data(discipline="OT"))

    # then it is refused on the discipline and stays PT
    assert list(errors) == ["discipline"]
    plan.refresh_from_db()
    assert plan.discipline == "PT"


def test_discipline_of_a_plan_without_sessions_can_change(patient):
    plan = _save(patient)

    _save(patient, plan=plan, data=_data(discipline="OT"))

    plan.refresh_from_db()
    assert plan.discipline == "OT"


def test_saving_a_plan_recomputes_billing_of_its_draft_sessions_only(
    patient, clinician, monkeypatch
):
    # given a plan with a draft and a signed session, and a draft of no plan
    plan = _save(patient)
    draft = TestSessionFactory(patient=patient, clinician=clinician, plan_of_care=plan)
    signed = mark_signed(
        TestSessionFactory(patient=patient, clinician=clinician, plan_of_care=plan)
    )
    TestSessionFactory(patient=patient, clinician=clinician)
    refreshed = []
    monkeypatch.setattr(
        plans, "session_billing_refresh", lambda *, session: refreshed.append(session)
    )

    # when the plan is saved
    _save(patient, plan=plan, data=_data(certified_on=None))

    # then only its draft was handed to billing; the signed one was not touched
    assert refreshed == [draft]
    assert signed.pk not in [session.pk for session in refreshed]


# The session's plan -----------------------------------------------------------

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
START = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)


def _session_data(**fields):
    return SessionInput(
        **{
            "started_at": START,
            "ended_at": START + dt.timedelta(minutes=30),
            "discipline": "PT",
            "reason": "Fall risk.",
            "interpretation": "",
            "tests": (
                TestInput(
                    catalog_code="timed_up_and_go",
                    side="na",
                    started_at=START + dt.timedelta(minutes=5),
                    ended_at=START + dt.timedelta(minutes=15),
                    trials={"na": ["13.2"]},
                ),
            ),
            **fields,
        }
    )


def test_session_is_stored_under_its_plan(patient, clinician):
    plan = PlanOfCareFactory(patient=patient)

    session = session_create(
        patient=patient,
        clinician=clinician,
        data=_session_data(plan_of_care_id=plan.pk),
        now=NOW,
    )

    session.refresh_from_db()
    assert session.plan_of_care == plan
    assert session_input_get(session=session).plan_of_care_id == plan.pk


def test_session_of_the_other_discipline_is_refused_on_the_plan(patient, clinician):
    # given an OT plan
    plan = PlanOfCareFactory(patient=patient, discipline="OT")

    # when a PT session is recorded under it
    with pytest.raises(SessionRulesError) as refused:
        session_create(
            patient=patient,
            clinician=clinician,
            data=_session_data(plan_of_care_id=plan.pk),
            now=NOW,
        )

    # then the plan field says why and no session is stored
    assert refused.value.problems == (
        Problem(
            message="This plan of care is for OT; the session is PT.",
            field="plan_of_care",
        ),
    )
    assert patient.sessions.count() == 0


def test_plan_of_another_patient_is_refused(patient, clinician):
    plan = PlanOfCareFactory(patient=PatientFactory(clinic=patient.clinic))

    with pytest.raises(SessionRulesError) as refused:
        session_create(
            patient=patient,
            clinician=clinician,
            data=_session_data(plan_of_care_id=plan.pk),
            now=NOW,
        )

    assert refused.value.problems == (
        Problem(message=PLAN_NOT_THE_PATIENTS, field="plan_of_care"),
    )


def test_updating_a_session_can_take_it_off_its_plan(patient, clinician):
    plan = PlanOfCareFactory(patient=patient)
    session = session_create(
        patient=patient,
        clinician=clinician,
        data=_session_data(plan_of_care_id=plan.pk),
        now=NOW,
    )

    session_update(
        session=session, data=_session_data(), editor=clinician.user, now=NOW
    )

    session.refresh_from_db()
    assert session.plan_of_care is None
