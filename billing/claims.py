"""Claim lines for the billing office: one CSV row per billable 97750 session."""

import csv
import io
from collections.abc import Iterable, Mapping

from .models import BillingDecision

CLAIM_COLUMNS = [
    "date_of_service",
    "patient",
    "mrn",
    "payer",
    "member_id",
    "cpt",
    "modifiers",
    "units",
    "charge",
    "rendering_clinician",
    "rendering_npi",
    "icd10_codes",
]


def claim_line(*, decision: BillingDecision) -> dict[str, str | int] | None:
    """Return the claim line of a stored decision, or None when it is not billable.

    The date of service, units, modifiers and charge come from the stored
    decision, so the line matches what the clinician saw and signed.
    """
    if not decision.qualifies or decision.units == 0:
        return None
    patient = decision.patient
    clinician = decision.rendering_clinician
    coverage = getattr(patient, "coverage", None)
    return {
        "date_of_service": decision.date_of_service.isoformat(),
        "patient": patient.last_first,
        "mrn": patient.mrn,
        "payer": decision.payer.name,
        "member_id": coverage.member_id if coverage else "",
        "cpt": "97750",
        "modifiers": decision.modifiers.replace(" ", ""),
        "units": decision.units,
        "charge": f"{decision.estimated_payment:.2f}",
        "rendering_clinician": str(clinician),
        "rendering_npi": clinician.npi,
        "icd10_codes": ";".join(d.code for d in patient.diagnoses.all()),
    }


def claims_csv(*, lines: Iterable[Mapping[str, str | int]]) -> str:
    """Return the CSV text of claim lines, header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CLAIM_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(lines)
    return buffer.getvalue()
