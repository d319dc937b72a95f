"""Sign, addendum, download, verify and export pages and commands."""

import datetime as dt
import io
import zipfile
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from assessments.forms import UPLOAD_TOO_LARGE
from assessments.models import NoteAccessEvent, NoteVersion, TestSession
from assessments.notes import export, signing
from billing.services import CoverageInput, coverage_save
from clinic.models import AuditEvent
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    DEFAULT_PASSWORD,
    PayerFactory,
    PerformedTestFactory,
    TestSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC)


@pytest.fixture
def signed_version(session, clinician):
    return signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )


@pytest.fixture
def second_signed_version(patient, clinician):
    """Another signed note of the same patient, a week before the first."""
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=timezone.now() - dt.timedelta(days=8),
    )
    PerformedTestFactory(session=session)
    return signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )


def test_sign_page_shows_attestation_and_signs(clinician_client, session):
    url = reverse("assessments:session-sign", args=[session.uuid])

    page = clinician_client.get(url)
    response = clinician_client.post(url, {"password": DEFAULT_PASSWORD})

    assert page.status_code == HTTPStatus.OK
    assert signing.ATTESTATION in page.content.decode()
    assert response.status_code == HTTPStatus.FOUND
    session.refresh_from_db()
    assert session.status == TestSession.Status.SIGNED


def test_sign_page_wrong_password_keeps_draft(clinician_client, session):
    url = reverse("assessments:session-sign", args=[session.uuid])

    response = clinician_client.post(url, {"password": "nope"})

    assert response.status_code == HTTPStatus.OK
    assert signing.WRONG_PASSWORD in response.content.decode()
    session.refresh_from_db()
    assert session.status == TestSession.Status.DRAFT


def test_sign_page_refuses_assistant_with_reason(client, session, clinician):
    clinician.role = "pta"
    clinician.save()
    client.force_login(clinician.user)
    url = reverse("assessments:session-sign", args=[session.uuid])

    page = client.get(url)
    response = client.post(url, {"password": DEFAULT_PASSWORD})

    assert "not within an assistant&#x27;s scope" in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    assert response.status_code == HTTPStatus.OK
    session.refresh_from_db()
    assert session.status == TestSession.Status.DRAFT


def test_sign_page_of_another_clinic_is_404(other_clinician_client, session):
    url = reverse("assessments:session-sign", args=[session.uuid])

    assert other_clinician_client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_signed_session_cannot_be_edited(clinician_client, signed_version, session):
    response = clinician_client.get(
        reverse("assessments:session-update", args=[session.uuid])
    )

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == session.get_absolute_url()


def test_addendum_page_adds_a_version(clinician_client, signed_version, session):
    url = reverse("assessments:addendum-create", args=[session.uuid])

    response = clinician_client.post(
        url,
        {"text": "Late entry: patient wore bifocals.", "password": DEFAULT_PASSWORD},
    )

    assert response.status_code == HTTPStatus.FOUND
    assert [v.number for v in session.note_versions.all()] == [1, 2]


def test_addendum_with_wrong_password_keeps_the_text(
    clinician_client, signed_version, session
):
    url = reverse("assessments:addendum-create", args=[session.uuid])

    response = clinician_client.post(
        url, {"text": "Late entry: patient wore bifocals.", "password": "nope"}
    )

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert signing.WRONG_PASSWORD in page
    assert "Late entry: patient wore bifocals.</textarea>" in page
    assert [v.number for v in session.note_versions.all()] == [1]


def test_addendum_page_of_another_clinic_is_404(
    other_clinician_client, signed_version, session
):
    url = reverse("assessments:addendum-create", args=[session.uuid])

    get = other_clinician_client.get(url)
    post = other_clinician_client.post(
        url, {"text": "Not mine to write.", "password": DEFAULT_PASSWORD}
    )

    assert get.status_code == HTTPStatus.NOT_FOUND
    assert post.status_code == HTTPStatus.NOT_FOUND
    assert [v.number for v in session.note_versions.all()] == [1]


