"""Exports of many notes: queued from the admin, built by the worker, watched, downloaded."""

import datetime as dt
import io
import zipfile
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import NoteAccessEvent, NoteExport, TestSession
from assessments.notes import signing
from assessments.notes.export import note_export_start
from clinic.models import AuditEvent
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    DEFAULT_PASSWORD,
    PerformedTestFactory,
    TestSessionFactory,
)

pytestmark = pytest.mark.django_db

SESSIONS = reverse("admin:assessments_testsession_changelist")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Zips go to a throw-away folder, not the developer's media/."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def signed_versions(patient, clinician):
    """Two signed notes of the patient, a week apart."""
    versions = []
    for days_ago in (1, 8):
        session = TestSessionFactory(
            patient=patient,
            clinician=clinician,
            started_at=timezone.now() - dt.timedelta(days=days_ago),
        )
        PerformedTestFactory(session=session)
        versions.append(
            signing.session_sign(
                session=session,
                clinician=clinician,
                password=DEFAULT_PASSWORD,
                now=timezone.now(),
            )
        )
    return versions


@pytest.fixture
def front_office(clinic_admin):
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    return user


def _zip_names(response):
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return sorted(archive.namelist())


def test_select_all_queues_an_export_the_worker_builds(
    client, front_office, signed_versions, django_capture_on_commit_callbacks
):
    # given
    client.force_login(front_office)
    one_id = signed_versions[0].session_id

    # when "select all" is ticked and the action runs (the worker runs on commit)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            SESSIONS,
            {
                "action": "export_notes_in_background",
                "select_across": "1",
                "_selected_action": [one_id],
            },
        )

    # then the user lands on the export's page, and the zip holds both notes
    export = NoteExport.objects.get()
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == export.get_absolute_url()
    assert (export.status, export.done, export.total) == ("done", 2, 2)
    download = client.get(
        reverse("assessments:note-export-download", args=[export.uuid])
    )
    assert _zip_names(download) == sorted(
        f"{version.document_id}.pdf" for version in signed_versions
    )
    assert NoteAccessEvent.objects.filter(user=front_office).count() == 2
    # the audit log: each note's patient as the worker zipped it, then the zip
    *zipped, downloaded = AuditEvent.objects.filter(user=front_office).order_by("pk")
    assert {(event.action, event.patient) for event in zipped} == {
        (AuditEvent.Action.EXPORTED, version.session.patient)
        for version in signed_versions
    }
    assert len(zipped) == len(signed_versions)
    assert (downloaded.action, downloaded.patient) == ("download", None)


def test_queued_export_shows_its_progress_and_reloads(
    client, front_office, clinic, signed_versions
):
    # given an export the worker has not taken yet (no commit in this test)
    export = note_export_start(
        user=front_office, clinic=clinic, sessions=TestSession.objects.all()
    )
    client.force_login(front_office)

    # when
    page = client.get(export.get_absolute_url()).content.decode()

    # then
    assert "0 of 2" in page
    assert '<meta http-equiv="refresh" content="2">' in page
    assert (
        '<progress class="w-100 mb-3 d-block" id="export-progress" value="0" max="2">'
        in page
    )
    assert "Download the zip" not in page
    assert (
        client.get(
            reverse("assessments:note-export-download", args=[export.uuid])
        ).status_code
        == HTTPStatus.NOT_FOUND
    )


@pytest.mark.parametrize("actor", ["colleague", "other clinician"])
def test_only_who_asked_sees_an_export(
    client, front_office, clinic, signed_versions, user_of, actor
):
    # given
    export = note_export_start(
        user=front_office, clinic=clinic, sessions=TestSession.objects.all()
    )
    client.force_login(user_of(actor))

    # when
    response = client.get(export.get_absolute_url())

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND
