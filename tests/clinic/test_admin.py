"""The Django admin as a clinic's front office sees it: only its own clinic, read-only when signed."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from http import HTTPStatus
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import TestSession
from assessments.notes.signing import session_sign
from assessments.recording import SessionInput, TestInput
from assessments.services import session_create
from billing.models import Coverage, Payer
from clinic.admin import NOT_THIS_RECORDS_ROW
from clinic.admin_scoping import scope_to_clinic
from clinic.models import Diagnosis, Patient
from clinic.services import CLINIC_ADMIN_GROUP, clinic_admin_group_ensure
from tests.factories import (
    DEFAULT_PASSWORD,
    ClinicianFactory,
    DiagnosisFactory,
    PatientFactory,
    PayerFactory,
    PerformedTestFactory,
    PlanOfCareFactory,
    TestSessionFactory,
    UserFactory,
    mark_signed,
)
from tests.pages import flashed_messages

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
SESSIONS = reverse("admin:assessments_testsession_changelist")
PATIENTS = reverse("admin:clinic_patient_changelist")
# What a clinic's front office may do, as each app's AppConfig grants it.
FRONT_OFFICE_PERMISSIONS = {
    "clinic.view_clinic",
    "clinic.view_clinician",
    "clinic.change_clinician",
    "clinic.view_patient",
    "clinic.add_patient",
    "clinic.change_patient",
    "clinic.view_diagnosis",
    "clinic.add_diagnosis",
    "clinic.change_diagnosis",
    "clinic.delete_diagnosis",
    "clinic.view_auditevent",
    "billing.view_payer",
    "billing.add_payer",
    "billing.change_payer",
    "billing.view_coverage",
    "billing.add_coverage",
    "billing.change_coverage",
    "billing.delete_coverage",
    "billing.view_billingdecision",
    "billing.view_claim",
    "billing.view_claimline",
    "billing.view_claimexport",
    "billing.view_payerrate",
    "billing.add_payerrate",
    "billing.change_payerrate",
    "billing.delete_payerrate",
    "billing.view_clinicfee",
    "billing.add_clinicfee",
    "billing.change_clinicfee",
    "billing.delete_clinicfee",
    "billing.view_outsidetherapyamount",
    "billing.add_outsidetherapyamount",
    "billing.change_outsidetherapyamount",
    "billing.delete_outsidetherapyamount",
    "assessments.view_testsession",
    "assessments.change_testsession",
    "assessments.view_performedtest",
    "assessments.view_samedayprocedure",
    "assessments.view_noteversion",
    "assessments.view_addendum",
    "assessments.view_noteaccessevent",
    "assessments.view_planofcare",
    "assessments.add_planofcare",
    "assessments.change_planofcare",
    "assessments.view_plandiagnosis",
    "assessments.add_plandiagnosis",
    "assessments.change_plandiagnosis",
    "assessments.delete_plandiagnosis",
    "assessments.view_goal",
    "assessments.add_goal",
    "assessments.change_goal",
    "assessments.delete_goal",
    "assessments.view_testbattery",
    "assessments.add_testbattery",
    "assessments.change_testbattery",
    "assessments.delete_testbattery",
}


def _change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def _rows(response):
    """Return the objects listed on a changelist page, in the order shown."""
    return list(response.context["cl"].result_list)


@pytest.fixture
def front_office(clinic_admin):
    """The clinic admin as seed_demo makes them: staff, in the front-office group."""
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    return user


@pytest.fixture
def front_office_client(client, front_office):
    client.force_login(front_office)
    return client


# --- the group ------------------------------------------------------------------


def test_group_holds_exactly_the_front_office_permissions():
    """The group holds what the apps grant the front office; ensuring it twice changes nothing."""
    # when
    group = clinic_admin_group_ensure()
    clinic_admin_group_ensure()

    # then
    names = {
        f"{perm.content_type.app_label}.{perm.codename}"
        for perm in group.permissions.all()
    }
    assert group.name == CLINIC_ADMIN_GROUP
    assert names == FRONT_OFFICE_PERMISSIONS
    assert "assessments.delete_testsession" not in names
    assert "assessments.add_testsession" not in names


# --- scoping: lists ---------------------------------------------------------------


def test_session_list_shows_only_own_clinic(
    front_office_client, session, other_session
):
    # when
    response = front_office_client.get(SESSIONS)

    # then
    assert response.status_code == HTTPStatus.OK
    assert _rows(response) == [session]


def test_patient_list_shows_only_own_clinic(
    front_office_client, patient, other_patient
):
    # given a second patient of the clinic
    second = PatientFactory(clinic=patient.clinic, last_name="Zimmer")

    # when
    response = front_office_client.get(PATIENTS)

    # then patients are listed by last name
    assert [row.pk for row in _rows(response)] == [patient.pk, second.pk]


def test_payer_clinician_and_clinic_lists_show_only_own_clinic(
    front_office_client, clinic, clinician, other_clinician, patient, other_patient
):
    # when
    payers = front_office_client.get(reverse("admin:billing_payer_changelist"))
    clinicians = front_office_client.get(reverse("admin:clinic_clinician_changelist"))
    clinics = front_office_client.get(reverse("admin:clinic_clinic_changelist"))

    # then
    assert _rows(payers) == [patient.coverage.payer]
    assert _rows(clinicians) == [clinician]
    assert _rows(clinics) == [clinic]


def test_superuser_sees_every_clinic(admin_client, session, other_session):
    # when
    response = admin_client.get(SESSIONS)

    # then
    assert {row.pk for row in _rows(response)} == {session.pk, other_session.pk}


def test_staff_user_without_clinic_sees_no_sessions(client, session):
    # given a staff member with the group's permissions but no clinic
    user = UserFactory(is_staff=True)
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)

    # when
    response = client.get(SESSIONS)

    # then
    assert _rows(response) == []


def test_unknown_model_is_hidden_from_clinic_users(front_office, session):
    # when a model with no path to a clinic is scoped (fail closed)
    from django.contrib.auth import get_user_model

    users = scope_to_clinic(queryset=get_user_model().objects.all(), user=front_office)

    # then
    assert list(users) == []


# --- scoping: another clinic's objects do not exist --------------------------------


def test_other_clinics_session_is_reported_missing(front_office_client, other_session):
    # when
    response = front_office_client.get(_change_url(other_session))

    # then Django 6.1 redirects to the admin index with a warning
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("admin:index")
    assert flashed_messages(response) == [
        f"test session with ID “{other_session.pk}” doesn’t exist. "
        "Perhaps it was deleted?"
    ]


def test_other_clinics_patient_is_reported_missing(front_office_client, other_patient):
    # when
    response = front_office_client.get(_change_url(other_patient))

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert flashed_messages(response) == [
        f"patient with ID “{other_patient.pk}” doesn’t exist. Perhaps it was deleted?"
    ]


def test_posting_to_other_clinics_session_changes_nothing(
    front_office_client, clinician, other_session
):
    # when
    response = front_office_client.post(
        _change_url(other_session),
        {"clinician": clinician.pk, "discipline": "OT", "reason": "Hijacked"},
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    other_session.refresh_from_db()
    assert other_session.reason == "Fall risk after right total knee replacement."
    assert other_session.discipline == "PT"


# --- scoping: foreign-key choices ------------------------------------------------


def _coverage_inline(response):
    """Return the coverage inline (prefix "coverage") of a patient admin page."""
    (inline,) = [
        inline
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "coverage"
    ]
    return inline


def test_patient_form_offers_only_own_clinic_and_payers(
    front_office_client, clinic, patient, other_patient
):
    """The clinic and the coverage payer can only be the user's clinic and its payers."""
    # when
    response = front_office_client.get(reverse("admin:clinic_patient_add"))

    # then
    form = response.context["adminform"].form
    coverage_form = _coverage_inline(response).formset.empty_form
    assert list(form.fields["clinic"].queryset) == [clinic]
    assert list(coverage_form.fields["payer"].queryset) == [patient.coverage.payer]


