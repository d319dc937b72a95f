"""Writes to test sessions: every view, command and the demo data go through here."""

from django.core.exceptions import ValidationError
from django.db import transaction

from billing.models import SameDayService
from billing.services import patient_decisions_refresh

from .models import PerformedTest, TestSession

SESSION_NOT_DRAFT = "This session is signed; it can no longer be changed."


@transaction.atomic
def session_save(
    *, session=None, patient=None, clinician=None, data, tests, services=()
):
    """Create a draft session, or replace a draft's fields and tests, in one transaction.

    `data` holds the session fields (started_at, ended_at, discipline, reason,
    interpretation); `tests` the cleaned test rows (catalog_code, side,
    started_at, ended_at, trials, notes); `services` the other services of
    the day (code, minutes). A draft's tests and services are replaced as a
    whole because the form always sends the full lists. The billing decisions
    of the patient's drafts are recomputed, since this session may change them.
    """
    if session is None:
        session = TestSession(patient=patient, clinician=clinician)
    elif not session.is_draft:
        raise ValidationError(SESSION_NOT_DRAFT)
    for field in ("started_at", "ended_at", "discipline", "reason", "interpretation"):
        setattr(session, field, data[field])
    session.full_clean()
    session.save()
    session.tests.all().delete()
    rows = [
        PerformedTest(
            session=session,
            catalog_code=test["catalog_code"],
            side=test["side"],
            started_at=test["started_at"],
            ended_at=test["ended_at"],
            trials=test["trials"],
            notes=test.get("notes", ""),
            position=position,
        )
        for position, test in enumerate(tests)
    ]
    for row in rows:
        # A test the patient could not complete has no trial values ({}), which the
        # model field calls blank; the form has checked each value, and billing
        # flags a test without a result.
        row.full_clean(exclude=["session", "trials"])
    PerformedTest.objects.bulk_create(rows)
    session.same_day_services.all().delete()
    SameDayService.objects.bulk_create(
        SameDayService(
            session=session, code=service["code"], minutes=service["minutes"]
        )
        for service in services
    )
    patient_decisions_refresh(patient=session.patient)
    return session
