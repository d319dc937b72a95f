"""Plan-of-care pages and the session form's plan: scoped, refused next to fields."""

import datetime as dt
import html
import uuid
from http import HTTPStatus

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from assessments.access import access_plan_by_uuid
from assessments.models import PlanOfCare
from assessments.plans import CERTIFICATION_ENDS_BEFORE_START
from tests.actors import INSIDERS
from tests.assessments.test_views import _session_data, _tug
from tests.factories import DiagnosisFactory, GoalFactory, PlanOfCareFactory
from tests.pages import flashed_messages

pytestmark = pytest.mark.django_db

PLAN_REFUSALS = {
    "other clinician": "No such plan of care.",
    "no clinic": "No clinic.",
    "anonymous": "No clinic.",
}


@pytest.fixture
def plan(patient):
    plan = PlanOfCareFactory(patient=patient)
    GoalFactory(plan=plan)
    return plan


def _plan_data(
    goals=(), diagnoses=(("M17.11", "Osteoarthritis, right knee"),), **fields
):
    """Return the POST body of the plan form, as a browser sends it."""
    data = {
        "discipline": "PT",
        "starts_on": "2026-10-01",
        "onset_on": "2026-09-20",
        "certification_from": "2026-10-01",
        "certification_through": "2026-12-29",
        "certified_on": "",
        "certifying_name": "Priya Raman, MD",
        "certifying_npi": "1876034210",
        "referring_name": "",
        "referring_npi": "",
        "frequency": "2x/week",
        "duration": "12 weeks",
        "diagnoses-TOTAL_FORMS": str(len(diagnoses)),
        "diagnoses-INITIAL_FORMS": "0",
        "goals-TOTAL_FORMS": str(len(goals)),
        "goals-INITIAL_FORMS": "0",
    }
    for index, (code, description) in enumerate(diagnoses):
        data[f"diagnoses-{index}-code"] = code
        data[f"diagnoses-{index}-description"] = description
    for index, goal in enumerate(goals):
        data.update({f"goals-{index}-{name}": value for name, value in goal.items()})
    data.update(fields)
    return data


TUG_GOAL = {
    "text": "Walk safely in the community.",
    "catalog_code": "timed_up_and_go",
    "comparison": "at_most",
    "target": "12",
    "target_on": "2027-01-15",
}


@pytest.mark.parametrize("actor", INSIDERS)
def test_everyone_in_the_clinic_can_access_its_plans(user_of, plan, actor):
    assert access_plan_by_uuid(user=user_of(actor), plan_uuid=plan.uuid) == plan


@pytest.mark.parametrize(("actor", "message"), PLAN_REFUSALS.items())
def test_nobody_outside_the_clinic_can_access_its_plans(user_of, plan, actor, message):
    with pytest.raises(Http404) as error:
        access_plan_by_uuid(user=user_of(actor), plan_uuid=plan.uuid)

    assert str(error.value) == message


def test_unknown_plan_uuid_is_not_found(clinician):
    with pytest.raises(Http404, match=r"No such plan of care\."):
        access_plan_by_uuid(user=clinician.user, plan_uuid=uuid.uuid4())


def test_another_clinics_plan_pages_are_not_found(
    other_clinician_client, plan, patient
):
    """A stranger gets 404 on the edit page and the new-plan page, and changes nothing."""
    edit = reverse("assessments:plan-update", args=[plan.uuid])
    new = reverse("assessments:plan-create", args=[patient.uuid])

    assert other_clinician_client.get(edit).status_code == HTTPStatus.NOT_FOUND
    assert other_clinician_client.get(new).status_code == HTTPStatus.NOT_FOUND
    response = other_clinician_client.post(edit, _plan_data(frequency="7x/week"))
    assert response.status_code == HTTPStatus.NOT_FOUND
    plan.refresh_from_db()
    assert plan.frequency == "2x/week"


