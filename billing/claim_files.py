"""Claim files: a CSV named after the CMS-1500 items, and an ASC X12 837P.

Both are written a claim at a time to a file object, so an export of any size
keeps memory flat, and both come from the frozen claim rows, never from live
data. claims_export() is the one export path: the admin's action and the
export_claims command call it.
"""

import csv
import hashlib
import io
import itertools
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task

from clinic.audit import audit_record_many
from clinic.models import AuditEvent, Patient

from .models import Claim, ClaimExport, Payer

CSV_COLUMNS = [
    "claim_number",
    "claim_frequency",
    "payer",
    "1a_insured_id",
    "2_patient_name",
    "3_patient_birth_date",
    "3_patient_sex",
    "17_referring_provider",
    "17b_referring_npi",
    "21_diagnoses",
    "24_line",
    "24A_date_of_service",
    "24B_place_of_service",
    "24D_cpt",
    "24D_modifiers",
    "24E_diagnosis_pointer",
    "24F_charges",
    "24G_units",
    "24J_rendering_npi",
    "25_federal_tax_id",
    "33_billing_provider",
    "33a_billing_npi",
    "expected_payment",
]
# SBR09, the claim filing indicator, by payer kind (837P 005010X222A1).
FILING_INDICATOR = {
    Payer.Kind.MEDICARE: "MB",
    Payer.Kind.MEDICAID: "MC",
    Payer.Kind.COMMERCIAL: "CI",
    Payer.Kind.OTHER: "ZZ",
}
DIAGNOSIS_LETTERS = "ABCDEFGHIJKL"
VOID_CLAIM = "the claim is void"
ALREADY_EXPORTED = "already exported (re-export to send it again)"
NO_PAYER_ID = "the payer has no electronic payer ID"


@dataclass(frozen=True, kw_only=True)
class ExportResult:
    """What an export wrote and what it left out, with the reasons."""

    export: ClaimExport | None
    written: int
    skipped: tuple[tuple[str, str], ...]


@transaction.atomic
def claims_export(
    *,
    claims: QuerySet[Claim],
    fmt: str,
    out: BinaryIO,
    user: AbstractBaseUser | None,
    reexport: bool,
    now: datetime,
    destination: str = "",
    export: ClaimExport | None = None,
) -> ExportResult:
    """Write the exportable claims to out, mark them exported, record the export.

    Void claims are never sent; claims exported before are sent again only on
    re-export; an 837P needs each payer's electronic ID. Nothing is written when
    no claim is left; nothing is recorded either, unless a queued ``export``
    (claims_export_start) waits for its result.
    """
    sendable = claims.exclude(status=Claim.Status.VOID)
    if not reexport:
        sendable = sendable.filter(status=Claim.Status.READY)
    if fmt == ClaimExport.Format.X12_837P:
        sendable = sendable.exclude(payer_identifier="")
    left_out = claims.exclude(pk__in=sendable.values("pk")).order_by("pk")
    skipped = [
        (number, _refusal(status, payer_identifier, fmt, reexport))
        for number, status, payer_identifier in left_out.values_list(
            "number", "status", "payer_identifier"
        )
    ]
    count = sendable.count()
    if export is not None:
        export.claim_count = count
        export.skipped = [list(item) for item in skipped]
        export.save(update_fields=["claim_count", "skipped"])
    if not count:
        return ExportResult(export=export, written=0, skipped=tuple(skipped))
    export = export or ClaimExport.objects.create(
        format=fmt,
        created_at=now,
        created_by=user,
        reexport=reexport,
        claim_count=count,
        skipped=[list(item) for item in skipped],
        destination=destination,
    )
    chosen = (
        sendable.select_related("replaces")
        .prefetch_related("lines")
        .order_by("date_of_service", "pk")
    )
    # A chunk of claims at a time: memory stays flat however many are sent.
    rows = chosen.iterator(chunk_size=500)
    digest = hashlib.sha256()
    chunks = _csv(rows) if fmt == ClaimExport.Format.CSV else _x12(rows, export)
    for chunk in chunks:
        data = chunk.encode()
        digest.update(data)
        out.write(data)
    export.sha256 = digest.hexdigest()
    export.save(update_fields=["sha256"])
    # One audit event per patient whose claims left in the file.
    audit_record_many(
        user,
        AuditEvent.Action.EXPORTED,
        subjects=[
            (patient, export)
            for patient in Patient.objects.filter(pk__in=sendable.values("patient"))
        ],
    )
    Claim.objects.filter(pk__in=sendable.values("pk")).update(
        status=Claim.Status.EXPORTED, exported_at=now, exported_by=user, export=export
    )
    return ExportResult(export=export, written=count, skipped=tuple(skipped))


