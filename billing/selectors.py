"""Turn stored sessions into the plain facts the rules engine reads."""

import zoneinfo
from dataclasses import replace
from decimal import Decimal

from django.db.models import Sum

from billing import rules

from .models import BillingDecision, Payer


def date_of_service(session):
    """Return the session's date in its clinic's time zone, as printed on the claim."""
    zone = zoneinfo.ZoneInfo(session.patient.clinic.time_zone)
    return session.started_at.astimezone(zone).date()


def year_to_date_charges(session, day):
    """Return the patient's estimated 97750 charges earlier in the session's year.

    Only charges Perfnote knows are counted: the stored decisions of the patient's
    earlier sessions in the same calendar year (DOMAIN.md §4.2, KX threshold).
    """
    total = BillingDecision.objects.filter(
        session__patient=session.patient,
        session__started_at__lt=session.started_at,
        session__started_at__year=day.year,
    ).aggregate(total=Sum("estimated_payment"))["total"]
    return total or Decimal("0.00")


def session_facts_get(*, session):
    """Return the rules.SessionFacts of a session, or None if its patient has no payer."""
    payer = session.patient.payer
    if payer is None:
        return None
    clinician = session.clinician
    day = date_of_service(session)
    tests = tuple(
        rules.TestFacts(
            name=test.test.name,
            catalog_code=test.catalog_code,
            performer_role=clinician.role,
            started_at=test.started_at,
            ended_at=test.ended_at,
            has_result=test.has_result,
            routine_measure=test.test.routine_measure,
        )
        for test in session.tests.all()
    )
    services = tuple(
        rules.OtherService(code=service.code, minutes=service.minutes)
        for service in session.same_day_services.all()
    )
    return rules.SessionFacts(
        date_of_service=day,
        session_start=session.started_at,
        session_end=session.ended_at,
        discipline=session.discipline,
        tests=tests,
        other_services=services,
        has_interpretation=bool(session.interpretation.strip()),
        signer_has_credentials=bool(clinician.credentials.strip()),
        payer_kind=payer.kind,
        method=payer.method,
        rate=payer.rate_97750,
        year_to_date_charges=year_to_date_charges(session, day),
    )


def method_comparison(facts):
    """Return {method: Decision} for every counting method, the payer's own included.

    The session page shows them side by side so a clinician sees why a payer's
    method gives the units it gives.
    """
    return {
        method: rules.decide(replace(facts, method=method)) for method in rules.Method
    }


def decision_panel_get(*, session):
    """Return what the session page's billing panel shows, or None without a decision.

    The comparison replays the stored inputs under each counting method, so a
    signed session's panel shows exactly the facts it was signed with.
    """
    decision = BillingDecision.objects.filter(session=session).first()
    if decision is None:
        return None
    facts = rules.SessionFacts.from_dict(decision.inputs)
    labels = dict(Payer.Method.choices)
    comparison = [
        {
            "method": method,
            "label": labels[method],
            "decision": outcome,
            "is_payer_method": method == decision.method,
        }
        for method, outcome in method_comparison(facts).items()
    ]
    return {"decision": decision, "comparison": comparison}
