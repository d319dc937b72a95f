"""The plan-of-care admin as a clinic's front office sees it: scoped, saved by the service."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from assessments.models import PlanOfCare
from clinic.services import clinic_admin_group_ensure
from tests.factories import GoalFactory, PlanDiagnosisFactory, PlanOfCareFactory
from tests.pages import flashed_messages

pytestmark = pytest.mark.django_db

PLANS = reverse("admin:assessments_planofcare_changelist")
ADD = reverse("admin:assessments_planofcare_add")


@pytest.fixture
def front_office_client(client, clinic_admin):
    """The clinic admin as seed_demo makes them: staff, in the front-office group."""
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)
    return client


def _change_url(plan):
    return reverse("admin:assessments_planofcare_change", args=[plan.pk])


def _rows(response):
    return list(response.context["cl"].result_list)


def _post(patient, diagnoses=(), goals=(), **fields):
    data = {
        "patient": str(patient.pk),
        "discipline": "PT",
        "starts_on": "2026-10-01",
        "onset_on": "",
        "certification_from": "2026-10-01",
        "certification_through": "2026-12-29",
        "certified_on": "2026-10-06",
        "certifying_name": "Priya Raman, MD",
        "certifying_npi": "1876034210",
        "referring_name": "",
        "referring_npi": "",
        "frequency": "2x/week",
        "duration": "12 weeks",
    }
    for prefix, rows in (("diagnoses", diagnoses), ("goals", goals)):
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for index, row in enumerate(rows):
            data |= {f"{prefix}-{index}-{name}": value for name, value in row.items()}
    return data | fields


TUG = {
    "position": "0",
    "text": "Walk safely in the community.",
    "catalog_code": "timed_up_and_go",
    "comparison": "at_most",
    "target": "12",
    "target_on": "2027-01-15",
}


def test_list_shows_only_own_clinic_and_searches_by_mrn(
    front_office_client, patient, other_patient
):
    own = PlanOfCareFactory(patient=patient)
    PlanOfCareFactory(patient=other_patient)

    assert _rows(front_office_client.get(PLANS)) == [own]
    assert _rows(front_office_client.get(PLANS, {"q": patient.mrn})) == [own]
    assert _rows(front_office_client.get(PLANS, {"q": "nobody"})) == []


def test_filter_by_discipline(front_office_client, patient):
    PlanOfCareFactory(patient=patient)
    ot = PlanOfCareFactory(patient=patient, discipline="OT")

    assert _rows(front_office_client.get(PLANS, {"discipline": "OT"})) == [ot]


def test_other_clinics_plan_is_reported_missing(front_office_client, other_patient):
    plan = PlanOfCareFactory(patient=other_patient)

    response = front_office_client.get(_change_url(plan))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")


def test_front_office_adds_a_plan_with_diagnoses_and_goals_in_position_order(
    front_office_client, patient
):
    # when
    response = front_office_client.post(
        ADD,
        _post(
            patient,
            diagnoses=(
                {"position": "1", "code": "R26.81", "description": "Unsteady"},
                {"position": "0", "code": "M17.11", "description": "OA right knee"},
            ),
            goals=(TUG, {"position": "1", "text": "Garden again."}),
        ),
    )

    # then
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    plan = PlanOfCare.objects.get()
    assert plan.patient == patient
    assert [d.code for d in plan.diagnoses.all()] == ["M17.11", "R26.81"]
    assert [g.text for g in plan.goals.all()] == [
        "Walk safely in the community.",
        "Garden again.",
    ]


def test_goal_without_target_is_refused_next_to_its_field(front_office_client, patient):
    response = front_office_client.post(
        ADD, _post(patient, goals=({**TUG, "target": ""},))
    )

    assert response.status_code == HTTPStatus.OK
    goal_form = response.context["inline_admin_formsets"][1].formset.forms[0]
    assert goal_form.errors["target"] == [
        "Timed Up and Go (TUG): give the target value."
    ]
    assert PlanOfCare.objects.count() == 0


def test_changing_the_certification_keeps_the_rows(front_office_client, patient):
    # given a plan with a diagnosis and a goal, not yet certified
    plan = PlanOfCareFactory(patient=patient, certified_on=None)
    PlanDiagnosisFactory(plan=plan)
    GoalFactory(plan=plan)
    data = _post(patient, certified_on="2026-10-09")
    data |= {
        "diagnoses-TOTAL_FORMS": "1",
        "diagnoses-INITIAL_FORMS": "1",
        "diagnoses-0-id": str(plan.diagnoses.get().pk),
        "diagnoses-0-plan": str(plan.pk),
        "diagnoses-0-position": "0",
        "diagnoses-0-code": "M17.11",
        "diagnoses-0-description": "OA right knee",
        "goals-TOTAL_FORMS": "1",
        "goals-INITIAL_FORMS": "1",
        "goals-0-id": str(plan.goals.get().pk),
        "goals-0-plan": str(plan.pk),
        **{f"goals-0-{name}": value for name, value in TUG.items()},
    }

    # when
    response = front_office_client.post(_change_url(plan), data)

    # then
    assert response.status_code == HTTPStatus.FOUND, response.context["errors"]
    plan.refresh_from_db()
    assert str(plan.certified_on) == "2026-10-09"
    assert [d.description for d in plan.diagnoses.all()] == ["OA right knee"]
    assert plan.goals.get().target == 12
    assert flashed_messages(response)[0].startswith("The plan of care")


def test_plans_cannot_be_deleted_in_the_admin(front_office_client, patient):
    plan = PlanOfCareFactory(patient=patient)

    response = front_office_client.post(
        reverse("admin:assessments_planofcare_delete", args=[plan.pk]), {"post": "yes"}
    )

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert PlanOfCare.objects.filter(pk=plan.pk).exists()