def claims_export_start(
    *,
    claims: QuerySet[Claim],
    fmt: str,
    user: AbstractBaseUser,
    reexport: bool,
    now: datetime,
) -> ClaimExport:
    """Queue an export of these claims for the worker; return its record.

    The ids are stored rather than the filter, so the file holds exactly the
    claims chosen. The admin shows the export's page while it is written.
    """
    export = ClaimExport.objects.create(
        format=fmt,
        status=ClaimExport.Status.QUEUED,
        selection=list(claims.values_list("pk", flat=True)),
        created_at=now,
        created_by=user,
        reexport=reexport,
    )
    transaction.on_commit(lambda: claims_export_build.enqueue(export_id=export.pk))
    return export


@task()
def claims_export_build(*, export_id: int) -> int:
    """Write a queued export's file and mark its claims; return how many it sent.

    A failure leaves the claims as they were and says so on the export's page.
    """
    export = ClaimExport.objects.get(pk=export_id)
    ClaimExport.objects.filter(pk=export_id).update(status=ClaimExport.Status.RUNNING)
    extension = "csv" if export.format == ClaimExport.Format.CSV else "x12"
    try:
        with tempfile.TemporaryFile() as out, transaction.atomic():
            result = claims_export(
                claims=Claim.objects.filter(pk__in=export.selection),
                fmt=export.format,
                out=out,
                user=export.created_by,
                reexport=export.reexport,
                now=export.created_at,
                export=export,
            )
            if result.written:
                out.seek(0)
                export.file.save(
                    f"claims-{export.control_number}.{extension}", File(out), save=False
                )
            export.status = ClaimExport.Status.DONE
            export.save(update_fields=["file", "status"])
    except Exception:
        ClaimExport.objects.filter(pk=export_id).update(
            status=ClaimExport.Status.FAILED
        )
        raise
    return result.written


def _refusal(status: str, payer_identifier: str, fmt: str, reexport: bool) -> str:
    if status == Claim.Status.VOID:
        return VOID_CLAIM
    if status == Claim.Status.EXPORTED and not reexport:
        return ALREADY_EXPORTED
    if fmt == ClaimExport.Format.X12_837P and not payer_identifier:
        return NO_PAYER_ID
    return ""


