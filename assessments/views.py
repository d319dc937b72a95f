"""Session pages: record a timed test session, see it, change it while it is a draft."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from billing.selectors import decision_panel_get
from clinic.access import access_patient_by_uuid

from . import catalog
from .access import access_session_by_uuid
from .forms import (
    PerformedTestForm,
    PerformedTestFormSet,
    SameDayServiceFormSet,
    SessionForm,
)
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