def test_download_sends_stored_bytes_and_records_it(
    clinician_client, clinician, signed_version, session
):
    url = reverse("assessments:note-download", args=[session.uuid, 1])

    response = clinician_client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(signed_version.pdf)
    event = NoteAccessEvent.objects.get()
    assert (event.note_version, event.user, event.action) == (
        signed_version,
        clinician.user,
        "download",
    )


def test_download_of_another_clinic_is_404(
    other_clinician_client, signed_version, session
):
    url = reverse("assessments:note-download", args=[session.uuid, 1])

    assert other_clinician_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert NoteAccessEvent.objects.exists() is False


def test_verify_page_needs_no_login(client, signed_version):
    upload = SimpleUploadedFile(
        "note.pdf", bytes(signed_version.pdf), "application/pdf"
    )

    response = client.post(reverse("verify"), {"pdf": upload})

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Verified: genuine and unaltered" in page
    assert signed_version.document_id in page


def test_verify_page_rejects_garbage_without_error(client, db):
    upload = SimpleUploadedFile("note.pdf", b"not a pdf at all", "application/pdf")

    response = client.post(reverse("verify"), {"pdf": upload})

    assert response.status_code == HTTPStatus.OK
    assert "Not verified" in response.content.decode()


def test_verify_note_command(signed_version, tmp_path, capsys):
    good = tmp_path / "good.pdf"
    good.write_bytes(bytes(signed_version.pdf))
    forged = tmp_path / "forged.pdf"
    data = bytearray(signed_version.pdf)
    data[len(data) // 2] ^= 0x01
    forged.write_bytes(bytes(data))

    call_command("verify_note", str(good))
    assert "VERIFIED" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_status:
        call_command("verify_note", str(forged))
    assert exit_status.value.code == 1
    assert "NOT VERIFIED" in capsys.readouterr().out


def _export_notes(session, out, *args, user=None):
    """Run export_notes for the session's clinic, as its clinician by default."""
    call_command(
        "export_notes",
        "--out",
        str(out),
        "--clinic",
        session.patient.clinic.name,
        "--user",
        (user or session.clinician.user).username,
        *args,
    )


def test_export_notes_writes_latest_versions(signed_version, session, tmp_path):
    _export_notes(session, tmp_path, "--mrn", session.patient.mrn)

    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == [f"{signed_version.document_id}.pdf"]
    assert (tmp_path / written[0]).read_bytes() == bytes(signed_version.pdf)
    event = NoteAccessEvent.objects.get()
    assert (event.action, event.user) == ("export", session.clinician.user)
    # and the audit log has the look at the patient beside it
    audited = AuditEvent.objects.get()
    assert (audited.action, audited.user, audited.patient, audited.what) == (
        AuditEvent.Action.EXPORTED,
        session.clinician.user,
        session.patient,
        f"note version {signed_version.pk}",
    )


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("", "--out must name a folder"),
        ("a-file.pdf", "--out must name a folder"),
        ("a-file.pdf/notes", "Cannot write to a-file.pdf/notes: Not a directory"),
    ],
)
def test_export_notes_refuses_a_bad_out_clearly(
    signed_version, session, tmp_path, monkeypatch, out, message
):
    # given a file where a folder should be (the suite runs as root here, for
    # whom no folder is read-only)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file.pdf").write_bytes(b"keep")
    # when / then
    with pytest.raises(CommandError, match=message):
        _export_notes(session, out)
    assert NoteAccessEvent.objects.exists() is False
    assert (tmp_path / "a-file.pdf").read_bytes() == b"keep"


def test_export_notes_is_scoped_to_the_users_clinic(
    signed_version, session, other_clinician, tmp_path
):
    with pytest.raises(CommandError, match="does not work in"):
        _export_notes(session, tmp_path, user=other_clinician.user)
    with pytest.raises(CommandError, match="No clinic is named"):
        call_command(
            "export_notes",
            "--out",
            str(tmp_path),
            "--clinic",
            "Nowhere",
            "--user",
            session.clinician.user.username,
        )
    assert list(tmp_path.iterdir()) == []


