"""Writes to billing records: payers and their rates, the fee schedule, coverage,
therapy used elsewhere, and the stored billing decisions.

The rules live in billing.rules. A decision covers a patient's date of service
under one discipline and is stored with the documented facts of its visits, so
it can be recomputed here whenever the coverage, the rates or the patient's
signed days change, without reading the documentation again; the documentation
side (assessments) hands those facts in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, QuerySet, Sum
from django.tasks import task
from django.utils import timezone

from billing import rules
from billing.rules.codes import TIMED_CODES, UNTIMED_CODES
from billing.rules.types import DEFAULT_RETEST_INTERVAL_DAYS
from clinic.models import Clinic, Clinician, Patient
from clinic.services import patient_lock
from clinic.versions import stamp

from .claims import claim_make
from .models import (
    BillingDecision,
    ClinicFee,
    Coverage,
    OutsideTherapyAmount,
    Payer,
    PayerRate,
)

PAYER_NAME_TAKEN = "This clinic already has a payer named {name}."
DECISION_NOT_DRAFT = "This billing decision is final; its note is signed."
CODE_LISTED_TWICE = "{code} is listed twice."
UNKNOWN_CODE = "{code} is not a CPT code the billing rules know."


@dataclass(frozen=True, kw_only=True)
class PayerInput:
    """A payer as typed in the admin."""

    name: str
    kind: str
    method: str
    retest_interval_days: int = DEFAULT_RETEST_INTERVAL_DAYS
    payer_identifier: str = ""


@dataclass(frozen=True, kw_only=True)
class RateInput:
    """One row of a payer's rate table."""

    code: str
    expected_payment: Decimal


@dataclass(frozen=True, kw_only=True)
class FeeInput:
    """One row of the clinic's fee schedule."""

    code: str
    charge: Decimal


@dataclass(frozen=True, kw_only=True)
class OutsideAmountInput:
    """Therapy used elsewhere this year, read from the eligibility response."""

    year: int
    group: str
    amount: Decimal
    as_of: date


@dataclass(frozen=True, kw_only=True)
class CoverageInput:
    """A patient's primary coverage as typed on the patient form or in the admin."""

    payer: Payer
    member_id: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


