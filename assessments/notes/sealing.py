"""Seal signed notes with their clinic's certificate (PAdES) and check a seal.

A payer or auditor can open a sealed note in any PDF reader and see that it is
unchanged since signing (PEERS.md §6 item 4). The seal is a PAdES baseline
signature (ETSI.CAdES.detached, SHA-256) made with the clinic's own PKCS#12,
<PERFNOTE_SEAL_DIR>/<seal name>.p12, whose certificate is embedded in the
signature; its passphrase comes from the environment (settings
PERFNOTE_SEAL_PASSPHRASES), never from the database. check_seal() answers the
questions the app asks of an uploaded or stored note: is it byte for byte what
was sealed, and which clinic's certificate sealed it? It works offline:
nothing is fetched to validate the certificate.
"""

import datetime as dt
import functools
import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from clinic.models import Clinic

logger = logging.getLogger(__name__)

SEAL_FIELD = "PerfnoteSeal"
# Where pdf.note_pdf_render() writes the document id: WeasyPrint turns
# <meta name="perfnote-document-id"> into this Info key (letters and digits only).
DOCUMENT_ID_INFO_KEY = "/perfnotedocumentid"
# Microsoft's "Document Signing" extended key usage, which Adobe also accepts.
DOCUMENT_SIGNING_OID = ObjectIdentifier("1.3.6.1.4.1.311.10.3.12")

# A seal certificate needs digitalSignature or nonRepudiation; pyHanko's default
# asks for nonRepudiation only, which some CA-issued signing certificates lack.
_KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"})

NOT_A_PDF = "This file is not a PDF, or it is too damaged to read."
NO_SIGNATURE = "This PDF has no signature, so it is not a sealed note."
UNREADABLE_SIGNATURE = "The signature in this PDF is damaged and cannot be checked."
CHANGED = "The document was changed after it was sealed."
ADDED_TO = (
    "The document was changed after it was sealed: content was added after the "
    "signature."
)
NOT_OUR_CERTIFICATE = (
    "The document was sealed by a certificate that is not any of our clinics'."
)
SHARED_CERTIFICATE = (
    "The document was sealed by a certificate that more than one of our clinics "
    "hold, so it cannot tell which clinic sealed it."
)
NO_CERTIFICATE_FILE = (
    "{clinic} has no seal certificate at {path}: place its PKCS#12 there, or run "
    "`python manage.py create_seal_certificate` for a self-signed one."
)
NO_PASSPHRASE = (
    "{clinic}'s seal certificate has no passphrase: set the environment variable "  # noqa: S105 (a message)
    "{variable}."
)
UNREADABLE_CERTIFICATE_FILE = (
    "The seal certificate at {path} cannot be opened with its passphrase ({variable})."
)
NO_SEAL_CERTIFICATE = (
    "No clinic's seal certificate could be loaded, so the signer cannot be confirmed."
)


@dataclass(frozen=True)
class SealCheck:
    """What check_seal() found out about one PDF.

    intact: the signature is cryptographically valid and covers every byte of
        the file, so nothing was changed or added after sealing.
    trusted: the signing certificate is one of our clinics' seal certificates.
    sealed_by: the name of that clinic ("" when none), from the certificate
        the seal verified against, not from what the file says of itself.
    signed_at: the signing time the signer wrote (/M), not a timestamp
        authority's.
    document_id: read from the file's current Info dictionary, so it is the
        sealed one only when intact is True.
    problem: "" when intact and trusted; otherwise a sentence for the user.
    """

    sha256: str
    problem: str
    intact: bool = False
    trusted: bool = False
    signer_name: str = ""
    signed_at: dt.datetime | None = None
    reason: str = ""
    document_id: str | None = None
    sealed_by: str = ""
    sealed_by_clinic_id: int | None = None


