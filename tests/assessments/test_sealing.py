"""The PAdES seal: made with each clinic's own certificate, checked offline, never fooled."""

import datetime as dt
import hashlib
import re
import shutil
import stat
import subprocess
from io import BytesIO

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from assessments.notes import rendering, sealing
from assessments.notes.rendering import note_pdf_render
from assessments.notes.sealing import (
    ADDED_TO,
    CHANGED,
    DOCUMENT_ID_INFO_KEY,
    NO_CERTIFICATE_FILE,
    NO_PASSPHRASE,
    NO_SEAL_CERTIFICATE,
    NO_SIGNATURE,
    NOT_A_PDF,
    NOT_OUR_CERTIFICATE,
    SHARED_CERTIFICATE,
    UNREADABLE_CERTIFICATE_FILE,
    SealCheck,
    clinic_seal_certificate_create,
    seal_certificate_create,
)
from tests.factories import ClinicFactory

DOCUMENT_ID = "PN-5EA1ED000001-V1"
SIGNER_NAME = "Rosa Diaz, PT, DPT"
REASON = "Signed physical performance test note (CPT 97750)"
PASSPHRASE = "test-passphrase"
# Just enough of a note for a one-page PDF; test_pdf.py covers the content.
CONTEXT = {
    "title": "Physical Performance Test Report",
    "cpt": "97750",
    "clinic": {"name": "Lakeside Physical Therapy", "npi": "1730184529"},
    "patient": {"name": "Maria Lopez", "last_first": "Lopez, Maria", "mrn": "M1"},
    "session": {"date_of_service": "11/24/2025", "reason": "Fall risk."},
    "signature": {"text": "Electronically signed by Rosa Diaz, PT, DPT"},
}
pdfsig = pytest.mark.skipif(shutil.which("pdfsig") is None, reason="needs poppler")


@pytest.fixture(scope="module")
def unsealed():
    return note_pdf_render(context=CONTEXT, addenda=[], document_id=DOCUMENT_ID)


# Unsaved clinics: sealing needs only their name, seal name and id.
LAKESIDE = ClinicFactory.build(
    pk=1, name="Lakeside Physical Therapy", seal_name="lakeside"
)
RIVERSIDE = ClinicFactory.build(
    pk=2, name="Riverside Physical Therapy", seal_name="riverside"
)


@pytest.fixture
def seal_dir(tmp_path, settings):
    """A seal folder of this test's own, with production's rules: no made-up seals."""
    settings.PERFNOTE_SEAL_DIR = tmp_path / "seal"
    settings.PERFNOTE_SEAL_PASSPHRASES = {"LAKESIDE": PASSPHRASE, "RIVERSIDE": "other"}
    settings.PERFNOTE_SEAL_DEV_PASSPHRASE = None
    settings.PERFNOTE_SEAL_CREATE_MISSING = False
    sealing.signer_cache_clear()
    yield settings.PERFNOTE_SEAL_DIR
    sealing.signer_cache_clear()


@pytest.fixture
def seal_certificate(seal_dir):
    """Lakeside's seal: a fresh certificate at <seal dir>/lakeside.p12."""
    return clinic_seal_certificate_create(clinic=LAKESIDE)


def seal_pdf(pdf, clinic=LAKESIDE, **kwargs):
    return sealing.seal_pdf(pdf, clinic=clinic, **kwargs)


def check_seal(pdf, clinics=(LAKESIDE, RIVERSIDE)):
    return sealing.check_seal(pdf, clinics=clinics)


@pytest.fixture
def sealed(seal_certificate, unsealed):
    return seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)


def _certificate(path):
    _key, certificate, _others = pkcs12.load_key_and_certificates(
        path.read_bytes(), PASSPHRASE.encode()
    )
    return certificate


