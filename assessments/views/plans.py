"""Plan-of-care pages: add a plan to a patient's chart, change one."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from clinic.access import access_patient_by_uuid
from clinic.audit import audited
from clinic.models import AuditEvent, Patient

from ..access import access_plan_by_uuid
from ..forms import clinician_discipline
from ..models import PlanOfCare
from ..plan_forms import PlanEntry
from ..plans import plan_of_care_save
from .pages import entry_page

PLAN_SAVED = "Saved the {plan}."


def plan_create_view(request: HttpRequest, patient_uuid: UUID) -> HttpResponse:
    patient = access_patient_by_uuid(user=request.user, patient_uuid=patient_uuid)
    return _plan_form_page(request, patient=patient, plan=None)


def plan_update_view(request: HttpRequest, plan_uuid: UUID) -> HttpResponse:
    plan = access_plan_by_uuid(user=request.user, plan_uuid=plan_uuid)
    return _plan_form_page(request, patient=plan.patient, plan=plan)


def _plan_form_page(
    request: HttpRequest, *, patient: Patient, plan: PlanOfCare | None
) -> HttpResponse:
    page = entry_page(
        request,
        PlanEntry(
            request.POST or None,
            plan=plan,
            patient=patient,
            discipline=clinician_discipline(getattr(request.user, "clinician", None)),
        ),
        save=lambda typed: plan_of_care_save(
            plan=plan, patient=patient, editor=request.user, **typed
        ),
        saved=lambda saved: (
            PLAN_SAVED.format(plan=saved),
            reverse("assessments:patient-detail", args=[patient.uuid]),
        ),
        template="assessments/plan_form.html",
        context={"patient": patient, "plan": plan},
    )
    return audited(
        page,
        request,
        AuditEvent.Action.VIEWED_PLAN if plan else AuditEvent.Action.VIEWED_PATIENT,
        patient=patient,
    )
