"""Pages, admin pages and downloads write who looked at which patient; the admin shows
it to the clinic, read-only; edits of patients keep their history, read-only too.

tests/test_url_matrix.py checks every URL of the configuration writes an
event when it shows a patient; these check what the events say.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import NoteAccessEvent
from assessments.notes import signing
from clinic.audit import audit_log_verify, audit_record
from clinic.models import AuditEvent, Patient
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    DEFAULT_PASSWORD,
    PatientFactory,
    PayerFactory,
    PerformedTestFactory,
    PlanOfCareFactory,
    TestSessionFactory,
)

pytestmark = pytest.mark.django_db

Action = AuditEvent.Action


@pytest.fixture
def front_office(client, clinic_admin):
    """The clinic admin as seed_demo makes them, logged in."""
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)
    return client


def _events(user):
    return list(AuditEvent.objects.filter(user=user).order_by("pk"))


def test_the_patient_list_is_one_event_and_a_search_keeps_its_query(
    clinician_client, clinician, patient
):
    # given a second patient on the list
    PatientFactory(clinic=patient.clinic)
    # when
    clinician_client.get(reverse("assessments:patient-list"))
    clinician_client.get(reverse("assessments:patient-list"), {"q": "Okafor"})
    # then
    listed, searched = _events(clinician.user)
    assert (listed.action, listed.patient, listed.clinic) == (
        Action.VIEWED_LIST,
        None,
        patient.clinic,
    )
    assert (searched.action, searched.query) == (Action.SEARCHED, "Okafor")
    assert listed.what == reverse("assessments:patient-list")
    assert listed.ip_address == "127.0.0.1"


@pytest.mark.parametrize(
    ("page", "action"),
    [
        ("assessments:patient-detail", Action.VIEWED_PATIENT),
        ("assessments:patient-update", Action.VIEWED_PATIENT),
        ("assessments:session-detail", Action.VIEWED_SESSION),
        ("assessments:session-update", Action.VIEWED_SESSION),
    ],
)
def test_a_patients_page_names_the_patient(
    clinician_client, clinician, session, page, action
):
    # given
    arg = session.patient.uuid if page.startswith("assessments:patient") else None
    url = reverse(page, args=[arg or session.uuid])
    # when
    response = clinician_client.get(url)
    # then
    assert response.status_code == HTTPStatus.OK
    [event] = _events(clinician.user)
    assert (event.action, event.patient, event.what) == (action, session.patient, url)


def test_a_save_is_no_look(clinician_client, clinician, patient):
    # when the patient form is sent (it redirects once saved)
    response = clinician_client.post(
        reverse("assessments:patient-update", args=[patient.uuid]),
        {
            "first_name": "Ada",
            "last_name": "Okafor",
            "mrn": patient.mrn,
            "date_of_birth": "1950-02-03",
            "sex": "female",
            "diagnoses-TOTAL_FORMS": "0",
            "diagnoses-INITIAL_FORMS": "0",
        },
    )
    # then no look is recorded; the edit is in the patient's history, by the user
    assert response.status_code == HTTPStatus.FOUND, response.content[:2000]
    assert _events(clinician.user) == []
    edit = Patient.history.filter(id=patient.pk).latest("history_date")
    assert (edit.last_name, edit.history_user) == ("Okafor", clinician.user)


def test_another_clinics_patient_is_not_found_and_not_recorded(
    clinician_client, clinician, other_patient
):
    response = clinician_client.get(
        reverse("assessments:patient-detail", args=[other_patient.uuid])
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert _events(clinician.user) == []


def _signed(patient, clinician):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=30),
    )
    PerformedTestFactory(
        session=session, started_at=start, ended_at=start + dt.timedelta(minutes=20)
    )
    signing.session_sign(
        session=session,
        clinician=clinician,
        password=DEFAULT_PASSWORD,
        now=timezone.now(),
    )
    return session


def test_a_note_download_writes_both_logs(clinician_client, clinician, patient):
    # given
    session = _signed(patient, clinician)
    url = reverse("assessments:note-download", args=[session.uuid, 1])
    # when
    response = clinician_client.get(url, REMOTE_ADDR="198.51.100.7")
    # then
    assert response.status_code == HTTPStatus.OK
    [event] = _events(clinician.user)
    assert (event.action, event.patient, event.what, event.ip_address) == (
        Action.DOWNLOADED,
        patient,
        url,
        "198.51.100.7",
    )
    access = NoteAccessEvent.objects.get()
    assert (access.user, access.action) == (clinician.user, "download")
    assert audit_log_verify().intact


def test_admin_patient_pages_are_recorded(front_office, clinic_admin, patient):
    # when
    front_office.get(reverse("admin:clinic_patient_changelist"), {"q": "x"})
    front_office.get(reverse("admin:clinic_patient_change", args=[patient.pk]))
    front_office.get(reverse("admin:clinic_patient_history", args=[patient.pk]))
    # then
    listed, viewed, history = _events(clinic_admin.user)
    assert (listed.action, listed.patient, listed.query) == (
        Action.ADMIN_LIST,
        None,
        "x",
    )
    assert (viewed.action, viewed.patient) == (Action.ADMIN_VIEW, patient)
    assert (history.action, history.patient) == (Action.ADMIN_VIEW, patient)


def test_admin_session_page_names_its_patient(front_office, clinic_admin, session):
    front_office.get(reverse("admin:assessments_testsession_change", args=[session.pk]))
    [event] = _events(clinic_admin.user)
    assert (event.action, event.patient) == (Action.ADMIN_VIEW, session.patient)


def test_who_looked_at_this_patient(
    front_office, clinician, patient, other_clinician, other_patient
):
    # given looks at this patient, another of the clinic and another clinic's
    audit_record(clinician.user, Action.VIEWED_PATIENT, patient=patient)
    audit_record(
        clinician.user,
        Action.VIEWED_PATIENT,
        patient=PatientFactory(clinic=patient.clinic),
    )
    audit_record(other_clinician.user, Action.VIEWED_PATIENT, patient=other_patient)
    change = front_office.get(
        reverse("admin:clinic_patient_change", args=[patient.pk])
    ).content.decode()
    link = reverse("admin:clinic_auditevent_changelist")
    # when the change page's link is followed
    assert "Who looked at this patient" in change
    listed = front_office.get(link, {"patient__id__exact": patient.pk})
    everything = front_office.get(link)
    # then only this patient's events; the clinic's, never the other clinic's
    assert {event.patient for event in listed.context["cl"].result_list} == {patient}
    assert other_patient not in {
        event.patient for event in everything.context["cl"].result_list
    }
    found = front_office.get(link, {"q": patient.mrn})
    assert {event.patient for event in found.context["cl"].result_list} == {patient}


def test_nobody_adds_changes_or_deletes_an_event_in_the_admin(
    admin_client, clinician, patient
):
    # given a superuser
    event = audit_record(clinician.user, Action.VIEWED_PATIENT, patient=patient)
    change = reverse("admin:clinic_auditevent_change", args=[event.pk])
    # when / then
    assert admin_client.get(reverse("admin:clinic_auditevent_add")).status_code == (
        HTTPStatus.FORBIDDEN
    )
    assert admin_client.post(change, {"what": "x"}).status_code == (
        HTTPStatus.FORBIDDEN
    )
    delete = reverse("admin:clinic_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == (
        HTTPStatus.FORBIDDEN
    )
    assert AuditEvent.objects.get(pk=event.pk).what == event.what


def test_the_history_is_the_clinics_and_read_only(front_office, patient, other_patient):
    # given an edit of each patient
    for row in (patient, other_patient):
        row.first_name = "Changed"
        row.save()
    mine = Patient.history.filter(id=patient.pk).latest("history_date")
    theirs = Patient.history.filter(id=other_patient.pk).latest("history_date")

    def version(row, history):
        return reverse(
            "admin:clinic_patient_simple_history", args=[row.pk, history.history_id]
        )

    # when / then
    history = front_office.get(
        reverse("admin:clinic_patient_history", args=[patient.pk])
    )
    assert history.status_code == HTTPStatus.OK
    assert "Revert" not in history.content.decode()
    assert front_office.get(version(patient, mine)).status_code == HTTPStatus.OK
    for url in (
        reverse("admin:clinic_patient_history", args=[other_patient.pk]),
        version(other_patient, theirs),
    ):
        assert front_office.get(url).status_code == HTTPStatus.NOT_FOUND
    reverted = front_office.post(version(patient, mine), {"first_name": "Reverted"})
    assert reverted.status_code == HTTPStatus.FORBIDDEN
    patient.refresh_from_db()
    assert patient.first_name == "Changed"


@pytest.mark.parametrize(
    ("factory", "page"),
    [
        (
            lambda clinic: PlanOfCareFactory(patient__clinic=clinic),
            "admin:assessments_planofcare_history",
        ),
        (lambda clinic: PayerFactory(clinic=clinic), "admin:billing_payer_history"),
    ],
)
def test_plans_and_payers_keep_their_history_in_the_clinic(
    front_office, clinic, other_clinic, factory, page
):
    # given a row of each clinic, each changed once
    mine, theirs = factory(clinic), factory(other_clinic)
    for row in (mine, theirs):
        row.save()
    # when / then
    own = front_office.get(reverse(page, args=[mine.pk]))
    assert own.status_code == HTTPStatus.OK
    assert type(mine).history.filter(id=mine.pk).count() == 2
    assert front_office.get(reverse(page, args=[theirs.pk])).status_code == (
        HTTPStatus.NOT_FOUND
    )


def test_the_audit_list_costs_the_same_however_many_events(
    front_office, clinician, patient
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = front_office.get(reverse("admin:clinic_auditevent_changelist"))
        assert response.status_code == HTTPStatus.OK
        return len(captured)

    # given one event, measured
    audit_record(clinician.user, Action.VIEWED_PATIENT, patient=patient)
    one = queries()
    # when many more, of many patients
    for _ in range(10):
        audit_record(
            clinician.user,
            Action.VIEWED_PATIENT,
            patient=PatientFactory(clinic=patient.clinic),
        )
    # then the list reads its users and patients with its rows
    assert queries() == one
