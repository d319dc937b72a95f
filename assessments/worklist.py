"""Reads for the home page: a clinician's worklist and the front office's queues.

Every list is of one clinic and is paged by the view; each is one query for
its page and one for its count, whatever the clinic holds.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Max, QuerySet
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingDecision, Claim
from clinic.models import Clinic, Clinician, Patient

from .models import TestSession


def my_drafts(*, clinician: Clinician) -> QuerySet[TestSession]:
    """Return the clinician's unsigned sessions, oldest first: the most overdue on top.

    Notes are expected within days of the visit, so the oldest draft is the
    one to finish first.
    """
    return (
        TestSession.objects.filter(clinician=clinician, status=TestSession.Status.DRAFT)
        .select_related("patient")
        .order_by("started_at", "pk")
    )


def day_bounds(*, now: datetime) -> tuple[datetime, datetime]:
    """Return the start of today and of tomorrow in the active (clinic) time zone.

    "Today" is the clinic's day, not the server's (UTC) nor the device's: a
    session at 7 pm in Chicago is today's there, though it is tomorrow in UTC.
    """
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.combine(today, time.min))
    end = timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    return start, end


def todays_sessions(*, clinic: Clinic, now: datetime) -> QuerySet[TestSession]:
    """Return the clinic's sessions of today (clinic time zone), in time order."""
    start, end = day_bounds(now=now)
    return (
        TestSession.objects.filter(
            patient__clinic=clinic, started_at__gte=start, started_at__lt=end
        )
        .select_related("patient", "clinician__user")
        .order_by("started_at", "pk")
    )


def recent_patients(*, clinician: Clinician) -> QuerySet[Patient]:
    """Return the patients this clinician tested, the most recently seen first."""
    return (
        Patient.objects.filter(
            clinic_id=clinician.clinic_id, sessions__clinician=clinician
        )
        .annotate(last_seen_at=Max("sessions__started_at"))
        .order_by("-last_seen_at", "pk")
    )


@dataclass(frozen=True)
class Queue:
    """One of the front office's review queues: how many wait, and where."""

    title: str
    help: str
    count: int
    url: str


def admin_queues(*, clinic: Clinic) -> list[Queue]:
    """Return the clinic's review queues, each a filtered admin list."""
    sessions = TestSession.objects.filter(patient__clinic=clinic)
    decisions = BillingDecision.objects.filter(patient__clinic=clinic)
    claims = Claim.objects.filter(patient__clinic=clinic)
    return [
        Queue(
            title="Sessions awaiting signature",
            help="Draft notes; their clinician signs them.",
            count=sessions.filter(status=TestSession.Status.DRAFT).count(),
            url=_admin_list("assessments_testsession", "status__exact=draft"),
        ),
        Queue(
            title="Draft billing decisions",
            help="Days of service with an unsigned note.",
            count=decisions.filter(status=BillingDecision.Status.DRAFT).count(),
            url=_admin_list("billing_billingdecision", "status__exact=draft"),
        ),
        Queue(
            title="Drafts that cannot be billed",
            help="Findings stop 97750 before the note is signed; each says why.",
            count=decisions.filter(
                status=BillingDecision.Status.DRAFT, has_blocking_findings=True
            ).count(),
            url=_admin_list(
                "billing_billingdecision",
                "has_blocking_findings__exact=1&status__exact=draft",
            ),
        ),
        Queue(
            title="Claims ready to export",
            help="Made from signed notes, not yet sent.",
            count=claims.filter(status=Claim.Status.READY).count(),
            url=_admin_list("billing_claim", "status__exact=ready"),
        ),
    ]


def _admin_list(model: str, query: str) -> str:
    return f"{reverse(f'admin:{model}_changelist')}?{query}"