def test_chart_lists_plans_with_certification_and_goals(
    clinician_client, plan, patient
):
    PlanOfCareFactory(patient=patient, discipline="OT", certified_on=None)

    response = clinician_client.get(
        reverse("assessments:patient-detail", args=[patient.uuid])
    )

    page = response.content.decode()
    assert "Plans of care" in page
    assert "Add plan of care" in page
    assert f"Certified {plan.certified_on:%m/%d/%Y}" in page
    assert "Not yet certified" in page
    assert reverse("assessments:plan-update", args=[plan.uuid]) in page


def test_new_plan_starts_with_the_patients_diagnoses(clinician_client, patient):
    DiagnosisFactory(patient=patient, code="R26.81", description="Unsteadiness")

    response = clinician_client.get(
        reverse("assessments:plan-create", args=[patient.uuid])
    )

    assert response.status_code == HTTPStatus.OK
    assert response.context["diagnoses"].initial == [
        {"code": "R26.81", "description": "Unsteadiness"}
    ]
    assert response.context["form"].initial["certification_from"] == (
        timezone.localdate()
    )


def test_creating_a_plan_with_a_measured_goal(clinician_client, patient):
    # when
    response = clinician_client.post(
        reverse("assessments:plan-create", args=[patient.uuid]),
        _plan_data(goals=(TUG_GOAL, {"text": "Climb stairs."})),
    )

    # then it is stored and the chart says so
    assert response.status_code == HTTPStatus.FOUND
    plan = patient.plans_of_care.get()
    assert flashed_messages(response) == [f"Saved the {plan}."]
    assert [(g.catalog_code, g.comparison) for g in plan.goals.all()] == [
        ("timed_up_and_go", "at_most"),
        ("", ""),
    ]
    assert plan.certified_on is None
    assert plan.onset_on == dt.date(2026, 9, 20)


def test_certification_ending_before_it_starts_is_shown_on_its_field(
    clinician_client, patient, field_errors, form_values
):
    data = _plan_data(goals=(TUG_GOAL,), certification_through="2026-09-01")

    response = clinician_client.post(
        reverse("assessments:plan-create", args=[patient.uuid]), data
    )

    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, "id_certification_through") == [
        CERTIFICATION_ENDS_BEFORE_START
    ]
    shown = form_values(response)
    assert {name: shown.get(name) for name in data} == data
    assert PlanOfCare.objects.count() == 0


def test_goal_without_target_is_shown_on_its_row(
    clinician_client, patient, field_errors, form_values
):
    """The second goal's missing target is shown on that row; nothing typed is lost."""
    data = _plan_data(
        goals=(
            {"text": "Climb stairs."},
            {**TUG_GOAL, "target": "", "comparison": ""},
        )
    )

    response = clinician_client.post(
        reverse("assessments:plan-create", args=[patient.uuid]), data
    )

    assert field_errors(response, "id_goals-1-target") == [
        "Timed Up and Go (TUG): give the target value."
    ]
    assert field_errors(response, "id_goals-1-comparison") != []
    shown = form_values(response)
    assert {name: shown.get(name) for name in data} == data
    assert PlanOfCare.objects.count() == 0


def test_malformed_npi_is_shown_on_its_field(clinician_client, patient, field_errors):
    response = clinician_client.post(
        reverse("assessments:plan-create", args=[patient.uuid]),
        _plan_data(referring_npi="12ab"),
    )

    assert field_errors(response, "id_referring_npi") == [
        "An NPI is exactly 10 digits."
    ]


def test_editing_a_plan_shows_it_and_keeps_its_goals_in_order(
    clinician_client, plan, form_values
):
    url = reverse("assessments:plan-update", args=[plan.uuid])

    shown = form_values(clinician_client.get(url))

    assert shown["frequency"] == "2x/week"
    assert shown["goals-0-catalog_code"] == "timed_up_and_go"
    assert shown["goals-0-target"] == "12.000"


def test_discipline_change_of_a_plan_with_sessions_is_shown_on_the_field(
    clinician_client, plan, session, field_errors
):
    session.plan_of_care = plan
    session.save()

    response = clinician_client.post(
        reverse("assessments:plan-update", args=[plan.uuid]),
        _plan_data(discipline="OT"),
    )

    assert field_errors(response, "id_discipline")[0].startswith(
        "Sessions are recorded"
    )