def _csv(claims: Iterable[Claim]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for claim in claims:
        diagnoses = claim.diagnoses
        for line in claim.lines.all():
            writer.writerow(
                {
                    "claim_number": claim.number,
                    "claim_frequency": claim.frequency,
                    "payer": claim.payer_name,
                    "1a_insured_id": claim.member_id,
                    "2_patient_name": claim.patient_name,
                    "3_patient_birth_date": claim.patient_birth_date.isoformat(),
                    "3_patient_sex": claim.patient_sex,
                    "17_referring_provider": claim.referring_name,
                    "17b_referring_npi": claim.referring_npi,
                    "21_diagnoses": ";".join(
                        f"{DIAGNOSIS_LETTERS[index]}. {code}"
                        for index, code in enumerate(diagnoses)
                    ),
                    "24_line": line.number,
                    "24A_date_of_service": claim.date_of_service.isoformat(),
                    "24B_place_of_service": claim.place_of_service,
                    "24D_cpt": line.code,
                    "24D_modifiers": line.modifiers,
                    "24E_diagnosis_pointer": "".join(
                        DIAGNOSIS_LETTERS[int(digit) - 1]
                        for digit in line.diagnosis_pointers
                    ),
                    "24F_charges": line.charge,
                    "24G_units": line.units,
                    "24J_rendering_npi": claim.rendering_npi,
                    "25_federal_tax_id": claim.billing_tax_id,
                    "33_billing_provider": claim.billing_name,
                    "33a_billing_npi": claim.billing_npi,
                    "expected_payment": line.expected_payment,
                }
            )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _x12(claims: Iterator[Claim], export: ClaimExport) -> Iterator[str]:
    """Yield an 837P interchange, one segment at a time (005010X222A1).

    The export's id is the interchange (ISA13), group (GS06) and batch (BHT03)
    control number, so no two files share one.
    """
    control = export.control_number
    sender = settings.PERFNOTE_X12_SENDER_ID
    receiver = settings.PERFNOTE_X12_RECEIVER_ID
    at = export.created_at
    yield _segment(
        "ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15), "ZZ",
        receiver.ljust(15), f"{at:%y%m%d}", f"{at:%H%M}", "^", "00501", control, "0",
        settings.PERFNOTE_X12_USAGE, ":",
    )  # fmt: skip
    yield _segment("GS", "HC", sender, receiver, f"{at:%Y%m%d}", f"{at:%H%M}", str(export.pk), "X", "005010X222A1")  # fmt: skip
    yield from _transaction(claims, export)
    yield _segment("GE", "1", str(export.pk))
    yield _segment("IEA", "1", control)


def _transaction(claims: Iterator[Claim], export: ClaimExport) -> Iterator[str]:
    at = export.created_at
    first = next(claims)
    segments = [
        ("ST", "837", "0001", "005010X222A1"),
        ("BHT", "0019", "00", str(export.pk), f"{at:%Y%m%d}", f"{at:%H%M}", "CH"),
        ("NM1", "41", "2", _text(first.billing_name), "", "", "", "", "46", settings.PERFNOTE_X12_SENDER_ID),
        ("PER", "IC", _text(first.billing_name), "TE", _digits(first.billing_phone) or "0000000000"),
        ("NM1", "40", "2", _text(settings.PERFNOTE_X12_RECEIVER_NAME), "", "", "", "", "46", settings.PERFNOTE_X12_RECEIVER_ID),
    ]  # fmt: skip
    count = 0
    for segment in segments:
        count += 1
        yield _segment(*segment)
    hl = 0
    for claim in itertools.chain([first], claims):
        for segment in _claim_segments(claim, hl):
            count += 1
            yield _segment(*segment)
        hl += 2
    yield _segment("SE", str(count + 1), "0001")


def _claim_segments(claim: Claim, hl: int) -> Iterator[tuple[str, ...]]:
    """Billing provider, subscriber and claim loops of one claim."""
    address = claim.billing_address
    street = [_text(line) for line in address["street"]][:2]
    yield ("HL", str(hl + 1), "", "20", "1")
    yield ("NM1", "85", "2", _text(claim.billing_name), "", "", "", "", "XX", claim.billing_npi)  # fmt: skip
    yield ("N3", *street)
    yield ("N4", _text(address["city"]), address["state"], address["zip"])
    yield ("REF", "EI", _digits(claim.billing_tax_id))
    yield ("HL", str(hl + 2), str(hl + 1), "22", "0")
    yield ("SBR", "P", "18", "", "", "", "", "", "", FILING_INDICATOR[claim.payer_kind])
    yield ("NM1", "IL", "1", _text(claim.patient_last_name), _text(claim.patient_first_name), "", "", "", "MI", _text(claim.member_id))  # fmt: skip
    yield ("DMG", "D8", f"{claim.patient_birth_date:%Y%m%d}", _sex(claim.patient_sex))
    yield ("NM1", "PR", "2", _text(claim.payer_name), "", "", "", "", "PI", _text(claim.payer_identifier))  # fmt: skip
    yield ("CLM", claim.number, _amount(claim.total_charge), "", "", f"{claim.place_of_service}:B:{claim.frequency}", "Y", "A", "Y", "Y")  # fmt: skip
    if claim.replaces is not None:
        yield ("REF", "F8", claim.replaces.number)
    yield (
        "HI",
        *(
            f"{'ABK' if index == 0 else 'ABF'}:{code.replace('.', '')}"
            for index, code in enumerate(claim.diagnoses)
        ),
    )
    if claim.referring_npi:
        last, first = _split_name(claim.referring_name)
        yield ("NM1", "DN", "1", last, first, "", "", "", "XX", claim.referring_npi)
    yield ("NM1", "82", "1", _text(claim.rendering_last_name), _text(claim.rendering_first_name), "", "", "", "XX", claim.rendering_npi)  # fmt: skip
    for line in claim.lines.all():
        modifiers = [code for code in line.modifiers.split(",") if code]
        yield ("LX", str(line.number))
        yield (
            "SV1",
            ":".join(["HC", line.code, *modifiers]),
            _amount(line.charge),
            "UN",
            str(line.units),
            "",
            "",
            ":".join(line.diagnosis_pointers),
        )
        yield ("DTP", "472", "D8", f"{claim.date_of_service:%Y%m%d}")


def _segment(*elements: str) -> str:
    """Join elements with '*' and end the segment with '~', trailing empties dropped."""
    values = list(elements)
    while values and values[-1] == "":
        values.pop()
    return "*".join(values) + "~\n"


def _text(value: str) -> str:
    """Upper-case text with X12's separators (* ~ : ^) taken out."""
    cleaned = "".join(" " if char in "*~:^\n\r" else char for char in value)
    return " ".join(cleaned.upper().split())


def _digits(value: str) -> str:
    return "".join(char for char in value if char.isdigit())


def _amount(value: Decimal) -> str:
    """X12 decimal (R): no trailing zeros after the point, no point for whole amounts."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _sex(value: str) -> str:
    return {"female": "F", "male": "M"}.get(value, "U")


def _split_name(name: str) -> tuple[str, str]:
    """Split "Jane Q Smith, MD" into ("SMITH", "JANE Q"): a referring provider's name.

    Credentials after a comma are not part of the name (NM103/NM104).
    """
    parts = _text(name.split(",")[0]).split()
    if not parts:
        return "", ""
    return parts[-1], " ".join(parts[:-1])