@transaction.atomic
def payer_save(
    *,
    payer: Payer | None,
    clinic: Clinic,
    data: PayerInput,
    editor: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Payer:
    """Create or change a payer of the clinic; recompute the drafts it pays for.

    Draft decisions carry the payer's kind, rates and method; final ones keep the
    values they were signed with. ``editor`` and ``now`` are its new version.
    """
    if payer is None:
        payer = Payer(clinic=clinic)
    payer.name = data.name.strip()
    payer.kind = data.kind
    payer.method = data.method
    payer.retest_interval_days = data.retest_interval_days
    payer.payer_identifier = data.payer_identifier.strip()
    payer.full_clean(validate_constraints=False)
    stamp(payer, editor=editor, now=now or timezone.now())
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
    _payer_drafts_refresh(payer)
    return payer


@transaction.atomic
def payer_rates_set(*, payer: Payer, rates: Sequence[RateInput]) -> None:
    """Replace the payer's rate table and recompute the drafts it pays for."""
    _refuse_repeats(rate.code for rate in rates)
    payer.rates.all().delete()
    PayerRate.objects.bulk_create(
        _checked(
            PayerRate(
                payer=payer,
                code=rate.code.strip(),
                expected_payment=rate.expected_payment,
            )
        )
        for rate in rates
    )
    _payer_drafts_refresh(payer)


@transaction.atomic
def clinic_fee_save(
    *,
    fee: ClinicFee | None,
    clinic: Clinic,
    data: FeeInput,
    editor: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> ClinicFee:
    """Set the clinic's charge for a code; recompute every draft of the clinic.

    ``editor`` and ``now`` are the fee's new version.
    """
    fee = fee or ClinicFee(clinic=clinic)
    code = data.code.strip()
    if fee.code != code:
        _refuse_repeats(
            [code, *clinic.fees.exclude(pk=fee.pk).values_list("code", flat=True)]
        )
    fee.code = code
    fee.charge = data.charge
    fee.full_clean(validate_constraints=False)
    stamp(fee, editor=editor, now=now or timezone.now())
    fee.save()
    _clinic_drafts_refresh(clinic)
    return fee


@transaction.atomic
def clinic_fees_delete(*, clinic: Clinic, fees: QuerySet[ClinicFee]) -> None:
    """Remove codes from the clinic's fee schedule; recompute its drafts."""
    fees.filter(clinic=clinic).delete()
    _clinic_drafts_refresh(clinic)


@transaction.atomic
def outside_amounts_set(
    *, patient: Patient, amounts: Sequence[OutsideAmountInput]
) -> None:
    """Replace the patient's therapy amounts used elsewhere; recompute their drafts."""
    patient_lock(patient=patient)
    patient.outside_therapy.all().delete()
    OutsideTherapyAmount.objects.bulk_create(
        _checked(
            OutsideTherapyAmount(
                patient=patient,
                year=amount.year,
                group=amount.group,
                amount=amount.amount,
                as_of=amount.as_of,
            )
        )
        for amount in amounts
    )
    patient_decisions_refresh(patient=patient)


@transaction.atomic
def coverage_save(*, patient: Patient, data: CoverageInput | None) -> Coverage | None:
    """Set the patient's primary coverage (None removes it); recompute their drafts.

    Every draft decision of the patient depends on who pays, so each is
    recomputed here, whichever page or command changed the coverage.
    """
    patient_lock(patient=patient)
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
def day_decision_record(
    *,
    patient: Patient,
    date_of_service: date,
    discipline: str,
    visits: Sequence[tuple[Clinician, rules.VisitFacts]],
    now: datetime | None = None,
) -> BillingDecision | None:
    """Store the documented visits of a patient's date of service and decide it.

    visits are every session of the patient that day under the discipline, in
    time order, each with its rendering clinician; units are counted over all of
    them (CMS Pub. 100-04 Ch. 5 §20.2). A day with no visits left loses its draft
    decision. A day whose decision is final gets a new draft that supersedes it:
    a final decision never changes.
    """
    now = now or timezone.now()
    current = (
        BillingDecision.objects.select_for_update()
        .filter(patient=patient, date_of_service=date_of_service, discipline=discipline)
        .order_by("-pk")
        .first()
    )
    if not visits:
        if current is not None and current.is_draft:
            current.delete()
        return None
    if current is None or not current.is_draft:
        current = BillingDecision(
            patient=patient,
            date_of_service=date_of_service,
            discipline=discipline,
            supersedes=current,
        )
    clinician, first = visits[0]
    current.rendering_clinician = clinician
    current.service_start = first.session_start
    current.inputs = _visits_snapshot(
        date_of_service, discipline, [visit for _, visit in visits]
    )
    coverage = Coverage.objects.filter(patient=patient).select_related("payer").first()
    _decide(current, coverage, now)
    return current


@transaction.atomic
def decision_finalize(*, decision: BillingDecision, now: datetime) -> BillingDecision:
    """Recompute a draft decision one last time and freeze it: its notes are signed.

    Its claim is made now, frozen (billing.claims.claim_make), when one can be.
    The patient's later drafts are recomputed: what counts toward KX, and when
    97750 was last billed, are read from final decisions.
    """
    if not decision.is_draft:
        raise ValidationError(DECISION_NOT_DRAFT)
    coverage = Coverage.objects.filter(patient=decision.patient_id).first()
    _decide(decision, coverage, now)
    decision.status = BillingDecision.Status.FINAL
    decision.save(update_fields=["status"])
    claim_make(decision=decision, now=now)
    patient_decisions_refresh(
        patient=decision.patient, now=now, after=decision.date_of_service
    )
    return decision


@transaction.atomic
def patient_decisions_refresh(
    *, patient: Patient, now: datetime | None = None, after: date | None = None
) -> None:
    """Recompute the patient's draft decisions (only those after a date, if given).

    Each draft's facts are the visits stored with it; the payer, the rates, the
    fees and the final decisions before it are read afresh. The drafts are locked
    as they are read: a decision signed at the same moment is either finished
    first (and, final, no longer read as a draft) or waits, so the recompute
    never writes to a decision the database has locked. The patient is locked
    first, as every writer to their billing does (clinic.services.patient_lock).
    """
    patient_lock(patient=patient)
    coverage = Coverage.objects.filter(patient=patient).select_related("payer").first()
    drafts = patient.billing_decisions.select_for_update().filter(
        status=BillingDecision.Status.DRAFT
    )
    if after is not None:
        drafts = drafts.filter(date_of_service__gt=after)
    for decision in drafts.order_by("date_of_service", "pk"):
        _decide(decision, coverage, now or timezone.now())


@task()
def drafts_recompute(*, patient_ids: list[int]) -> int:
    """Recompute the draft decisions of these patients; return how many patients.

    A payer's or the clinic's change touches every draft of many patients, so it
    runs as a task (`manage.py db_worker`), not inside the admin's request.
    """
    for patient in Patient.objects.filter(pk__in=patient_ids):
        patient_decisions_refresh(patient=patient)
    return len(patient_ids)


def _drafts_recompute_later(patients: QuerySet[Patient]) -> None:
    """Queue the recompute of these patients' drafts, with this transaction."""
    ids = list(patients.values_list("pk", flat=True))
    if ids:
        drafts_recompute.enqueue(patient_ids=ids)


def _clinic_drafts_refresh(clinic: Clinic) -> None:
    drafts = BillingDecision.objects.filter(
        patient__clinic=clinic, status=BillingDecision.Status.DRAFT
    )
    _drafts_recompute_later(Patient.objects.filter(pk__in=drafts.values("patient")))


def _payer_drafts_refresh(payer: Payer) -> None:
    _drafts_recompute_later(Patient.objects.filter(coverage__payer=payer))


def _refuse_repeats(codes: Iterable[str]) -> None:
    """Refuse a code the rules do not know, or one listed twice."""
    seen = set()
    for code in (code.strip() for code in codes):
        if code not in TIMED_CODES | UNTIMED_CODES:
            raise ValidationError({"code": UNKNOWN_CODE.format(code=code)})
        if code in seen:
            raise ValidationError({"code": CODE_LISTED_TWICE.format(code=code)})
        seen.add(code)


def _checked[M: Model](row: M) -> M:
    row.full_clean(exclude=["payer", "clinic", "patient"], validate_constraints=False)
    return row


def _visits_snapshot(
    day: date, discipline: str, visits: Sequence[rules.VisitFacts]
) -> dict[str, Any]:
    return {
        "date_of_service": day.isoformat(),
        "discipline": discipline,
        "visits": [visit.to_dict() for visit in visits],
    }


def _decide(
    decision: BillingDecision, coverage: Coverage | None, now: datetime
) -> None:
    """Run the rules on the decision's stored visits and the payer that covers it."""
    visits = decision.visits()
    day = decision.date_of_service
    decision.computed_at = now
    if coverage is None or not coverage.covers(day):
        _no_payer(decision, visits)
        return
    payer = coverage.payer
    facts = rules.DayFacts(
        date_of_service=day,
        discipline=decision.discipline,
        visits=visits,
        payer_kind=payer.kind,
        method=payer.method,
        rates=tuple(payer.rates.values_list("code", "expected_payment")),
        fees=tuple(
            ClinicFee.objects.filter(clinic=payer.clinic_id).values_list(
                "code", "charge"
            )
        ),
        kx_prior_amount=_kx_prior_amount(decision),
        retest_interval_days=payer.retest_interval_days,
        previous_testing_on=_previous_testing_on(decision),
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
    decision.charge = outcome.charge
    decision.expected_payment = outcome.expected_payment
    decision.method = outcome.method
    decision.rules_version = outcome.rules_version
    decision.save()


def _no_payer(decision: BillingDecision, visits: Sequence[rules.VisitFacts]) -> None:
    """Store a decision with nobody to bill: not billable, and nothing computed."""
    decision.payer = None
    decision.inputs = _visits_snapshot(
        decision.date_of_service, decision.discipline, visits
    )
    decision.outputs = {}
    decision.qualifies = False
    decision.has_blocking_findings = False
    decision.units = 0
    decision.modifiers = ""
    decision.charge = Decimal("0.00")
    decision.expected_payment = Decimal("0.00")
    decision.method = ""
    decision.rules_version = rules.RULES_VERSION
    decision.save()


def _signed_before(decision: BillingDecision) -> QuerySet[BillingDecision]:
    """Return the patient's final decisions before the decision's date, still in force.

    A final decision that a later final one supersedes no longer counts.
    """
    return (
        BillingDecision.objects.filter(
            patient=decision.patient_id,
            status=BillingDecision.Status.FINAL,
            date_of_service__lt=decision.date_of_service,
        )
        .exclude(superseded_by__status=BillingDecision.Status.FINAL)
        .exclude(pk=decision.pk)
    )


def _kx_prior_amount(decision: BillingDecision) -> Decimal:
    """Return what counts toward this year's KX threshold before the decision's date.

    The allowed amounts (expected payments) of the patient's signed Medicare
    therapy in the same threshold group this calendar year, plus what the clinic
    recorded from the eligibility response for other providers (BBA 2018 §50202).
    """
    year = decision.date_of_service.year
    signed = (
        _signed_before(decision)
        .filter(
            discipline=decision.discipline,
            date_of_service__year=year,
            payer__kind=Payer.Kind.MEDICARE,
        )
        .aggregate(total=Sum("expected_payment"))["total"]
    )
    elsewhere = OutsideTherapyAmount.objects.filter(
        patient=decision.patient_id, year=year, group=decision.discipline
    ).aggregate(total=Sum("amount"))["total"]
    return (signed or Decimal("0.00")) + (elsewhere or Decimal("0.00"))


def _previous_testing_on(decision: BillingDecision) -> date | None:
    """Return the patient's latest earlier date with signed, billed 97750 testing."""
    return (
        _signed_before(decision)
        .filter(qualifies=True, units__gt=0)
        .aggregate(latest=Max("date_of_service"))["latest"]
    )
