"""Claim lines for the billing office: one CSV row per billed CPT code of a day."""

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
    "expected_payment",
    "rendering_clinician",
    "rendering_npi",
    "icd10_codes",
]


def claim_lines(*, decision: BillingDecision) -> list[dict[str, str | int]]:
    """Return the claim lines of a stored decision: none when 97750 is not billable.

    One line per billed code of the date of service (97750 and the day's other
    codes). Units, modifiers, the charge (the clinic's fee schedule) and the
    expected payment (the payer's rate table) come from the stored decision, so
    the lines match what the clinician saw and signed.
    """
    if not decision.qualifies or decision.units == 0:
        return []
    patient = decision.patient
    clinician = decision.rendering_clinician
    coverage = getattr(patient, "coverage", None)
    shared = {
        "date_of_service": decision.date_of_service.isoformat(),
        "patient": patient.last_first,
        "mrn": patient.mrn,
        "payer": decision.payer.name,
        "member_id": coverage.member_id if coverage else "",
        "rendering_clinician": str(clinician),
        "rendering_npi": clinician.npi,
        "icd10_codes": ";".join(d.code for d in patient.diagnoses.all()),
    }
    return [
        {
            **shared,
            "cpt": line["code"],
            "modifiers": ",".join(line["modifiers"]),
            "units": line["units"],
            "charge": line["charge"],
            "expected_payment": line["expected_payment"],
        }
        for line in decision.lines
    ]


def claims_csv(*, lines: Iterable[Mapping[str, str | int]]) -> str:
    """Return the CSV text of claim lines, header first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CLAIM_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(lines)
    return buffer.getvalue()