def _pdfsig(tmp_path, data):
    path = tmp_path / "note.pdf"
    path.write_bytes(data)
    return subprocess.run(  # noqa: S603
        ["pdfsig", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout


def _flip_byte_inside_signed_range(data):
    # A byte of the first page's compressed content stream, which the seal covers.
    at = data.index(b"stream\n") + 40
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_sealed_note_is_intact_trusted_and_names_signer_reason_and_id(
    unsealed, seal_certificate
):
    # given
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    # when
    sealed = seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)
    check = check_seal(sealed)
    # then
    assert sealed.startswith(unsealed)
    assert check == SealCheck(
        intact=True,
        trusted=True,
        signer_name=SIGNER_NAME,
        signed_at=check.signed_at,
        reason=REASON,
        document_id=DOCUMENT_ID,
        sha256=hashlib.sha256(sealed).hexdigest(),
        problem="",
        sealed_by="Lakeside Physical Therapy",
        sealed_by_clinic_id=1,
    )
    assert before <= check.signed_at <= dt.datetime.now(dt.UTC)


def test_location_is_recorded_when_given(unsealed, seal_certificate):
    # when
    sealed = seal_pdf(
        unsealed, signer_name=SIGNER_NAME, reason=REASON, location="Springfield, IL"
    )
    # then
    signature = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    assert signature.sig_object["/Location"] == "Springfield, IL"
    assert signature.sig_object["/Name"] == SIGNER_NAME


def test_pyhanko_validates_the_seal_as_pades_over_the_whole_file(
    sealed, seal_certificate
):
    # given
    der = _certificate(seal_certificate).public_bytes(Encoding.DER)
    trust_root = asn1_x509.Certificate.load(der)
    signature = PdfFileReader(BytesIO(sealed)).embedded_signatures[0]
    # when
    status = validate_pdf_signature(
        signature,
        signer_validation_context=ValidationContext(
            trust_roots=[trust_root], allow_fetching=False
        ),
    )
    # then
    assert status.bottom_line is True
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.md_algorithm == "sha256"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.sig_object["/Reason"] == REASON
    assert signature.signer_cert.sha256 == trust_root.sha256


@pdfsig
def test_pdfsig_reports_the_signature_valid(sealed, tmp_path):
    # when
    report = _pdfsig(tmp_path, sealed)
    # then
    assert "Signature is Valid." in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert (
        "Signer Certificate Common Name: Lakeside Physical Therapy document seal"
        in report
    )
    assert "Total document signed" in report
    # pdfsig's trust line reads "Certificate Validation: Certificate issuer is
    # unknown." (poppler with NSS): the self-signed clinic certificate is in no
    # system trust store, so readers trust it only once the clinic's
    # fingerprint is imported; check_seal trusts it by configuration.


def test_a_changed_byte_breaks_the_seal(sealed):
    # given
    changed = _flip_byte_inside_signed_range(sealed)
    # when
    check = check_seal(changed)
    # then
    assert (check.intact, check.problem) == (False, CHANGED)
    assert check.sha256 == hashlib.sha256(changed).hexdigest()


@pdfsig
def test_pdfsig_rejects_a_changed_byte(sealed, tmp_path):
    # when
    report = _pdfsig(tmp_path, _flip_byte_inside_signed_range(sealed))
    # then
    assert "Signature is Valid." not in report
    assert "Digest Mismatch." in report


def test_bytes_appended_after_the_seal_are_detected(sealed):
    # when
    check = check_seal(sealed + b"\n% appended after sealing\n")
    # then
    assert (check.intact, check.trusted, check.problem) == (False, True, ADDED_TO)


def test_an_incremental_update_after_the_seal_is_detected(sealed):
    # given a later revision that retitles the document
    writer = IncrementalPdfFileWriter(BytesIO(sealed))
    info = writer.trailer["/Info"]
    info[generic.pdf_name("/Title")] = generic.TextStringObject("Edited note")
    writer.update_container(info)
    output = BytesIO()
    writer.write(output)
    # when
    check = check_seal(output.getvalue())
    # then
    assert (check.intact, check.problem) == (False, ADDED_TO)
    assert check.document_id == DOCUMENT_ID


def test_a_seal_by_another_certificate_is_intact_but_not_trusted(
    unsealed, seal_certificate, seal_dir, settings
):
    # given a note sealed with a certificate of no clinic here
    impostor = ClinicFactory.build(pk=3, name="Impostor", seal_name="impostor")
    seal_certificate_create(
        path=seal_dir / "impostor.p12", passphrase=PASSPHRASE, common_name="Impostor"
    )
    settings.PERFNOTE_SEAL_PASSPHRASES = {
        "LAKESIDE": PASSPHRASE,
        "IMPOSTOR": PASSPHRASE,
    }
    foreign = seal_pdf(
        unsealed, clinic=impostor, signer_name=SIGNER_NAME, reason=REASON
    )
    # when
    check = check_seal(foreign)
    # then
    assert (check.intact, check.trusted, check.problem) == (
        True,
        False,
        NOT_OUR_CERTIFICATE,
    )
    assert (check.sealed_by, check.sealed_by_clinic_id) == ("", None)
    assert check.signer_name == SIGNER_NAME


def test_each_clinic_seals_with_its_own_certificate(unsealed, seal_certificate):
    # given
    clinic_seal_certificate_create(clinic=RIVERSIDE)
    # when
    lakeside = seal_pdf(
        unsealed, clinic=LAKESIDE, signer_name=SIGNER_NAME, reason=REASON
    )
    riverside = seal_pdf(
        unsealed, clinic=RIVERSIDE, signer_name=SIGNER_NAME, reason=REASON
    )
    # then each embeds its own clinic's certificate and is named for it
    signers = [
        PdfFileReader(BytesIO(pdf)).embedded_signatures[0].signer_cert
        for pdf in (lakeside, riverside)
    ]
    assert signers[0].sha256 != signers[1].sha256
    assert [signer.subject.native["organization_name"] for signer in signers] == [
        "Lakeside Physical Therapy",
        "Riverside Physical Therapy",
    ]
    assert (check_seal(lakeside).sealed_by, check_seal(riverside).sealed_by) == (
        "Lakeside Physical Therapy",
        "Riverside Physical Therapy",
    )
    # and a seal is trusted only against its own clinic's certificate
    assert check_seal(riverside, clinics=[LAKESIDE]).problem == NOT_OUR_CERTIFICATE


def test_a_certificate_two_clinics_share_seals_for_neither(
    unsealed, seal_certificate, seal_dir, settings
):
    # given Riverside's seal is a copy of Lakeside's
    (seal_dir / "riverside.p12").write_bytes(seal_certificate.read_bytes())
    settings.PERFNOTE_SEAL_PASSPHRASES = {
        "LAKESIDE": PASSPHRASE,
        "RIVERSIDE": PASSPHRASE,
    }
    sealed = seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)
    # when
    check = check_seal(sealed)
    # then
    assert (check.intact, check.trusted, check.sealed_by) == (True, False, "")
    assert check.problem == SHARED_CERTIFICATE


