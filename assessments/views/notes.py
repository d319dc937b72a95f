"""Signed-note pages: sign a draft, add an addendum, download or print a note, verify one."""

import zoneinfo
from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override

from billing.selectors import decision_panel_get
from clinic import time_display
from clinic.access import access_clinician
from clinic.audit import audited
from clinic.clock import TWENTY_FOUR_HOUR
from clinic.models import AuditEvent, Clinician

from ..access import access_session_by_uuid
from ..forms import (
    MAX_UPLOAD_BYTES,
    UPLOAD_TOO_LARGE,
    AddendumForm,
    SignForm,
    VerifyForm,
)
from ..models import NoteAccessEvent, NoteVersion, TestSession
from ..notes import signing
from ..notes.export import note_access_record
from ..notes.verification import note_verify
from ..roles import WHO_MAY_RECORD
from ..selectors import day_decision
from .pages import entry_page, refusal_if_refused

NOTE_SIGNED = "Note signed; version {number} sealed."
ADDENDUM_SIGNED = "Addendum signed; version {number} sealed."
ALREADY_SIGNED = "This note is already signed."
DRAFT_HAS_NO_ADDENDA = "Edit the draft instead; addenda are for signed notes."
# A multipart body around the largest PDF /verify/ checks: headers and the
# boundary take far less than this margin.
MAX_VERIFY_REQUEST_BYTES = MAX_UPLOAD_BYTES + 64 * 1024


def session_sign_view(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    session = access_session_by_uuid(user=request.user, session_uuid=session_uuid)
    clinician = access_clinician(user=request.user)
    if not session.is_draft:
        messages.info(request, ALREADY_SIGNED)
        return redirect(session)
    form = SignForm(request.POST or None)
    page = _signed_page(
        request,
        form,
        done=NOTE_SIGNED,
        save=lambda data: signing.session_sign(
            session=session,
            clinician=clinician,
            password=data["password"],
            now=timezone.now(),
            request=request,
        ),
        template="assessments/session_sign.html",
        context={
            "session": session,
            "refusal": _sign_refusal(session, clinician),
            "billing": decision_panel_get(decision=day_decision(session=session)),
        },
    )
    return audited(
        page, request, AuditEvent.Action.VIEWED_SESSION, patient=session.patient
    )


def addendum_create_view(request: HttpRequest, session_uuid: UUID) -> HttpResponse:
    session = access_session_by_uuid(user=request.user, session_uuid=session_uuid)
    clinician = access_clinician(user=request.user)
    if session.is_draft:
        messages.info(request, DRAFT_HAS_NO_ADDENDA)
        return redirect(session)
    if refused := refusal_if_refused(
        request,
        lambda: signing.check_may_sign(clinician=clinician),
        title="Addenda are signed by a therapist or physician",
        who=WHO_MAY_RECORD,
        back_url=session.get_absolute_url(),
        back_label="Back to the session",
    ):
        return refused
    page = _signed_page(
        request,
        AddendumForm(request.POST or None),
        done=ADDENDUM_SIGNED,
        save=lambda data: signing.addendum_add(
            session=session,
            author=clinician,
            text=data["text"],
            password=data["password"],
            now=timezone.now(),
            request=request,
        ),
        template="assessments/addendum_form.html",
        context={"session": session},
    )
    return audited(
        page, request, AuditEvent.Action.VIEWED_SESSION, patient=session.patient
    )


def note_download_view(
    request: HttpRequest, session_uuid: UUID, number: int
) -> HttpResponse:
    """Send a stored sealed note as it was stored: it is never rendered again."""
    return _note_response(
        request, session_uuid, number, NoteAccessEvent.Action.DOWNLOAD, "attachment"
    )


# The browser's own PDF viewer shows the note: the site's policy forbids
# plugins (object-src 'none'), which would stop it, and a PDF runs none of
# this site's scripts; it still may not be framed.
@csp_override({"frame-ancestors": [CSP.NONE]})
def note_print_view(
    request: HttpRequest, session_uuid: UUID, number: int
) -> HttpResponse:
    """Open the sealed note in the browser's PDF viewer (a new tab), to print it.

    The very file on record is printed, not a page made to look like it, so
    the paper copy matches what /verify/ checks.
    """
    return _note_response(
        request, session_uuid, number, NoteAccessEvent.Action.PRINT, "inline"
    )


def _note_response(
    request: HttpRequest,
    session_uuid: UUID,
    number: int,
    action: NoteAccessEvent.Action,
    disposition: str,
) -> HttpResponse:
    session = access_session_by_uuid(user=request.user, session_uuid=session_uuid)
    version = get_object_or_404(session.note_versions, number=number)
    note_access_record(version=version, who=request, action=action, now=timezone.now())
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{version.filename}"'
    return response


@login_not_required
def verify_view(request: HttpRequest) -> HttpResponse:
    """Let anyone holding a note check it; show nothing beyond what the file holds.

    An upload whose declared size is already too large is refused before a byte
    of it is read, so an anonymous caller cannot make the server read 150 MB.
    """
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_VERIFY_REQUEST_BYTES:
        form = VerifyForm(data={}, files={})
        form.add_error("pdf", UPLOAD_TOO_LARGE)
        return render(request, "assessments/verify.html", {"form": form}, status=413)
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = note_verify(pdf=form.cleaned_data["pdf"].read())
    # The verifier has no clinic: the signing time is shown in the zone and
    # format of the clinic whose note it is, as the note itself prints it.
    zone, time_format = (
        (result.time_zone, result.time_format) if result else ("UTC", TWENTY_FOUR_HOUR)
    )
    with timezone.override(zoneinfo.ZoneInfo(zone)), time_display.override(time_format):
        return render(
            request, "assessments/verify.html", {"form": form, "result": result}
        )


def _sign_refusal(session: TestSession, clinician: Clinician) -> str | None:
    """Return why this clinician may not sign the note, shown instead of the form."""
    try:
        signing.check_may_sign_session(session=session, clinician=clinician)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def _signed_page(
    request: HttpRequest,
    form: SignForm | AddendumForm,
    *,
    done: str,
    save: Callable[[dict[str, Any]], NoteVersion],
    template: str,
    context: dict[str, object],
) -> HttpResponse:
    return entry_page(
        request,
        form,
        save=save,
        saved=lambda version: (
            done.format(number=version.number),
            version.session.get_absolute_url(),
        ),
        template=template,
        context={**context, "attestation": signing.ATTESTATION},
    )