def seal_pdf(
    pdf: bytes, *, clinic: Clinic, signer_name: str, reason: str, location: str = ""
) -> bytes:
    """Return ``pdf`` with ``clinic``'s PAdES seal appended as an incremental update.

    The signature dictionary's /Name is ``signer_name`` and its /Reason
    ``reason``, so PDF readers show who signed and why next to the seal.
    """
    signer = _clinic_signer(
        clinic, create_missing=settings.PERFNOTE_SEAL_CREATE_MISSING
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        name=signer_name,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    output = signers.sign_pdf(
        writer, metadata, signer=signer, bytes_reserved=_bytes_reserved(signer)
    )
    return output.getvalue()


def check_seal(pdf: bytes, *, clinics: Iterable[Clinic]) -> SealCheck:
    """Return whether ``pdf`` is intact and which of ``clinics`` sealed it; never raises.

    The certificate embedded in the seal is matched against each clinic's own,
    and the seal validated against that one alone, so a note is said to be
    sealed by a clinic only when that clinic's key made the seal. Garbage,
    truncated files, unsigned PDFs and damaged signatures all come back with
    intact False and a problem, because the caller is usually showing the
    answer to a person who uploaded a file.
    """
    digest = hashlib.sha256(pdf).hexdigest()
    try:
        return _check(pdf, digest, clinics)
    except Exception:
        logger.exception("Checking a seal failed unexpectedly.")
        return SealCheck(sha256=digest, problem=UNREADABLE_SIGNATURE)


def seal_certificate_create(
    *,
    path: Path,
    passphrase: str,
    common_name: str,
    organization: str = "",
    days: int = 3650,
) -> Path:
    """Write a new self-signed ECDSA P-256 document-signing certificate as PKCS#12.

    The file is created with mode 0600 (its key seals every note) and never
    overwritten: an existing file raises FileExistsError.
    """
    path = Path(path)
    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    name = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    public_key = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [DOCUMENT_SIGNING_OID, ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    # O_EXCL: two processes creating the file at once cannot both win.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    return path


def certificate_fingerprint(path: Path, passphrase: str) -> str:
    """Return the SHA-256 fingerprint of the certificate in a PKCS#12, as AA:BB:…."""
    _key, certificate, _others = pkcs12.load_key_and_certificates(
        Path(path).read_bytes(), passphrase.encode()
    )
    return certificate.fingerprint(hashes.SHA256()).hex(":").upper()


def clinic_seal_path(clinic: Clinic) -> Path:
    """Return where the clinic's PKCS#12 is: <PERFNOTE_SEAL_DIR>/<seal name>.p12."""
    return Path(os.fspath(settings.PERFNOTE_SEAL_DIR)) / f"{clinic.seal_name}.p12"


def _passphrase_key(clinic: Clinic) -> str:
    # The seal name as an environment variable's suffix: riverside-pt → RIVERSIDE_PT.
    return clinic.seal_name.upper().replace("-", "_")


def clinic_seal_passphrase_variable(clinic: Clinic) -> str:
    """Return the environment variable holding the clinic's seal passphrase."""
    return settings.SEAL_PASSPHRASE_VARIABLE_PREFIX + _passphrase_key(clinic)


def clinic_seal_passphrase(clinic: Clinic) -> str:
    """Return the clinic's seal passphrase from the environment.

    Development falls back on PERFNOTE_SEAL_DEV_PASSPHRASE; production has none,
    so a clinic without its own variable cannot seal, and is told which to set.
    """
    passphrase = settings.PERFNOTE_SEAL_PASSPHRASES.get(
        _passphrase_key(clinic), settings.PERFNOTE_SEAL_DEV_PASSPHRASE
    )
    if not passphrase:
        raise ImproperlyConfigured(
            NO_PASSPHRASE.format(
                clinic=clinic.name, variable=clinic_seal_passphrase_variable(clinic)
            )
        )
    return passphrase


def clinic_seal_certificate_create(*, clinic: Clinic, replace: bool = False) -> Path:
    """Write a self-signed seal certificate for the clinic (development and tests).

    Its subject names the clinic (CN "<name> document seal", O "<name>"), so PDF
    readers show whose seal it is. An existing file is kept (FileExistsError)
    unless ``replace``.
    """
    path = clinic_seal_path(clinic)
    if replace:
        path.unlink(missing_ok=True)
    return seal_certificate_create(
        path=path,
        passphrase=clinic_seal_passphrase(clinic),
        common_name=f"{clinic.name} document seal",
        organization=clinic.name,
    )


def clinic_seal_certificate_ensure(*, clinic: Clinic) -> bool:
    """Make the clinic's self-signed seal certificate unless it has one; True if made.

    For development (`create_seal_certificate`, `seed_demo`): production places
    each clinic's own certificate.
    """
    if clinic_seal_path(clinic).exists():
        return False
    try:
        clinic_seal_certificate_create(clinic=clinic)
    except FileExistsError:
        return False  # made meanwhile by another process
    return True


def signer_cache_clear() -> None:
    """Forget the loaded PKCS#12 files, e.g. after tests switch certificates."""
    _signer_load.cache_clear()


def _clinic_signer(clinic: Clinic, *, create_missing: bool) -> signers.SimpleSigner:
    path = clinic_seal_path(clinic)
    if create_missing:
        clinic_seal_certificate_ensure(clinic=clinic)
    try:
        modified = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ImproperlyConfigured(
            NO_CERTIFICATE_FILE.format(clinic=clinic.name, path=path)
        ) from None
    # The modification time is part of the key, so a replaced file is reloaded.
    try:
        return _signer_load(str(path), clinic_seal_passphrase(clinic), modified)
    except ValueError:
        raise ImproperlyConfigured(
            UNREADABLE_CERTIFICATE_FILE.format(
                path=path, variable=clinic_seal_passphrase_variable(clinic)
            )
        ) from None


@functools.cache
def _signer_load(path: str, passphrase: str, _mtime_ns: int) -> signers.SimpleSigner:
    # Decrypting a PKCS#12 runs its key derivation; that is slow, so do it once.
    return signers.SimpleSigner.load_pkcs12_data(
        Path(path).read_bytes(), other_certs=[], passphrase=passphrase.encode()
    )


@functools.cache
def _bytes_reserved(signer: signers.SimpleSigner) -> int:
    # Room for the signature container: its certificates plus signed attributes
    # and a signature value of up to RSA-4096 size. Giving pyHanko the size
    # spares it a trial signature on every seal (about half the sealing time).
    certificates = [signer.signing_cert, *signer.cert_registry]
    size = sum(len(certificate.dump()) for certificate in certificates) + 4096
    return -(-size // 1024) * 1024


def _clinic_certificates(
    clinics: Iterable[Clinic],
) -> dict[bytes, tuple[Clinic, asn1_x509.Certificate] | tuple[None, None]]:
    """Return each loadable clinic seal certificate by its SHA-256, with its clinic.

    A certificate that two clinics share names neither, (None, None): a seal
    made with it cannot say which clinic made it, so it is trusted as none.
    """
    found = {}
    shared = set()
    for clinic in clinics:
        try:
            certificate = _clinic_signer(clinic, create_missing=False).signing_cert
        except (ImproperlyConfigured, OSError):
            logger.warning(
                "The seal certificate of %s could not be loaded.",
                clinic.name,
                exc_info=True,
            )
            continue
        if certificate.sha256 in found:
            logger.error(
                "%s and %s have the same seal certificate; it seals for neither.",
                found[certificate.sha256][0].name,
                clinic.name,
            )
            shared.add(certificate.sha256)
        found[certificate.sha256] = (clinic, certificate)
    return {
        key: (None, None) if key in shared else value for key, value in found.items()
    }


def _check(pdf: bytes, digest: str, clinics: Iterable[Clinic]) -> SealCheck:
    # Readers accept the header anywhere in the first 1024 bytes.
    if b"%PDF-" not in pdf[:1024]:
        return SealCheck(sha256=digest, problem=NOT_A_PDF)
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        document_id = _document_id(reader)
    except Exception:
        return SealCheck(sha256=digest, problem=NOT_A_PDF)
    if not signatures:
        return SealCheck(sha256=digest, problem=NO_SIGNATURE, document_id=document_id)
    # The seal is the first signature; anything after it is a later change.
    signature = signatures[0]
    sig_object = signature.sig_object
    try:
        signed_at = signature.self_reported_timestamp
    except Exception:
        signed_at = None
    # What the file says of itself, reported whether or not the seal holds.
    found = {
        "signer_name": str(sig_object.get("/Name", "")),
        "reason": str(sig_object.get("/Reason", "")),
        "signed_at": signed_at,
        "document_id": document_id,
    }
    certificates = _clinic_certificates(clinics)
    try:
        embedded = signature.signer_cert.sha256
    except Exception:
        embedded = None
    shared = certificates.get(embedded) == (None, None)
    clinic, seal_certificate = certificates.get(embedded, (None, None))
    context = ValidationContext(
        trust_roots=[seal_certificate] if seal_certificate else [],
        allow_fetching=False,
    )
    try:
        status = validate_pdf_signature(
            signature,
            signer_validation_context=context,
            key_usage_settings=_KEY_USAGE,
            skip_diff=True,
        )
    except Exception:
        logger.info("A signature could not be validated.", exc_info=True)
        return SealCheck(sha256=digest, problem=UNREADABLE_SIGNATURE, **found)
    whole_file = (
        status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        and _byte_range_end(signature) == len(pdf)
    )
    if not (status.intact and status.valid):
        problem = CHANGED
    elif not whole_file:
        problem = ADDED_TO
    elif shared:
        problem = SHARED_CERTIFICATE
    elif not status.trusted:
        problem = NOT_OUR_CERTIFICATE if certificates else NO_SEAL_CERTIFICATE
    else:
        problem = ""
    trusted = bool(status.trusted)
    return SealCheck(
        intact=bool(status.intact and status.valid and whole_file),
        trusted=trusted,
        sha256=digest,
        problem=problem,
        sealed_by=clinic.name if trusted else "",
        sealed_by_clinic_id=clinic.pk if trusted else None,
        **found,
    )


def _document_id(reader: PdfFileReader) -> str | None:
    info = reader.trailer_view.get("/Info")
    if info is None:
        return None
    value = info.get_object().get(DOCUMENT_ID_INFO_KEY)
    return str(value) if value is not None else None


def _byte_range_end(signature: EmbeddedPdfSignature) -> int:
    # /ByteRange [0 a b c] signs bytes 0..a and b..b+c; b+c is where it stops.
    byte_range = [int(value) for value in signature.byte_range]
    return byte_range[-2] + byte_range[-1]
