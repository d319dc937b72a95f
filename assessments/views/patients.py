"""Patient pages: find, add, see and edit a patient of the user's clinic."""

from uuid import UUID

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from clinic.access import access_clinic, access_patient_by_uuid
from clinic.audit import audited
from clinic.models import AuditEvent

from ..forms import PatientEntry
from ..results import PROGRESS_SESSIONS, patient_progress
from ..selectors import (
    patient_coverage,
    patient_list,
    patient_plans,
    patient_sessions,
)
from ..services import patient_chart_save
from .pages import entry_page

PATIENTS_PER_PAGE = 50
SESSIONS_PER_PAGE = 50


def patient_list_view(request: HttpRequest) -> HttpResponse:
    clinic = access_clinic(user=request.user)
    search = request.GET.get("q", "").strip()
    page = Paginator(patient_list(clinic=clinic, search=search), PATIENTS_PER_PAGE)
    patients = page.get_page(request.GET.get("page"))
    page = render(
        request,
        "assessments/patient_list.html",
        {"patients": patients, "search": search, "clinic": clinic},
    )
    # One event for the page, not one per row; a search keeps what was typed.
    return audited(
        page,
        request,
        AuditEvent.Action.SEARCHED if search else AuditEvent.Action.VIEWED_LIST,
        query=search,
    )


def patient_form_view(
    request: HttpRequest, patient_uuid: UUID | None = None
) -> HttpResponse:
    clinic = access_clinic(user=request.user)
    patient = (
        access_patient_by_uuid(user=request.user, patient_uuid=patient_uuid)
        if patient_uuid
        else None
    )
    entry = PatientEntry(request.POST or None, patient=patient, clinic=clinic)
    page = entry_page(
        request,
        entry,
        save=lambda data: patient_chart_save(
            patient=patient,
            clinic=clinic,
            data=data,
            editor=request.user,
            expected_version=entry.version,
        ),
        saved=lambda saved: (
            f"Saved {saved.full_name}.",
            reverse("assessments:patient-detail", args=[saved.uuid]),
        ),
        template="assessments/patient_form.html",
        context={"patient": patient},
    )
    if patient is None:
        return page
    return audited(page, request, AuditEvent.Action.VIEWED_PATIENT, patient=patient)


def patient_detail_view(request: HttpRequest, patient_uuid: UUID) -> HttpResponse:
    patient = access_patient_by_uuid(user=request.user, patient_uuid=patient_uuid)
    sessions = Paginator(patient_sessions(patient=patient), SESSIONS_PER_PAGE)
    page = render(
        request,
        "assessments/patient_detail.html",
        {
            "patient": patient,
            "coverage": patient_coverage(patient=patient),
            "sessions": sessions.get_page(request.GET.get("page")),
            "diagnoses": patient.diagnoses.all(),
            "plans": patient_plans(patient=patient),
            "progress": patient_progress(patient=patient),
            "progress_sessions": PROGRESS_SESSIONS,
        },
    )
    return audited(page, request, AuditEvent.Action.VIEWED_PATIENT, patient=patient)
