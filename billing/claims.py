"""Claims: made from a final decision, frozen, then exported, and voided when
a corrected claim replaces them.

A claim copies, when the day's last note is signed, everything a CMS-1500 or
an 837P needs, so what was sent can always be shown. What only the
documentation knows (the plan of care's diagnoses and referring provider) comes
from the visit facts stored with the decision; the patient's own diagnoses
stand in when the plan lists none.
"""

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from clinic.models import Patient

from .models import BillingDecision, Claim, ClaimLine, Coverage

# A claim lists up to 12 diagnoses (CMS-1500 item 21, A-L); a line points at
# up to 4 of them (item 24E).
MAX_DIAGNOSES = 12
MAX_POINTERS = 4
OFFICE = "11"  # place of service: office (CMS place of service code set)

NO_PAYER = "no payer covers the date of service"
NO_MEMBER_ID = "the patient's coverage has no member ID"
NO_CLINIC_NPI = "the clinic has no NPI"
NO_TAX_ID = "the clinic has no federal tax ID"
NO_CLINICIAN_NPI = "the rendering clinician has no NPI"
NO_DIAGNOSIS = "neither the plan of care nor the patient has a diagnosis"
NOTHING_BILLED = "nothing is billed for the date of service"
BAD_ADDRESS = "the clinic's address does not end with a 'City, ST 12345' line"
NOT_FINAL = "A claim is made only from a final decision: every note of the day signed."

_CITY_LINE = re.compile(
    r"^(?P<city>.+?),\s*(?P<state>[A-Z]{2})\s+(?P<zip>\d{5}(-?\d{4})?)$"
)


@dataclass(frozen=True, kw_only=True)
class ClaimInput:
    """What the documentation says for the claim: diagnoses and referring provider.

    diagnoses are ICD-10-CM codes in order, the primary first.
    """

    diagnoses: tuple[str, ...]
    referring_name: str = ""
    referring_npi: str = ""


def claim_input_get(*, decision: BillingDecision) -> ClaimInput:
    """Return the day's plan of care's diagnoses and referrer, or the patient's."""
    plans = [visit.plan for visit in decision.visits() if visit.plan]
    plan = plans[0] if plans else None
    diagnoses = plan.diagnoses if plan else ()
    if not diagnoses:
        diagnoses = tuple(decision.patient.diagnoses.values_list("code", flat=True))
    return ClaimInput(
        diagnoses=diagnoses,
        referring_name=plan.referring_name if plan else "",
        referring_npi=plan.referring_npi if plan else "",
    )


def claim_problems(*, decision: BillingDecision) -> list[str]:
    """Return why no claim can be made for the decision; empty when one can."""
    data = claim_input_get(decision=decision)
    problems = []
    coverage = Coverage.objects.filter(patient=decision.patient_id).first()
    clinic = decision.patient.clinic
    if decision.payer_id is None:
        problems.append(NO_PAYER)
    elif coverage is None or not coverage.member_id:
        problems.append(NO_MEMBER_ID)
    if not clinic.npi:
        problems.append(NO_CLINIC_NPI)
    if not clinic.tax_id:
        problems.append(NO_TAX_ID)
    if _address(clinic.address) is None:
        problems.append(BAD_ADDRESS)
    if not decision.rendering_clinician.npi:
        problems.append(NO_CLINICIAN_NPI)
    if not data.diagnoses:
        problems.append(NO_DIAGNOSIS)
    if not decision.lines:
        problems.append(NOTHING_BILLED)
    return problems


@transaction.atomic
def claim_make(*, decision: BillingDecision, now: datetime) -> Claim | None:
    """Make the claim of a final decision; None when it cannot be made.

    A decision that supersedes one with a claim voids that claim and makes a
    replacement (frequency 7) that names it; nothing is edited in place.
    """
    if decision.is_draft:
        raise ValidationError(NOT_FINAL)
    existing = Claim.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    if claim_problems(decision=decision):
        return None
    data = claim_input_get(decision=decision)
    replaced = _active_claim_before(decision)
    if replaced is not None:
        claim_void(claim=replaced, now=now)
    claim = _claim_row(decision, data, now, replaced)
    claim.save()
    pointers = "".join(
        str(number) for number in range(1, min(len(claim.diagnoses), MAX_POINTERS) + 1)
    )
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim,
            number=number,
            code=line["code"],
            modifiers=",".join(line["modifiers"]),
            diagnosis_pointers=pointers,
            units=line["units"],
            charge=line["charge"],
            expected_payment=line["expected_payment"],
        )
        for number, line in enumerate(decision.lines, start=1)
    )
    return claim


def claim_void(*, claim: Claim, now: datetime) -> Claim:
    """Void a claim; it stays on record, and only its status and time change."""
    claim.status = Claim.Status.VOID
    claim.voided_at = now
    claim.save(update_fields=["status", "voided_at"])
    return claim


def _active_claim_before(decision: BillingDecision) -> Claim | None:
    """Return the live claim of the final decision this one supersedes, if any."""
    replaced = decision.supersedes
    while replaced is not None:
        claim = Claim.objects.filter(decision=replaced).first()
        if claim is not None:
            return None if claim.status == Claim.Status.VOID else claim
        replaced = replaced.supersedes
    return None


def _claim_row(
    decision: BillingDecision, data: ClaimInput, now: datetime, replaced: Claim | None
) -> Claim:
    patient: Patient = decision.patient
    clinic = patient.clinic
    clinician = decision.rendering_clinician
    payer = decision.payer
    lines = decision.lines
    return Claim(
        number=f"PN{decision.pk:08d}",
        decision=decision,
        replaces=replaced,
        frequency=Claim.Frequency.REPLACEMENT if replaced else Claim.Frequency.ORIGINAL,
        status=Claim.Status.READY,
        patient=patient,
        payer=payer,
        rendering_clinician=clinician,
        date_of_service=decision.date_of_service,
        discipline=decision.discipline,
        payer_name=payer.name,
        payer_identifier=payer.payer_identifier,
        payer_kind=payer.kind,
        member_id=patient.coverage.member_id,
        patient_last_name=patient.last_name,
        patient_first_name=patient.first_name,
        patient_birth_date=patient.date_of_birth,
        patient_sex=patient.sex,
        diagnoses=list(data.diagnoses[:MAX_DIAGNOSES]),
        place_of_service=OFFICE,
        rendering_last_name=clinician.user.last_name,
        rendering_first_name=clinician.user.first_name,
        rendering_npi=clinician.npi,
        billing_name=clinic.name,
        billing_npi=clinic.npi,
        billing_tax_id=clinic.tax_id,
        billing_address=_address(clinic.address),
        billing_phone=clinic.phone,
        referring_name=data.referring_name,
        referring_npi=data.referring_npi,
        total_charge=_total(lines, "charge"),
        total_expected_payment=_total(lines, "expected_payment"),
        created_at=now,
    )


def _total(lines: list[dict[str, object]], key: str) -> Decimal:
    return sum((Decimal(str(line[key])) for line in lines), Decimal("0.00"))


def _address(text: str) -> dict[str, object] | None:
    """Split the clinic's printed address into street lines, city, state and ZIP."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    match = _CITY_LINE.match(lines[-1])
    if match is None:
        return None
    return {
        "street": lines[:-1],
        "city": match["city"],
        "state": match["state"],
        "zip": match["zip"].replace("-", ""),
    }
