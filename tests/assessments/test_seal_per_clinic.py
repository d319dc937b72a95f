"""Each clinic's notes carry its own seal, and /verify/ names the clinic that sealed one.

Issue 12 found Lakeside's notes sealed as Riverside, and /verify/ saying "sealed
by this clinic's certificate" of both. Here two clinics sign a note each, and
the signer certificates are read back with pyHanko and poppler's pdfsig.
"""

import datetime as dt
import re
import shutil
import subprocess
from http import HTTPStatus
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils.html import escape
from pyhanko.pdf_utils.reader import PdfFileReader

from assessments.notes import sealing, signing
from assessments.notes.verification import SEALED_BY_ANOTHER_CLINIC, note_verify
from clinic.models import Clinic
from tests.factories import (
    DEFAULT_PASSWORD,
    ClinicFactory,
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC)
RIVERSIDE = "Riverside Physical Therapy"
LAKESIDE = "Lakeside Hand & Rehab"


def _signed_note(clinic_name, seal_name):
    clinic = ClinicFactory(name=clinic_name, seal_name=seal_name)
    clinician = ClinicianFactory(clinic=clinic)
    session = TestSessionFactory(
        patient=PatientFactory(clinic=clinic), clinician=clinician
    )
    PerformedTestFactory(session=session)
    version = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    return bytes(version.pdf)


@pytest.fixture
def notes(tmp_path, settings):
    """A signed note of Riverside and one of Lakeside, sealed with fresh certificates."""
    settings.PERFNOTE_SEAL_DIR = tmp_path / "seal"
    sealing.signer_cache_clear()
    yield {
        RIVERSIDE: _signed_note(RIVERSIDE, "riverside"),
        LAKESIDE: _signed_note(LAKESIDE, "lakeside"),
    }
    sealing.signer_cache_clear()


def _signer(pdf):
    return PdfFileReader(BytesIO(pdf)).embedded_signatures[0].signer_cert


def test_two_clinics_notes_carry_different_signer_certificates(notes):
    riverside, lakeside = _signer(notes[RIVERSIDE]), _signer(notes[LAKESIDE])

    assert riverside.sha256 != lakeside.sha256
    assert riverside.subject.native["organization_name"] == RIVERSIDE
    assert lakeside.subject.native["organization_name"] == LAKESIDE
    assert lakeside.subject.native["common_name"] == f"{LAKESIDE} document seal"


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler")
def test_pdfsig_reads_each_clinics_signer(notes, tmp_path):
    for clinic, pdf in notes.items():
        path = tmp_path / "note.pdf"
        path.write_bytes(pdf)
        report = subprocess.run(  # noqa: S603
            ["pdfsig", str(path)],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        ).stdout

        assert "Signature is Valid." in report
        assert f"Signer Certificate Common Name: {clinic} document seal" in report


@pytest.mark.parametrize("clinic", [RIVERSIDE, LAKESIDE])
def test_verify_names_the_clinic_whose_certificate_sealed_the_note(
    client, notes, clinic
):
    upload = SimpleUploadedFile("note.pdf", notes[clinic], "application/pdf")

    response = client.post(reverse("verify"), {"pdf": upload})

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Verified: genuine and unaltered" in page
    sealed_by = re.search(r'id="verify-sealed-by">([^<]*)<', page).group(1)
    assert sealed_by == escape(clinic)
    assert "this clinic&#x27;s certificate" not in page


@pytest.fixture
def lakeside_note_sealed_as_riverside(notes, monkeypatch):
    """A note on record at a Lakeside clinic, sealed with Riverside's key.

    So was every note when one certificate sealed for all clinics.
    """
    seal_pdf = sealing.seal_pdf
    riverside = Clinic.objects.get(name=RIVERSIDE)
    monkeypatch.setattr(
        sealing,
        "seal_pdf",
        lambda pdf, *, clinic, **kwargs: seal_pdf(pdf, clinic=riverside, **kwargs),
    )
    return _signed_note("Lakeside West", "lakeside-west")


def test_a_note_sealed_with_another_clinics_certificate_is_flagged(
    lakeside_note_sealed_as_riverside,
):
    # when
    result = note_verify(pdf=lakeside_note_sealed_as_riverside)

    # then the seal holds and names Riverside, but the note is not verified
    assert (result.seal.intact, result.seal.trusted) == (True, True)
    assert result.seal.sealed_by == RIVERSIDE
    assert result.on_record is True
    assert result.ok is False
    assert result.problems == [SEALED_BY_ANOTHER_CLINIC]


def test_the_verify_page_flags_it_too(client, lakeside_note_sealed_as_riverside):
    upload = SimpleUploadedFile(
        "note.pdf", lakeside_note_sealed_as_riverside, "application/pdf"
    )

    page = client.post(reverse("verify"), {"pdf": upload}).content.decode()

    assert "Not verified" in page
    assert escape(SEALED_BY_ANOTHER_CLINIC) in page


def test_verify_note_names_the_clinic_too(notes, tmp_path, capsys):
    path = tmp_path / "lakeside.pdf"
    path.write_bytes(notes[LAKESIDE])

    call_command("verify_note", str(path))

    out = capsys.readouterr().out
    assert f"Sealed with:    {LAKESIDE}'s certificate" in out
    assert out.rstrip().endswith("VERIFIED")
