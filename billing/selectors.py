"""Reads of billing data shaped for pages: the decision panel and its comparison."""

from dataclasses import dataclass, fields, replace
from datetime import date

from billing import rules
from clinic.models import Patient
from clinic.services import patient_values
from clinic.versions import field_values

from .claims import claim_problems
from .models import BillingDecision, Claim, ClinicFee, Coverage, Payer
from .services import FeeInput, PayerInput

COVERAGE_FIELDS = ("payer", "member_id", "starts_on", "ends_on")


@dataclass(frozen=True, kw_only=True)
class MethodOutcome:
    """What one counting method gives for a decision's facts."""

    method: str
    label: str
    decision: rules.Decision
    is_payer_method: bool


@dataclass(frozen=True, kw_only=True)
class DecisionPanel:
    """A stored decision, how every counting method would have counted it, and
    its claim (or why it has none)."""

    decision: BillingDecision
    comparison: tuple[MethodOutcome, ...]
    sessions: int
    claim: Claim | None
    claim_problems: tuple[str, ...]


def day_decision_get(
    *, patient: Patient, date_of_service: date, discipline: str
) -> BillingDecision | None:
    """Return the current decision of a patient's day under a discipline, or None.

    The newest one: a draft that supersedes a final one is the day's current.
    """
    return (
        BillingDecision.objects.filter(
            patient=patient, date_of_service=date_of_service, discipline=discipline
        )
        .order_by("-pk")
        .first()
    )


def method_comparison(*, facts: rules.DayFacts) -> dict[str, rules.Decision]:
    """Return {method: Decision} for every counting method, the payer's own included.

    The session page shows them side by side so a clinician sees why a payer's
    method gives the units it gives.
    """
    return {
        method: rules.decide(replace(facts, method=method)) for method in rules.Method
    }


def decision_panel_get(*, decision: BillingDecision | None) -> DecisionPanel | None:
    """Return what the billing panel shows, or None without a decision or a payer.

    The comparison replays the stored inputs under each counting method, so a
    signed session's panel shows exactly the facts it was signed with.
    """
    if decision is None or decision.payer_id is None:
        return None
    facts = rules.DayFacts.from_dict(decision.inputs)
    labels = dict(Payer.Method.choices)
    comparison = tuple(
        MethodOutcome(
            method=method,
            label=labels[method],
            decision=outcome,
            is_payer_method=method == decision.method,
        )
        for method, outcome in method_comparison(facts=facts).items()
    )
    claim, problems = decision_claim_get(decision=decision)
    return DecisionPanel(
        decision=decision,
        comparison=comparison,
        sessions=len(facts.visits),
        claim=claim,
        claim_problems=problems,
    )


def decision_claim_get(
    *, decision: BillingDecision
) -> tuple[Claim | None, tuple[str, ...]]:
    """Return the decision's claim, or why a final decision has none.

    A draft has neither: its claim is made when every note of the date of
    service is signed. The session page's billing panel and the admin's
    decision page both say this, so billing staff see why a claim is missing.
    """
    claim = Claim.objects.filter(decision=decision).first()
    if claim is not None or decision.is_draft:
        return claim, ()
    return None, tuple(claim_problems(decision=decision))


def patient_version_values(patient: Patient) -> dict[str, object]:
    """Return what a patient's version fingerprints, as their pages and admin edit it.

    Identity and diagnoses, the coverage, and the therapy used elsewhere: one
    version for the chart, since each of its forms saves all of it at once.
    """
    coverage = Coverage.objects.filter(patient=patient).first() or Coverage()
    return {
        **patient_values(patient),
        **field_values(coverage, COVERAGE_FIELDS),
        "therapy used elsewhere": [
            (row.year, row.group, row.amount, row.as_of)
            for row in patient.outside_therapy.order_by("year", "group")
        ],
    }


def payer_version_values(payer: Payer) -> dict[str, object]:
    """Return what a payer's version fingerprints: its fields and its rate table."""
    return {
        **field_values(payer, (field.name for field in fields(PayerInput))),
        "rates": sorted(payer.rates.values_list("code", "expected_payment")),
    }


def fee_version_values(fee: ClinicFee) -> dict[str, object]:
    """Return what a fee's version fingerprints: its code and charge."""
    return field_values(fee, (field.name for field in fields(FeeInput)))