def test_a_replaced_certificate_file_is_picked_up(unsealed, seal_certificate):
    # given a sealed note, then a new certificate at the same path
    old = seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)
    clinic_seal_certificate_create(clinic=LAKESIDE, replace=True)
    # when
    new = seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)
    # then
    assert check_seal(new).trusted is True
    assert check_seal(old).trusted is False


def test_sealing_without_a_certificate_file_says_how_to_make_one(unsealed, seal_dir):
    # when / then
    with pytest.raises(ImproperlyConfigured) as error:
        seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)
    assert str(error.value) == NO_CERTIFICATE_FILE.format(
        clinic="Lakeside Physical Therapy", path=seal_dir / "lakeside.p12"
    )


def test_sealing_with_a_wrong_passphrase_says_which_variable(
    unsealed, seal_certificate, settings
):
    # given
    settings.PERFNOTE_SEAL_PASSPHRASES = {"LAKESIDE": "not-the-passphrase"}
    # when / then
    with pytest.raises(ImproperlyConfigured) as error:
        seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)
    assert str(error.value) == UNREADABLE_CERTIFICATE_FILE.format(
        path=seal_certificate, variable="PERFNOTE_SEAL_PASSPHRASE_LAKESIDE"
    )


def test_without_its_passphrase_a_clinic_cannot_seal(
    unsealed, seal_certificate, settings
):
    # given production's rule: no shared development passphrase
    settings.PERFNOTE_SEAL_PASSPHRASES = {}
    # when / then
    with pytest.raises(ImproperlyConfigured) as error:
        seal_pdf(unsealed, signer_name=SIGNER_NAME, reason=REASON)
    assert str(error.value) == NO_PASSPHRASE.format(
        clinic="Lakeside Physical Therapy",
        variable="PERFNOTE_SEAL_PASSPHRASE_LAKESIDE",
    )