# --- the session form's plan -------------------------------------------------------


def test_session_form_offers_only_the_patients_plans_and_preselects_the_one(
    clinician_client, patient, plan, other_patient
):
    """One PT plan covers today: it is chosen; another patient's plan is not offered."""
    PlanOfCareFactory(patient=other_patient)
    PlanOfCareFactory(patient=patient, discipline="OT")

    response = clinician_client.get(
        reverse("assessments:session-create", args=[patient.uuid])
    )

    field = response.context["form"].fields["plan_of_care"]
    assert set(field.queryset) == set(patient.plans_of_care.all())
    assert response.context["form"].initial["plan_of_care"] == plan


def test_no_plan_is_preselected_when_two_cover_today(clinician_client, patient, plan):
    PlanOfCareFactory(patient=patient)

    response = clinician_client.get(
        reverse("assessments:session-create", args=[patient.uuid])
    )

    assert response.context["form"].initial["plan_of_care"] is None


def test_session_under_a_plan_of_the_other_discipline_is_refused_on_the_plan(
    clinician_client, patient, field_errors, form_values
):
    plan = PlanOfCareFactory(patient=patient, discipline="OT")
    data = _session_data(_tug(), plan_of_care=str(plan.pk))

    response = clinician_client.post(
        reverse("assessments:session-create", args=[patient.uuid]), data
    )

    assert field_errors(response, "id_plan_of_care") == [
        "This plan of care is for OT; the session is PT."
    ]
    assert form_values(response)["plan_of_care"] == str(plan.pk)
    assert patient.sessions.count() == 0


def test_session_is_saved_under_its_plan(clinician_client, patient, plan):
    response = clinician_client.post(
        reverse("assessments:session-create", args=[patient.uuid]),
        _session_data(_tug(), plan_of_care=str(plan.pk)),
    )

    assert response.status_code == HTTPStatus.FOUND
    assert patient.sessions.get().plan_of_care == plan


def test_a_plan_saved_by_someone_else_meanwhile_is_not_overwritten(
    clinician_client, client, clinician, plan, form_values
):
    """The second save is refused with the time of the first; its input is kept."""
    # given two clinicians of the clinic with the same plan open
    from tests.factories import ClinicianFactory

    colleague = ClinicianFactory(clinic=clinician.clinic)
    client.force_login(colleague.user)
    url = reverse("assessments:plan-update", args=[plan.uuid])
    mine = form_values(clinician_client.get(url))
    theirs = form_values(client.get(url))
    # when the colleague saves first, then the first clinician
    theirs["frequency"] = "3x/week"
    assert client.post(url, theirs).status_code == HTTPStatus.FOUND
    mine["frequency"] = "1x/week"
    response = clinician_client.post(url, mine)
    # then
    assert response.status_code == HTTPStatus.OK
    assert f"{colleague.display_name} saved this plan of care at" in html.unescape(
        response.content.decode()
    )
    assert "after you opened it: frequency changed." in response.content.decode()
    plan.refresh_from_db()
    assert plan.frequency == "3x/week"
    # and saving again, knowingly, replaces it
    assert clinician_client.post(url, form_values(response)).status_code == 302
    plan.refresh_from_db()
    assert plan.frequency == "1x/week"


@pytest.mark.parametrize(("prefix", "cap"), [("diagnoses", 12), ("goals", 20)])
def test_a_forged_number_of_plan_rows_is_a_bad_request_building_at_most_the_cap(
    clinician_client, patient, prefix, cap
):
    # given a plan posted claiming 100,000 rows
    data = _plan_data(**{f"{prefix}-TOTAL_FORMS": "100000"})
    url = reverse("assessments:plan-create", args=[patient.uuid])

    # when
    response = clinician_client.post(url, data)

    # then it is refused as a bad request, with the cap said on the form
    assert response.status_code == HTTPStatus.BAD_REQUEST
    formset = response.context[prefix]
    assert len(formset.forms) == cap
    assert formset.non_form_errors() == [f"Please submit at most {cap} forms."]
    assert not patient.plans_of_care.exists()
