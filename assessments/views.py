"""Session pages: record a timed test session, see it, change it while it is a draft."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from billing.selectors import decision_panel_get
from clinic.access import access_patient_by_uuid

from . import catalog
from .access import access_session_by_uuid
from .forms import (
    AddendumForm,
    PerformedTestForm,
    PerformedTestFormSet,
    SameDayServiceFormSet,
    SessionForm,
    SignForm,
    VerifyForm,
)
from .models import NoteAccessEvent
from .notes import signing
from .notes.verification import note_verify
from .selectors import session_summary
from .services import session_save

NOT_A_CLINICIAN = "Only clinicians record test sessions."


def _catalog_for_script():
    """Return what the form's script needs to label trial fields, keyed by test code."""
    return {
        test.code: {
            "name": test.name,
            "unit": test.unit,
            "trials": test.trials,
            "per_side": test.per_side,
            "min": str(test.plausible_min),
            "max": str(test.plausible_max),
        }
        for test in catalog.CATALOG.values()
    }


def _session_form_page(request, *, patient, session=None):
    clinician = getattr(request.user, "clinician", None)
    if clinician is None:
        raise Http404(NOT_A_CLINICIAN)
    if session is not None and not session.is_draft:
        messages.error(request, "This session is signed; add an addendum instead.")
        return redirect(session)
    if request.method == "POST":
        form = SessionForm(request.POST)
        formset = PerformedTestFormSet(request.POST, prefix="tests", session_form=form)
        services = SameDayServiceFormSet(request.POST, prefix="services")
        if form.is_valid() and formset.is_valid() and services.is_valid():
            try:
                session = session_save(
                    session=session,
                    patient=patient,
                    clinician=clinician,
                    data=form.cleaned_data,
                    tests=formset.tests(),
                    services=services.services(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Session saved.")
                return redirect(session)
    elif session is not None:
        form = SessionForm(initial=SessionForm.initial_for(session))
        formset = PerformedTestFormSet(
            prefix="tests",
            initial=[
                PerformedTestForm.initial_for(test) for test in session.tests.all()
            ],
        )
        services = SameDayServiceFormSet(
            prefix="services",
            initial=[
                {"code": service.code, "minutes": service.minutes or None}
                for service in session.same_day_services.all()
            ],
        )
    else:
        form = SessionForm(
            initial={
                "date": timezone.localdate(),
                "discipline": _default_discipline(clinician),
            }
        )
        formset = PerformedTestFormSet(prefix="tests")
        services = SameDayServiceFormSet(prefix="services")
    return render(
        request,
        "assessments/session_form.html",
        {
            "form": form,
            "formset": formset,
            "services": services,
            "patient": patient,
            "session": session,
            "catalog": _catalog_for_script(),
        },
    )


def _default_discipline(clinician):
    return "OT" if clinician.role in ("ot", "ota") else "PT"


def session_create_view(request, patient_uuid):
    patient = access_patient_by_uuid(request.user, patient_uuid)
    return _session_form_page(request, patient=patient)


def session_update_view(request, session_uuid):
    session = access_session_by_uuid(request.user, session_uuid)
    return _session_form_page(request, patient=session.patient, session=session)


def session_detail_view(request, session_uuid):
    session = access_session_by_uuid(request.user, session_uuid)
    return render(
        request,
        "assessments/session_detail.html",
        {
            "session": session,
            "summary": session_summary(session=session),
            "billing": decision_panel_get(session=session),
        },
    )


def _form_page_or_redirect(request, form, action, template, context):
    """Run a signing action for a valid form; put its ValidationError on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            version = action()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(
                request, f"Signed. Sealed note {version.document_id} stored."
            )
            return redirect(context["session"])
    return render(request, template, {**context, "form": form})


def session_sign_view(request, session_uuid):
    session = access_session_by_uuid(request.user, session_uuid)
    clinician = getattr(request.user, "clinician", None)
    if clinician is None:
        raise Http404(NOT_A_CLINICIAN)
    if not session.is_draft:
        messages.info(request, "This note is already signed.")
        return redirect(session)
    refusal = None
    try:
        signing.check_may_sign_session(session, clinician)
    except ValidationError as exc:
        refusal = exc.messages[0]
    form = SignForm(request.POST or None)
    return _form_page_or_redirect(
        request,
        form,
        lambda: signing.session_sign(
            session=session,
            clinician=clinician,
            password=form.cleaned_data["password"],
            now=timezone.now(),
        ),
        "assessments/session_sign.html",
        {
            "session": session,
            "refusal": refusal,
            "attestation": signing.ATTESTATION,
            "billing": decision_panel_get(session=session),
        },
    )


def addendum_create_view(request, session_uuid):
    session = access_session_by_uuid(request.user, session_uuid)
    clinician = getattr(request.user, "clinician", None)
    if clinician is None:
        raise Http404(NOT_A_CLINICIAN)
    if session.is_draft:
        messages.info(request, "Edit the draft instead; addenda are for signed notes.")
        return redirect(session)
    form = AddendumForm(request.POST or None)
    return _form_page_or_redirect(
        request,
        form,
        lambda: signing.addendum_add(
            session=session,
            author=clinician,
            text=form.cleaned_data["text"],
            password=form.cleaned_data["password"],
            now=timezone.now(),
        ),
        "assessments/addendum_form.html",
        {"session": session, "attestation": signing.ATTESTATION},
    )


def note_download_view(request, session_uuid, number):
    """Send a stored sealed note as it was stored: it is never rendered again."""
    session = access_session_by_uuid(request.user, session_uuid)
    version = get_object_or_404(session.note_versions, number=number)
    signing.note_access_record(
        version=version,
        user=request.user,
        action=NoteAccessEvent.Action.DOWNLOAD,
        now=timezone.now(),
    )
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{version.filename}"'
    return response


@login_not_required
def verify_view(request):
    """Let anyone holding a note check it; show nothing beyond what the file holds."""
    form = VerifyForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = note_verify(form.cleaned_data["pdf"].read())
    return render(request, "assessments/verify.html", {"form": form, "result": result})