def _coverage_post(payer, *, member_id="1EG4-TE5-MK99", coverage=None, **fields):
    """Return the coverage inline's POST fields: one row, new or ``coverage``."""
    return {
        "coverage-TOTAL_FORMS": "1",
        "coverage-INITIAL_FORMS": "1" if coverage else "0",
        "coverage-MIN_NUM_FORMS": "0",
        "coverage-MAX_NUM_FORMS": "1",
        "coverage-0-id": str(coverage.pk) if coverage else "",
        "coverage-0-patient": str(coverage.patient_id) if coverage else "",
        "coverage-0-payer": str(payer.pk),
        "coverage-0-member_id": member_id,
        "coverage-0-starts_on": "",
        "coverage-0-ends_on": "",
        **fields,
    }


def _patient_post(clinic, payer, **fields):
    return {
        "clinic": clinic.pk,
        "first_name": "Ann",
        "last_name": "Berg",
        "mrn": "B-77",
        "date_of_birth": "1950-03-14",
        "sex": "female",
        **_coverage_post(payer),
        "diagnoses-TOTAL_FORMS": "1",
        "diagnoses-INITIAL_FORMS": "0",
        "diagnoses-MIN_NUM_FORMS": "0",
        "diagnoses-MAX_NUM_FORMS": "1000",
        "diagnoses-0-position": "0",
        "diagnoses-0-code": "R26.81",
        "diagnoses-0-description": "Unsteadiness on feet",
        "outside_therapy-TOTAL_FORMS": "0",
        "outside_therapy-INITIAL_FORMS": "0",
        **fields,
    }


