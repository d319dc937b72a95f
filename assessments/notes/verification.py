"""Check a sealed note someone holds: is the seal intact, whose, and is it on record?"""

from dataclasses import dataclass

from assessments.models import NoteVersion
from clinic.clock import TWENTY_FOUR_HOUR
from clinic.models import Clinic

from . import sealing

NOT_ON_RECORD = "No note with this document id is on record."
DIFFERS_FROM_RECORD = (
    "A note with this document id is on record, but this file is not that note."
)
SEALED_BY_ANOTHER_CLINIC = (
    "This note is on record at another clinic than the one whose certificate sealed it."
)


@dataclass(frozen=True)
class Verification:
    """The seal check plus whether the file is, byte for byte, a note on record.

    A note on record must also have been sealed by its own clinic's
    certificate: a note of one clinic carrying another clinic's seal is not
    verified, whatever the record holds.
    """

    seal: sealing.SealCheck
    on_record: bool
    record_problem: str
    # The sealing clinic's zone and time format, to show the signing time as
    # its note prints it; UTC and 24-hour for a file that is not on record.
    time_zone: str = "UTC"
    time_format: str = TWENTY_FOUR_HOUR

    @property
    def ok(self) -> bool:
        return (
            self.seal.intact
            and self.seal.trusted
            and self.on_record
            and not self.record_problem
        )

    @property
    def problems(self) -> list[str]:
        return [
            problem for problem in (self.seal.problem, self.record_problem) if problem
        ]


def note_verify(*, pdf: bytes) -> Verification:
    """Return the verification of uploaded PDF bytes; never raises on bad input."""
    seal = sealing.check_seal(pdf, clinics=Clinic.objects.all())
    version = None
    if seal.document_id:
        version = (
            NoteVersion.objects.select_related("session__patient__clinic")
            .filter(document_id=seal.document_id)
            .first()
        )
    if version is None:
        return Verification(seal=seal, on_record=False, record_problem=NOT_ON_RECORD)
    if version.sha256 != seal.sha256:
        return Verification(
            seal=seal, on_record=False, record_problem=DIFFERS_FROM_RECORD
        )
    if seal.trusted and seal.sealed_by_clinic_id != version.session.patient.clinic_id:
        return Verification(
            seal=seal, on_record=True, record_problem=SEALED_BY_ANOTHER_CLINIC
        )
    clinic = version.session.patient.clinic
    return Verification(
        seal=seal,
        on_record=True,
        record_problem="",
        time_zone=clinic.time_zone,
        time_format=clinic.time_format,
    )