def test_export_notes_records_every_note_a_chunk_at_a_time(
    signed_version, second_signed_version, session, tmp_path, monkeypatch
):
    """A chunk of notes in memory, its access records in one insert, the rest at the end."""
    # given chunks of one note, so both the full-chunk and the last insert run
    monkeypatch.setattr(export, "EXPORT_CHUNK", 1)

    # when
    _export_notes(session, tmp_path, "--mrn", session.patient.mrn)

    # then
    assert len(list(tmp_path.iterdir())) == 2
    assert set(NoteAccessEvent.objects.values_list("note_version", flat=True)) == {
        signed_version.pk,
        second_signed_version.pk,
    }


def test_export_notes_filters_out_other_payers(signed_version, session, tmp_path):
    _export_notes(session, tmp_path, "--payer", "Nobody Health")

    assert list(tmp_path.iterdir()) == []


def test_export_notes_selects_the_payer_the_note_was_billed_to(
    signed_version, session, clinic, tmp_path
):
    """--payer matches the signed decision's payer, not the patient's coverage now."""
    # given the patient's coverage moved to another payer after signing
    billed_to = session.patient.coverage.payer.name
    acme = PayerFactory(clinic=clinic, name="Acme Health")
    coverage_save(patient=session.patient, data=CoverageInput(payer=acme))

    # when
    _export_notes(session, tmp_path / "billed", "--payer", billed_to.upper())
    _export_notes(session, tmp_path / "acme", "--payer", acme.name)

    # then
    assert [path.name for path in (tmp_path / "billed").iterdir()] == [
        f"{signed_version.document_id}.pdf"
    ]
    assert list((tmp_path / "acme").iterdir()) == []


def test_admin_zip_selects_across_the_filter(
    client, clinic_admin, signed_version, second_signed_version, session
):
    """With "select all" the form sends no ids: the action zips the whole filter."""
    # given
    user = clinic_admin.user
    user.is_staff = True
    user.save()
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)

    # when the first page's box and "select all" are ticked
    response = client.post(
        reverse("admin:assessments_testsession_changelist"),
        {
            "action": "download_notes_zip",
            "select_across": "1",
            "_selected_action": [session.pk],
        },
    )

    # then
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted(
        f"{version.document_id}.pdf"
        for version in (signed_version, second_signed_version)
    )
    assert NoteAccessEvent.objects.filter(user=user).count() == 2


def test_admin_zip_of_selected_notes(client, clinic_admin, signed_version, session):
    user = clinic_admin.user
    user.is_staff = True
    user.save()
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)

    response = client.post(
        reverse("admin:assessments_testsession_changelist"),
        {"action": "download_notes_zip", "_selected_action": [session.pk]},
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Disposition"] == (
        'attachment; filename="perfnote-notes.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [f"{signed_version.document_id}.pdf"]
    assert archive.read(archive.namelist()[0]) == bytes(signed_version.pdf)
    assert NoteAccessEvent.objects.get().user == user
    assert NoteVersion.objects.count() == 1


def test_verify_refuses_a_huge_upload_before_reading_it(client, db):
    """A declared 150 MB body is answered 413 at once, the form saying why."""
    upload = SimpleUploadedFile("note.pdf", b"%PDF-1.7", "application/pdf")

    response = client.post(
        reverse("verify"), {"pdf": upload}, CONTENT_LENGTH=str(150 * 1024 * 1024)
    )

    assert response.status_code == HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    assert escape(UPLOAD_TOO_LARGE) in response.content.decode()


@pytest.mark.parametrize("date", ["2026-13-01", "yesterday", "11/02/2026"])
def test_export_notes_refuses_a_bad_date_clearly(
    signed_version, session, tmp_path, date
):
    with pytest.raises(CommandError, match=r"is not a date like 2026-11-02\."):
        _export_notes(session, tmp_path, "--from", date)
    assert list(tmp_path.iterdir()) == []
    assert NoteAccessEvent.objects.exists() is False
