"""Compute and store billing decisions; the rules themselves live in billing.rules."""

from django.db import transaction
from django.utils import timezone

from billing import rules

from .models import BillingDecision
from .selectors import session_facts_get


@transaction.atomic
def decision_compute(*, session, now=None):
    """Recompute and store the decision of a draft session; return it.

    Signed sessions keep the decision they were signed with, so this returns
    the stored one unchanged. A patient without a payer has no decision (the
    old one, if any, is removed, since its rate and method no longer apply).
    """
    if not session.is_draft:
        return BillingDecision.objects.filter(session=session).first()
    facts = session_facts_get(session=session)
    if facts is None:
        BillingDecision.objects.filter(session=session).delete()
        return None
    decision = rules.decide(facts)
    stored, _ = BillingDecision.objects.update_or_create(
        session=session,
        defaults={
            "inputs": facts.to_dict(),
            "outputs": decision.to_dict(),
            "qualifies": decision.qualifies,
            "has_blocking_findings": any(
                finding.severity == rules.Severity.BLOCKS
                for finding in decision.findings
            ),
            "units": decision.units,
            "modifiers": ", ".join(decision.modifiers),
            "estimated_payment": decision.estimated_payment,
            "method": decision.method,
            "rules_version": decision.rules_version,
            "computed_at": now or timezone.now(),
        },
    )
    return stored


def patient_decisions_refresh(*, patient, now=None):
    """Recompute the decisions of all the patient's draft sessions, oldest first.

    A session's KX modifier depends on the charges of the patient's earlier
    sessions that year, and every decision depends on the patient's payer, so a
    change to one session or to the patient can change the others.
    """
    drafts = (
        patient.sessions.filter(status="draft")
        .select_related("patient__clinic", "patient__payer", "clinician")
        .prefetch_related("tests", "same_day_services")
        .order_by("started_at")
    )
    for session in drafts:
        decision_compute(session=session, now=now)


def payer_decisions_refresh(*, payer, now=None):
    """Recompute the drafts of every patient of a payer whose rate or method changed."""
    for patient in payer.patients.all():
        patient_decisions_refresh(patient=patient, now=now)