def test_a_hyphenated_seal_name_reads_an_underscored_variable():
    clinic = ClinicFactory.build(seal_name="lakeside-hand-2")

    assert (
        sealing.clinic_seal_passphrase_variable(clinic)
        == "PERFNOTE_SEAL_PASSPHRASE_LAKESIDE_HAND_2"
    )


def test_without_the_clinic_certificate_a_seal_is_intact_but_unconfirmed(
    sealed, seal_certificate
):
    # given
    seal_certificate.unlink()
    # when
    check = check_seal(sealed)
    # then
    assert (check.intact, check.trusted, check.problem) == (
        True,
        False,
        NO_SEAL_CERTIFICATE,
    )


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", NOT_A_PDF),
        (b"\x00\xff garbage \x89PNG", NOT_A_PDF),
        (b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", NOT_A_PDF),
    ],
)
def test_garbage_is_reported_not_raised(data, problem, seal_certificate):
    # when
    check = check_seal(data)
    # then
    assert check == SealCheck(
        intact=False,
        trusted=False,
        signer_name="",
        signed_at=None,
        reason="",
        document_id=None,
        sha256=hashlib.sha256(data).hexdigest(),
        problem=problem,
    )


def test_a_truncated_sealed_note_is_reported_not_raised(sealed):
    # when
    check = check_seal(sealed[: len(sealed) // 2])
    # then
    assert (check.intact, check.trusted, check.problem) == (False, False, NOT_A_PDF)


def test_an_unsigned_pdf_has_no_signature(unsealed, seal_certificate):
    # when
    check = check_seal(unsealed)
    # then
    assert (check.intact, check.trusted, check.problem) == (False, False, NO_SIGNATURE)
    assert check.document_id == DOCUMENT_ID


def test_document_id_key_is_where_the_renderer_writes_it():
    # given WeasyPrint keeps the letters and digits of a <meta> name
    key = "".join(char for char in rendering.DOCUMENT_ID_META if char.isalnum())
    # then
    assert f"/{key}" == DOCUMENT_ID_INFO_KEY


def test_certificate_is_a_self_signed_p256_document_signing_key(tmp_path):
    # when
    path = seal_certificate_create(
        path=tmp_path / "a" / "b" / "seal.p12",
        passphrase=PASSPHRASE,
        common_name="Lakeside seal",
        organization="Lakeside Physical Therapy",
        days=30,
    )
    # then
    key, certificate, others = pkcs12.load_key_and_certificates(
        path.read_bytes(), PASSPHRASE.encode()
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert isinstance(key.curve, ec.SECP256R1)
    assert others == []
    assert certificate.subject == certificate.issuer
    assert certificate.subject.rfc4514_string() == (
        "O=Lakeside Physical Therapy,CN=Lakeside seal"
    )
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert (usage.digital_signature, usage.content_commitment) == (True, True)
    assert (usage.key_cert_sign, usage.key_encipherment) == (False, False)
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime == dt.timedelta(days=30, minutes=5)


def test_certificate_is_never_overwritten(tmp_path):
    # given
    path = seal_certificate_create(
        path=tmp_path / "seal.p12", passphrase=PASSPHRASE, common_name="First"
    )
    before = path.read_bytes()
    # when / then
    with pytest.raises(FileExistsError):
        seal_certificate_create(path=path, passphrase=PASSPHRASE, common_name="Second")
    assert path.read_bytes() == before


@pytest.fixture
def seal_command_dir(seal_dir, settings, db):
    """Two clinics in the database, whose seals the command makes."""
    settings.PERFNOTE_SEAL_DEV_PASSPHRASE = PASSPHRASE
    lakeside = ClinicFactory(name="Lakeside Physical Therapy", seal_name="lakeside")
    riverside = ClinicFactory(name="Riverside Physical Therapy", seal_name="riverside")
    return lakeside, riverside


def test_command_creates_each_clinics_certificate_once(
    seal_command_dir, seal_dir, capsys
):
    # given
    lakeside, riverside = seal_dir / "lakeside.p12", seal_dir / "riverside.p12"
    # when
    call_command("create_seal_certificate")
    created = capsys.readouterr().out
    first = lakeside.read_bytes()
    call_command("create_seal_certificate")
    again = capsys.readouterr().out
    # then
    fingerprints = [
        sealing.certificate_fingerprint(lakeside, PASSPHRASE),
        sealing.certificate_fingerprint(riverside, "other"),
    ]
    assert created == (
        f"Lakeside Physical Therapy: created seal certificate: {lakeside}\n"
        f"Lakeside Physical Therapy: SHA-256 fingerprint: {fingerprints[0]}\n"
        f"Riverside Physical Therapy: created seal certificate: {riverside}\n"
        f"Riverside Physical Therapy: SHA-256 fingerprint: {fingerprints[1]}\n"
    )
    assert again == created.replace("created seal", "seal").replace(
        ": seal certificate:", ": seal certificate already exists:"
    )
    assert lakeside.read_bytes() == first
    assert _certificate(lakeside).subject.rfc4514_string() == (
        "O=Lakeside Physical Therapy,CN=Lakeside Physical Therapy document seal"
    )
    assert fingerprints[0] != fingerprints[1]


def test_command_makes_one_clinics_certificate(seal_command_dir, seal_dir):
    call_command("create_seal_certificate", "--clinic", "Riverside Physical Therapy")

    assert sorted(path.name for path in seal_dir.iterdir()) == ["riverside.p12"]


def test_command_names_an_unknown_clinic(seal_command_dir):
    with pytest.raises(CommandError, match="There is no clinic named 'Hilltop'"):
        call_command("create_seal_certificate", "--clinic", "Hilltop")


def test_command_replaces_the_certificate_with_force(seal_command_dir, seal_dir):
    # given
    path = seal_dir / "lakeside.p12"
    call_command("create_seal_certificate", "--clinic", "Lakeside Physical Therapy")
    old = sealing.certificate_fingerprint(path, PASSPHRASE)
    # when
    call_command(
        "create_seal_certificate", "--clinic", "Lakeside Physical Therapy", "--force"
    )
    # then
    assert sealing.certificate_fingerprint(path, PASSPHRASE) != old


def test_command_says_which_passphrase_is_missing(seal_command_dir, settings):
    settings.PERFNOTE_SEAL_DEV_PASSPHRASE = None
    settings.PERFNOTE_SEAL_PASSPHRASES = {}

    with pytest.raises(CommandError, match="PERFNOTE_SEAL_PASSPHRASE_LAKESIDE"):
        call_command("create_seal_certificate")


@pdfsig
def test_sealed_note_is_tagged_pdf_ua_and_its_seal_still_verifies(sealed, tmp_path):
    """The seal is an incremental update: the PDF/UA tags and metadata survive it."""
    # given
    path = tmp_path / "note.pdf"
    path.write_bytes(sealed)
    # when
    info = subprocess.run(  # noqa: S603
        ["pdfinfo", str(path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    # then
    assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE)
    catalog = PdfFileReader(BytesIO(sealed)).root
    assert catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "en"
    assert "/StructTreeRoot" in catalog
    assert b'pdfuaid:part="1"' in catalog["/Metadata"].data
    assert "Signature is Valid." in _pdfsig(tmp_path, sealed)
    assert check_seal(sealed).intact
