"""The admin a front office uses on a tablet: who opened which patient's note,
and messages on the page they belong to."""

import datetime as dt
import io
import zipfile
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.admin import DRAFTS_LEFT_OUT, NO_SIGNED_NOTES
from assessments.models import NoteAccessEvent, NoteExport
from assessments.notes import signing
from assessments.notes.export import note_access_record
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    DEFAULT_PASSWORD,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
)
from tests.pages import flashed_messages

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC)
SESSIONS = reverse("admin:assessments_testsession_changelist")
EVENTS = reverse("admin:assessments_noteaccessevent_changelist")


@pytest.fixture
def front_office(client, clinic_admin):
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)
    return client


def _signed(patient, clinician, days_ago):
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=days_ago)
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=30),
    )
    PerformedTestFactory(
        session=session, started_at=start, ended_at=start + dt.timedelta(minutes=20)
    )
    return signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )


def _list_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(EVENTS)
    assert response.status_code == HTTPStatus.OK
    return len(queries), response


# --- note access events ------------------------------------------------------------


def test_access_events_name_the_patient_and_mrn(
    front_office, clinic, clinician, clinic_admin
):
    clinic.time_format = "12"
    clinic.save()
    patient = PatientFactory(
        clinic=clinic, first_name="Ada", last_name="Okafor", mrn="RV-7007"
    )
    version = _signed(patient, clinician, 2)
    note_access_record(
        version=version,
        who=clinic_admin.user,
        action=NoteAccessEvent.Action.DOWNLOAD,
        now=NOW,
    )

    page = front_office.get(EVENTS).content.decode()

    assert "Okafor, Ada" in page
    assert "RV-7007" in page
    # when it happened, in the clinic's zone and format (18:30 UTC in Chicago)
    assert "11/20/2026 12:30 PM" in page
    found = front_office.get(EVENTS, {"q": "RV-7007"})
    assert len(found.context["cl"].result_list) == 1


def test_access_events_read_each_patient_with_its_row(
    front_office, clinic, clinician, clinic_admin
):
    patient = PatientFactory(clinic=clinic)
    version = _signed(patient, clinician, 2)
    note_access_record(
        version=version,
        who=clinic_admin.user,
        action=NoteAccessEvent.Action.DOWNLOAD,
        now=NOW,
    )
    one, _ = _list_queries(front_office)
    for days_ago in range(3, 8):
        other = _signed(PatientFactory(clinic=clinic), clinician, days_ago)
        note_access_record(
            version=other,
            who=clinic_admin.user,
            action=NoteAccessEvent.Action.PRINT,
            now=NOW,
        )

    many, response = _list_queries(front_office)

    assert many == one
    assert len(response.context["cl"].result_list) == 6
    # the page reads the note's name, never its sealed bytes
    row = response.context["cl"].result_list[0]
    assert "pdf" in row.note_version.get_deferred_fields()


# --- the zip action's message on the page it belongs to ----------------------------


def test_a_selection_with_drafts_says_so_before_the_download(
    front_office, session, clinician, patient
):
    version = _signed(patient, clinician, 3)
    selected = [session.pk, version.session.pk]

    asked = front_office.post(
        SESSIONS, {"action": "download_notes_zip", "_selected_action": selected}
    )

    page = asked.content.decode()
    assert asked.status_code == HTTPStatus.OK
    assert asked["Content-Type"].startswith("text/html")
    assert "1 of the selected sessions is a draft" in page
    assert "Download the 1 signed note" in page
    assert flashed_messages(asked) == []

    downloaded = front_office.post(
        SESSIONS,
        {
            "action": "download_notes_zip",
            "_selected_action": selected,
            "select_across": "0",
            "signed_only": "1",
        },
    )

    archive = zipfile.ZipFile(io.BytesIO(b"".join(downloaded.streaming_content)))
    assert archive.namelist() == [f"{version.document_id}.pdf"]
    # nothing waits to be shown on the next page opened
    assert flashed_messages(front_office.get(SESSIONS)) == []


def test_a_selection_of_drafts_only_is_told_on_the_list_it_returns_to(
    front_office, session
):
    response = front_office.post(
        SESSIONS,
        {"action": "download_notes_zip", "_selected_action": [session.pk]},
        follow=True,
    )

    assert response.request["PATH_INFO"] == SESSIONS
    assert flashed_messages(response) == [NO_SIGNED_NOTES.format(count=1)]
    assert flashed_messages(front_office.get(SESSIONS)) == []


def test_the_background_export_says_what_it_left_out_on_its_own_page(
    front_office, session, clinician, patient
):
    version = _signed(patient, clinician, 3)

    response = front_office.post(
        SESSIONS,
        {
            "action": "export_notes_in_background",
            "_selected_action": [session.pk, version.session.pk],
        },
        follow=True,
    )

    export = NoteExport.objects.get()
    assert response.request["PATH_INFO"] == export.get_absolute_url()
    assert flashed_messages(response) == [DRAFTS_LEFT_OUT.format(count=1)]
