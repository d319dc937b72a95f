"""Writes to billing records: payers, coverage and the stored billing decisions.

The rules live in billing.rules. A decision is stored with the documented facts
of its visit, so it can be recomputed here whenever the coverage, the payer's
rate or the patient's earlier charges change, without reading the documentation
again; the documentation side (assessments) hands those facts in.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from billing import rules
from clinic.models import Clinic, Clinician, Patient

from .models import BillingDecision, Coverage, Payer

PAYER_NAME_TAKEN = "This clinic already has a payer named {name}."
DECISION_NOT_DRAFT = "This billing decision is final; its note is signed."


@dataclass(frozen=True, kw_only=True)
class PayerInput:
    """A payer as typed in the admin."""

    name: str
    kind: str
    rate_97750: Decimal
    method: str


@dataclass(frozen=True, kw_only=True)
class CoverageInput:
    """A patient's primary coverage as typed on the patient form or in the admin."""

    payer: Payer
    member_id: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


@transaction.atomic
def payer_save(*, payer: Payer | None, clinic: Clinic, data: PayerInput) -> Payer:
    """Create or change a payer of the clinic; recompute the drafts it pays for.

    Draft decisions carry the payer's kind, rate and method; final ones keep the
    values they were signed with.
    """
    if payer is None:
        payer = Payer(clinic=clinic)
    payer.name = data.name.strip()
    payer.kind = data.kind
    payer.rate_97750 = data.rate_97750
    payer.method = data.method
    payer.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            payer.save()
    except IntegrityError as exc:
        # SQLite's message names the columns, not the constraint: look the name up.
        namesakes = Payer.objects.filter(clinic=payer.clinic_id, name=payer.name)
        if not namesakes.exclude(pk=payer.pk).exists():
            raise
        raise ValidationError(
            {"name": PAYER_NAME_TAKEN.format(name=payer.name)}
        ) from exc
    for coverage in payer.coverages.select_related("patient"):
        patient_decisions_refresh(patient=coverage.patient)
    return payer


@transaction.atomic
def coverage_save(*, patient: Patient, data: CoverageInput | None) -> Coverage | None:
    """Set the patient's primary coverage (None removes it); recompute their drafts.

    Every draft decision of the patient depends on who pays, so each is
    recomputed here, whichever page or command changed the coverage.
    """
    coverage = Coverage.objects.filter(patient=patient).first()
    if data is None:
        if coverage is not None:
            coverage.delete()
            coverage = None
    else:
        coverage = coverage or Coverage(patient=patient)
        coverage.payer = data.payer
        coverage.member_id = data.member_id.strip()
        coverage.starts_on = data.starts_on
        coverage.ends_on = data.ends_on
        coverage.full_clean(validate_constraints=False)
        coverage.save()
    patient_decisions_refresh(patient=patient)
    return coverage


@transaction.atomic
def decision_record(
    *,
    decision: BillingDecision | None,
    patient: Patient,
    clinician: Clinician,
    visit: rules.VisitFacts,
    now: datetime | None = None,
) -> BillingDecision:
    """Store a draft visit's documented facts and return its recomputed decision.

    The patient's later drafts are recomputed too: their KX modifier depends on
    the charges before them that year.
    """
    if decision is None:
        decision = BillingDecision(patient=patient)
    elif not decision.is_draft:
        raise ValidationError(DECISION_NOT_DRAFT)
    decision.rendering_clinician = clinician
    decision.date_of_service = visit.date_of_service
    decision.service_start = visit.session_start
    decision.inputs = visit.to_dict()
    decision.computed_at = now or timezone.now()
    decision.save()
    patient_decisions_refresh(patient=patient, now=now)
    decision.refresh_from_db()
    return decision


@transaction.atomic
def decision_finalize(*, decision: BillingDecision, now: datetime) -> BillingDecision:
    """Recompute a draft decision one last time and freeze it: its note is signed."""
    if not decision.is_draft:
        raise ValidationError(DECISION_NOT_DRAFT)
    coverage = Coverage.objects.filter(patient=decision.patient_id).first()
    _decide(decision, coverage, now)
    decision.status = BillingDecision.Status.FINAL
    decision.save(update_fields=["status"])
    return decision


def decision_delete(*, decision: BillingDecision) -> None:
    """Delete a draft decision whose visit was deleted; final ones stay on record."""
    if not decision.is_draft:
        raise ValidationError(DECISION_NOT_DRAFT)
    decision.delete()


def patient_decisions_refresh(*, patient: Patient, now: datetime | None = None) -> None:
    """Recompute every draft decision of the patient, oldest first.

    Oldest first because each decision's year-to-date charges are the payments
    of the decisions before it.
    """
    coverage = Coverage.objects.filter(patient=patient).select_related("payer").first()
    drafts = patient.billing_decisions.filter(
        status=BillingDecision.Status.DRAFT
    ).order_by("service_start", "pk")
    for decision in drafts:
        _decide(decision, coverage, now or timezone.now())


def _decide(
    decision: BillingDecision, coverage: Coverage | None, now: datetime
) -> None:
    """Run the rules on the decision's stored visit and the payer that covers it."""
    visit = rules.VisitFacts.from_dict(decision.inputs)
    decision.computed_at = now
    if coverage is None or not coverage.covers(visit.date_of_service):
        _no_payer(decision, visit)
        return
    payer = coverage.payer
    facts = rules.SessionFacts.from_visit(
        visit,
        payer_kind=payer.kind,
        method=payer.method,
        rate=payer.rate_97750,
        year_to_date_charges=_year_to_date_charges(decision),
    )
    outcome = rules.decide(facts)
    decision.payer = payer
    decision.inputs = facts.to_dict()
    decision.outputs = outcome.to_dict()
    decision.qualifies = outcome.qualifies
    decision.has_blocking_findings = any(
        finding.severity == rules.Severity.BLOCKS for finding in outcome.findings
    )
    decision.units = outcome.units
    decision.modifiers = ", ".join(outcome.modifiers)
    decision.estimated_payment = outcome.estimated_payment
    decision.method = outcome.method
    decision.rules_version = outcome.rules_version
    decision.save()


def _no_payer(decision: BillingDecision, visit: rules.VisitFacts) -> None:
    """Store a decision with nobody to bill: not billable, and nothing computed."""
    decision.payer = None
    decision.inputs = visit.to_dict()
    decision.outputs = {}
    decision.qualifies = False
    decision.has_blocking_findings = False
    decision.units = 0
    decision.modifiers = ""
    decision.estimated_payment = Decimal("0.00")
    decision.method = ""
    decision.rules_version = rules.RULES_VERSION
    decision.save()


def _year_to_date_charges(decision: BillingDecision) -> Decimal:
    """Return the patient's estimated 97750 payments earlier in the decision's year.

    Only charges Perfnote knows are counted: the stored decisions of the patient's
    earlier visits in the same calendar year (KX threshold, BBA 2018 §50202).
    """
    total = BillingDecision.objects.filter(
        patient=decision.patient_id,
        service_start__lt=decision.service_start,
        date_of_service__year=decision.date_of_service.year,
    ).aggregate(total=Sum("estimated_payment"))["total"]
    return total or Decimal("0.00")
