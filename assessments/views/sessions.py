"""Session pages: record a timed test session, see it, change it while it is a draft."""

from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from billing.selectors import decision_panel_get
from clinic.access import access_clinician, access_patient_by_uuid
from clinic.audit import audited
from clinic.models import AuditEvent, Patient
from clinic.time_display import get_time_format

from .. import catalog
from ..access import access_session_by_uuid
from ..forms import SessionEntry, SessionForm
from ..models import TestSession
from ..recording import SessionInput
from ..results import session_results, session_results_get
from ..roles import (
    WHO_MAY_RECORD,
    check_may_edit,
    check_may_record,
    session_actions,
)
from ..selectors import (
    clinic_batteries,
    day_decision,
    session_note_versions,
    session_plan_of_care,
    session_summary,
)
from ..services import session_create, session_update
from .pages import entry_page, refusal_if_refused

SESSION_SAVED = "Session saved."
SIGNED_USE_ADDENDUM = "This session is signed; add an addendum instead."


# never_cache: the page carries the server's clock (below); a copy from the
# browser's cache would set the stopwatch's correction hours off.
@never_cache
def session_create_view(request: HttpRequest, patient_uuid: UUID) -> HttpResponse:
    patient = access_patient_by_uuid(user=request.user, patient_uuid=patient_uuid)
    clinician = access_clinician(user=request.user)
    if refused := refusal_if_refused(
        request,
        lambda: check_may_record(clinician=clinician),
        title="Tests are recorded by a therapist or physician",
        who=WHO_MAY_RECORD,
        back_url=reverse("assessments:patient-detail", args=[patient.uuid]),
        back_label=f"Back to {patient.full_name}",
    ):
        return refused
    entry = SessionEntry(
        request.POST or None,
        patient=patient,
        initial=SessionForm.initial_for_new(clinician, patient),
    )
    return _session_form_page(
        request,
        entry,
        save=lambda data: session_create(
            patient=patient, clinician=clinician, data=data
        ),
        patient=patient,
    )


@never_cache
def session_update_view(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    session = access_session_by_uuid(user=request.user, session_uuid=session_uuid)
    clinician = access_clinician(user=request.user)
    if not session.is_draft:
        messages.error(request, SIGNED_USE_ADDENDUM)
        return redirect(session)
    if refused := refusal_if_refused(
        request,
        lambda: (
            check_may_edit(session=session, user=request.user),
            check_may_record(clinician=clinician),
        ),
        title="You can read this draft, not edit it",
        back_url=session.get_absolute_url(),
        back_label="Back to the session",
    ):
        return refused
    entry = SessionEntry(request.POST or None, session=session)
    return _session_form_page(
        request,
        entry,
        save=lambda data: session_update(
            session=session,
            data=data,
            editor=request.user,
            expected_version=entry.version,
        ),
        patient=session.patient,
        session=session,
        # Read against the norms only if the form is shown again, not for a
        # save that goes through (the template calls this once).
        interpretation_draft=lambda: (
            session_results(session=session, tests=list(session.tests.all())).draft
        ),
    )


def session_detail_view(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    session = access_session_by_uuid(user=request.user, session_uuid=session_uuid)
    summary = session_summary(session=session)
    results = session_results_get(
        session=session, tests=[row.test for row in summary.rows]
    )
    page = render(
        request,
        "assessments/session_detail.html",
        {
            "session": session,
            "actions": session_actions(session=session, user=request.user),
            "versions": session_note_versions(session=session),
            "summary": summary,
            "rows": [
                (row, results.entries.get(row.test.pk, [])) for row in summary.rows
            ],
            "results": results,
            "plan_of_care": session_plan_of_care(session=session),
            "billing": decision_panel_get(decision=day_decision(session=session)),
        },
    )
    return audited(
        page, request, AuditEvent.Action.VIEWED_SESSION, patient=session.patient
    )


def _session_form_page(
    request: HttpRequest,
    entry: SessionEntry,
    *,
    save: Callable[[SessionInput], TestSession],
    patient: Patient,
    session: TestSession | None = None,
    interpretation_draft: Callable[[], str] | None = None,
) -> HttpResponse:
    page = entry_page(
        request,
        entry,
        save=save,
        saved=lambda saved: (SESSION_SAVED, saved.get_absolute_url()),
        template="assessments/session_form.html",
        context={
            "patient": patient,
            "session": session,
            "catalog": catalog.script_data(),
            "batteries": clinic_batteries(clinic=patient.clinic),
            # The stopwatch stamps the clinic's time from the device's clock
            # corrected by this one (a tablet set to UTC, or minutes off).
            "server_now_ms": int(timezone.now().timestamp() * 1000),
            "time_zone": timezone.get_current_timezone_name(),
            "time_format": get_time_format(),
            "interpretation_draft": interpretation_draft or "",
        },
    )
    return audited(
        page,
        request,
        AuditEvent.Action.VIEWED_SESSION
        if session
        else AuditEvent.Action.VIEWED_PATIENT,
        patient=patient,
    )