def test_front_office_adds_a_patient_to_their_clinic(
    front_office_client, clinic, patient
):
    """The new patient is in the user's clinic, with the diagnosis and coverage typed."""
    # when
    response = front_office_client.post(
        reverse("admin:clinic_patient_add"),
        _patient_post(clinic, patient.coverage.payer),
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    added = Patient.objects.get(mrn="B-77")
    assert added.clinic == clinic
    assert [str(d) for d in added.diagnoses.all()] == ["R26.81 Unsteadiness on feet"]
    assert (added.coverage.payer, added.coverage.member_id) == (
        patient.coverage.payer,
        "1EG4-TE5-MK99",
    )


def test_patient_cannot_be_put_in_another_clinic_or_payer(
    front_office_client, clinic, patient, other_clinic, other_patient
):
    """Another clinic, or a payer of another clinic, is not a valid choice."""
    # when
    response = front_office_client.post(
        reverse("admin:clinic_patient_add"),
        _patient_post(other_clinic, other_patient.coverage.payer),
    )

    # then
    errors = response.context["adminform"].form.errors
    coverage_errors = _coverage_inline(response).formset.errors
    assert response.status_code == HTTPStatus.OK
    assert set(errors) == {"clinic"}
    assert [set(row) for row in coverage_errors] == [{"payer"}]
    assert not Patient.objects.filter(mrn="B-77").exists()


def _tug_session(patient, clinician, *, days_ago):
    """Record a finished draft with one 10-minute TUG through the service."""
    started_at = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    return session_create(
        patient=patient,
        clinician=clinician,
        data=SessionInput(
            started_at=started_at,
            ended_at=started_at + dt.timedelta(minutes=45),
            discipline="PT",
            reason="Fall risk after right total knee replacement.",
            interpretation="Gait speed and TUG show an elevated fall risk.",
            tests=(
                TestInput(
                    catalog_code="timed_up_and_go",
                    side="na",
                    started_at=started_at + dt.timedelta(minutes=5),
                    ended_at=started_at + dt.timedelta(minutes=15),
                    trials={"na": ["12.5"]},
                ),
            ),
        ),
    )


def test_changing_the_coverage_payer_rebills_drafts_but_not_signed_notes(
    front_office_client, clinic, clinician, patient, form_values
):
    """A new payer in the coverage inline recomputes the patient's draft decision.

    The draft now bills the commercial payer at its rate and kind; the decision
    of the signed session is final and keeps the Medicare payer it was signed with.
    """
    # given a signed session and a draft, both billed to Medicare at $50.00
    medicare = patient.coverage.payer
    signed = _tug_session(patient, clinician, days_ago=10)
    session_sign(
        session=signed,
        clinician=clinician,
        password=DEFAULT_PASSWORD,
        now=signed.ended_at + dt.timedelta(minutes=5),
    )
    draft = _tug_session(patient, clinician, days_ago=3)
    assert (draft.billing_decision.payer, draft.billing_decision.expected_payment) == (
        medicare,
        Decimal("50.00"),
    )
    commercial = PayerFactory(
        clinic=clinic,
        name="Blue Cross PPO",
        kind=Payer.Kind.COMMERCIAL,
        rate_97750=Decimal("99.00"),
    )
    data = form_values(front_office_client.get(_change_url(patient)))
    assert data["coverage-0-payer"] == str(medicare.pk)
    data["coverage-0-payer"] = str(commercial.pk)
    for button in ("_addanother", "_continue"):
        data.pop(button, None)

    # when
    response = front_office_client.post(_change_url(patient), data)

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert Coverage.objects.get(patient=patient).payer == commercial
    draft_decision = draft.billing_decision
    draft_decision.refresh_from_db()
    assert (
        draft_decision.status,
        draft_decision.payer,
        draft_decision.inputs["payer_kind"],
        draft_decision.inputs["rates"]["97750"],
        draft_decision.qualifies,
        draft_decision.units,
        draft_decision.expected_payment,
    ) == ("draft", commercial, "commercial", "99.00", True, 1, Decimal("99.00"))
    signed.refresh_from_db()
    final_decision = signed.billing_decision
    assert (
        final_decision.status,
        final_decision.payer,
        final_decision.inputs["payer_kind"],
        final_decision.inputs["rates"]["97750"],
        final_decision.expected_payment,
    ) == ("final", medicare, "medicare", "50.00", Decimal("50.00"))


def test_session_form_offers_only_own_clinicians(
    front_office_client, session, clinician, other_clinician
):
    # given a second clinician of the clinic, and an assistant
    colleague = ClinicianFactory(clinic=clinician.clinic, role="ot")
    ClinicianFactory(clinic=clinician.clinic, role="pta", credentials="PTA")

    # when
    response = front_office_client.get(_change_url(session))

    # then assistants, who do not perform formal testing, are not offered
    choices = response.context["adminform"].form.fields["clinician"].queryset
    assert set(choices) == {clinician, colleague}


def test_clinician_filter_offers_only_own_clinicians(
    front_office_client, session, clinician, other_clinician
):
    # when
    response = front_office_client.get(SESSIONS)

    # then
    (clinician_filter,) = [
        spec
        for spec in response.context["cl"].filter_specs
        if spec.title == "clinician"
    ]
    assert clinician_filter.lookup_choices == [(str(clinician.pk), str(clinician))]


# --- filters and search ---------------------------------------------------------


@pytest.fixture
def two_sessions(clinic, clinician, patient):
    """Maria Lopez seen by the PT 3 days ago (draft); Ann Berg by a PTA 10 days ago (signed)."""
    pta = ClinicianFactory(clinic=clinic, role="pta", credentials="PTA")
    berg = PatientFactory(clinic=clinic, first_name="Ann", last_name="Berg", mrn="B-77")
    now = timezone.now().replace(microsecond=0)
    recent = TestSessionFactory(
        patient=patient, clinician=clinician, started_at=now - dt.timedelta(days=3)
    )
    older = TestSessionFactory(
        patient=berg,
        clinician=pta,
        started_at=now - dt.timedelta(days=10),
    )
    return recent, mark_signed(older)


def test_filter_by_clinician(front_office_client, two_sessions):
    _, older = two_sessions

    # when
    response = front_office_client.get(SESSIONS, {"clinician": older.clinician.pk})

    # then
    assert _rows(response) == [older]


def test_filter_by_patient(front_office_client, two_sessions):
    recent, _ = two_sessions

    # when
    response = front_office_client.get(
        SESSIONS, {"patient__id__exact": recent.patient.pk}
    )

    # then
    assert _rows(response) == [recent]


def test_filter_by_status(front_office_client, two_sessions):
    recent, older = two_sessions

    # when
    signed = front_office_client.get(SESSIONS, {"status__exact": "signed"})
    drafts = front_office_client.get(SESSIONS, {"status__exact": "draft"})

    # then
    assert _rows(signed) == [older]
    assert _rows(drafts) == [recent]


def test_filter_by_date_of_service(front_office_client, two_sessions):
    recent, older = two_sessions
    day = timezone.localtime(older.started_at, CHICAGO).date()

    # when the date hierarchy narrows to the older session's day
    by_day = front_office_client.get(
        SESSIONS,
        {
            "started_at__year": day.year,
            "started_at__month": day.month,
            "started_at__day": day.day,
        },
    )
    # and the date filter, following its "Past 7 days" link
    (date_filter,) = [
        spec for spec in by_day.context["cl"].filter_specs if spec.title == "time in"
    ]
    (past_week_link,) = [
        choice["query_string"]
        for choice in date_filter.choices(by_day.context["cl"])
        if choice["display"] == "Past 7 days"
    ]
    past_week = front_office_client.get(SESSIONS + past_week_link)

    # then
    assert _rows(by_day) == [older]
    assert _rows(past_week) == [recent]


def test_filter_by_clinician_of_another_clinic_shows_nothing(
    front_office_client, two_sessions, other_session
):
    # when
    response = front_office_client.get(
        SESSIONS, {"clinician": other_session.clinician.pk}
    )

    # then
    assert _rows(response) == []


@pytest.mark.parametrize(
    ("term", "expected"),
    [("lopez", "recent"), ("Ann", "older"), ("B-77", "older"), ("nobody", None)],
)
def test_search_by_patient_name_or_mrn(
    front_office_client, two_sessions, other_session, term, expected
):
    sessions = dict(zip(("recent", "older"), two_sessions, strict=True))

    # when
    response = front_office_client.get(SESSIONS, {"q": term})

    # then
    assert _rows(response) == ([sessions[expected]] if expected else [])


def test_search_does_not_reach_another_clinic(
    front_office_client, session, other_session
):
    # when
    response = front_office_client.get(SESSIONS, {"q": other_session.patient.mrn})

    # then
    assert _rows(response) == []


def test_patient_search_and_payer_filter(front_office_client, clinic, patient):
    """Patients are found by MRN, and filtered by their coverage's payer."""
    # given
    medicaid = PayerFactory(clinic=clinic, name="Medicaid", kind="medicaid")
    carter = PatientFactory(
        clinic=clinic, last_name="Carter", mrn="C-31", coverage__payer=medicaid
    )

    # when
    by_mrn = front_office_client.get(PATIENTS, {"q": "C-31"})
    by_payer = front_office_client.get(
        PATIENTS, {"coverage__payer__id__exact": medicaid.pk}
    )

    # then
    assert _rows(by_mrn) == [carter]
    assert _rows(by_payer) == [carter]
    assert by_payer.context["cl"].model_admin.payer(carter) == medicaid


# --- the session page ---------------------------------------------------------


def test_session_page_shows_its_tests_inline(front_office_client, session):
    # given a second test, per side
    PerformedTestFactory(
        session=session,
        catalog_code="grip_dynamometry",
        side="both",
        trials={"left": ["28.4", "29.0"], "right": ["24.1"]},
        position=1,
        started_at=session.started_at + dt.timedelta(minutes=20),
    )

    # when
    response = front_office_client.get(_change_url(session))

    # then
    (inline,) = response.context["inline_admin_formsets"]
    page = response.content.decode()
    assert len(inline.formset.forms) == 2
    assert not inline.has_add_permission
    assert not inline.has_change_permission
    assert "Timed Up and Go (TUG)" in page
    assert "12.5 s" in page
    assert "Grip strength (Jamar dynamometer)" in page
    assert "Left 28.4, 29.0 kg · Right 24.1 kg" in page


def test_session_list_shows_counts_and_minutes(front_office_client, session):
    # given a session with one 10-minute test (factory default)

    # when
    response = front_office_client.get(SESSIONS)

    # then
    (row,) = _rows(response)
    admin = response.context["cl"].model_admin
    assert admin.test_count(row) == 1
    assert admin.timed_minutes(row) == 10
    assert admin.mrn(row) == session.patient.mrn


def test_draft_session_can_be_corrected(front_office_client, session, form_values):
    # given the rendered change form
    page = front_office_client.get(_change_url(session))
    data = form_values(page)
    data["interpretation"] = "Gait speed 0.6 m/s: limited community ambulator."

    # when
    response = front_office_client.post(_change_url(session), data)

    # then
    assert response.status_code == HTTPStatus.FOUND
    session.refresh_from_db()
    assert session.interpretation == "Gait speed 0.6 m/s: limited community ambulator."
    assert session.tests.count() == 1


def test_signed_session_is_read_only(front_office_client, session):
    # given
    mark_signed(session)

    # when
    page = front_office_client.get(_change_url(session))
    post = front_office_client.post(
        _change_url(session), {"interpretation": "Changed after signing"}
    )
    delete = front_office_client.post(
        reverse("admin:assessments_testsession_delete", args=[session.pk]),
        {"post": "yes"},
    )

    # then the page is shown without a form, and nothing changes
    assert page.status_code == HTTPStatus.OK
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    assert post.status_code == HTTPStatus.FORBIDDEN
    assert delete.status_code == HTTPStatus.FORBIDDEN
    session.refresh_from_db()
    assert session.interpretation == "Gait speed and TUG show an elevated fall risk."


def test_superuser_cannot_delete_signed_session_in_bulk(admin_client, session):
    # given
    mark_signed(session)

    # when
    response = admin_client.post(
        SESSIONS,
        {"action": "delete_selected", "_selected_action": [session.pk], "post": "yes"},
    )

    # then "Delete selected" checks each session and refuses
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert TestSession.objects.filter(pk=session.pk).exists()


def test_sessions_are_never_added_in_the_admin(front_office_client, admin_client):
    # when
    url = reverse("admin:assessments_testsession_add")

    # then
    assert front_office_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert admin_client.get(url).status_code == HTTPStatus.FORBIDDEN


def test_clinic_admin_rows_are_for_superusers_only(front_office_client, admin_client):
    # when
    url = reverse("admin:clinic_clinicadmin_changelist")

    # then
    assert front_office_client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert admin_client.get(url).status_code == HTTPStatus.OK


# --- query count ---------------------------------------------------------------


def _sessions(clinic, count):
    """Create `count` sessions, each with its own patient and clinician and two tests."""
    for number in range(count):
        session = TestSessionFactory(
            patient=PatientFactory(clinic=clinic),
            clinician=ClinicianFactory(clinic=clinic),
            started_at=timezone.now().replace(microsecond=0)
            - dt.timedelta(days=number + 1),
        )
        PerformedTestFactory(session=session)
        PerformedTestFactory(
            session=session,
            catalog_code="grip_dynamometry",
            side="right",
            trials={"right": [str(Decimal("30.5"))]},
            started_at=session.started_at + dt.timedelta(minutes=20),
            position=1,
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return len(queries)


def test_session_list_queries_do_not_grow_with_sessions(
    front_office_client, clinic, other_session
):
    # given one session, measured
    _sessions(clinic, 1)
    one = _queries(front_office_client, SESSIONS)

    # when fourteen more sessions exist
    _sessions(clinic, 14)

    # then the list costs the same: session, user, savepoint, two permission
    # reads, the clinician filter, the count, the page, its tests, the audit
    # event (lock the chain's head, insert, move the head), release
    assert _queries(front_office_client, SESSIONS) == one == 13


@pytest.mark.parametrize(
    "query",
    [
        {"status__exact": "draft"},
        {"discipline__exact": "PT"},
        {"started_at__gte": "2026-01-01 00:00:00+00:00"},
        {"q": "Smith"},
    ],
)
def test_filtered_session_list_costs_the_same(front_office_client, clinic, query):
    # given
    _sessions(clinic, 3)

    # when
    url = f"{SESSIONS}?{urlencode(query)}"

    # then: a search of nothing found skips the tests' query
    assert _queries(front_office_client, url) <= 13


def test_session_list_never_reads_every_session(front_office_client, clinic):
    """No date hierarchy, patient filter, facets or full count: each scans them all."""
    # given
    _sessions(clinic, 2)

    # when
    response = front_office_client.get(SESSIONS)

    # then
    model_admin = response.context["cl"].model_admin
    assert model_admin.date_hierarchy is None
    assert model_admin.show_full_result_count is False
    assert not [f for f in model_admin.list_filter if isinstance(f, tuple)]


def test_session_list_order_has_its_index():
    """The list reads its newest rows and its count off this index (migration 0006)."""
    # when
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "assessments_testsession"
        )

    # then
    assert constraints["session_newest_first"]["columns"] == [
        "started_at",
        "id",
        # every filter's column, so the count reads the index, not the table
        "patient_id",
        "status",
        "discipline",
        "clinician_id",
    ]


def test_patient_list_queries_do_not_grow_with_patients(front_office_client, clinic):
    # given
    _sessions(clinic, 1)
    one = _queries(front_office_client, PATIENTS)

    # when
    _sessions(clinic, 14)

    # then
    assert _queries(front_office_client, PATIENTS) == one
    assert Patient.objects.filter(clinic=clinic).count() == 15


def test_a_diagnosis_row_of_another_patient_is_refused(
    front_office_client, clinic, patient, other_clinic
):
    """Posting another clinic's diagnosis id is an error, not a quiet new row."""
    # given a diagnosis of a patient of another clinic
    foreign = DiagnosisFactory(
        patient=PatientFactory(clinic=other_clinic), code="Z96.651", position=0
    )
    before = Diagnosis.objects.count()
    data = _patient_post(clinic, patient.coverage.payer, mrn="B-78")
    data.update({"diagnoses-0-id": str(foreign.pk), "diagnoses-0-code": "Z96.651"})
    # when
    response = front_office_client.post(reverse("admin:clinic_patient_add"), data)
    # then
    assert response.status_code == HTTPStatus.OK
    assert NOT_THIS_RECORDS_ROW in response.content.decode()
    assert Diagnosis.objects.count() == before
    assert not Patient.objects.filter(mrn="B-78").exists()


def test_every_inline_of_the_admin_builds_a_bounded_number_of_forms():
    """A new inline is held to it the day it is registered."""
    from django.contrib import admin

    from clinic.admin import BoundedFormsAdminMixin, BoundedInlineMixin

    with_inlines = [a for a in admin.site._registry.values() if a.inlines]
    for model_admin in with_inlines:
        assert isinstance(model_admin, BoundedFormsAdminMixin), model_admin
    inlines = [inline for model_admin in with_inlines for inline in model_admin.inlines]
    assert len(inlines) >= 7
    for inline in inlines:
        assert issubclass(inline, BoundedInlineMixin), inline
        assert isinstance(inline.max_num, int), inline
        assert inline.max_num <= 100, inline


def test_a_forged_form_count_builds_no_more_forms_than_a_plan_holds(
    front_office_client, clinic, form_values
):
    """TOTAL_FORMS=100000 on a plan's change page: refused, with at most 12 + 20 forms."""
    plan = PlanOfCareFactory(patient=PatientFactory(clinic=clinic))
    url = reverse("admin:assessments_planofcare_change", args=[plan.pk])
    data = form_values(front_office_client.get(url))
    prefixes = [
        name.removesuffix("-TOTAL_FORMS")
        for name in data
        if name.endswith("-TOTAL_FORMS")
    ]
    for prefix in prefixes:
        data[f"{prefix}-TOTAL_FORMS"] = "100000"

    response = front_office_client.post(url, data)

    assert response.status_code == HTTPStatus.BAD_REQUEST
    built = sorted(
        len(inline.formset.forms)
        for inline in response.context["inline_admin_formsets"]
    )
    assert built == [12, 20]
