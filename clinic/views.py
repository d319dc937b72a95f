"""Patient pages: find, add, see and edit a patient of the user's clinic."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render

from billing.services import patient_decisions_refresh

from .access import access_clinic, access_patient_by_uuid
from .forms import MRN_TAKEN, DiagnosisFormSet, PatientForm
from .selectors import patient_list

PATIENTS_PER_PAGE = 50


def patient_list_view(request):
    clinic = access_clinic(request.user)
    search = request.GET.get("q", "").strip()
    page = Paginator(patient_list(clinic=clinic, search=search), PATIENTS_PER_PAGE)
    patients = page.get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/patient_list.html",
        {"patients": patients, "search": search, "clinic": clinic},
    )


def patient_form_view(request, patient_uuid=None):
    clinic = access_clinic(request.user)
    patient = (
        access_patient_by_uuid(request.user, patient_uuid) if patient_uuid else None
    )
    form = PatientForm(request.POST or None, instance=patient, clinic=clinic)
    diagnoses = DiagnosisFormSet(
        request.POST or None, instance=form.instance, prefix="diagnoses"
    )
    if request.method == "POST" and form.is_valid() and diagnoses.is_valid():
        try:
            patient = _patient_save(form, diagnoses)
        except IntegrityError as exc:
            # Two people saving the same MRN at once get past the form's check;
            # the database constraint then decides, and the form says so.
            if "patient_mrn_unique_in_clinic" not in str(exc):
                raise
            form.add_error("mrn", MRN_TAKEN.format(mrn=form.cleaned_data["mrn"]))
        else:
            messages.success(request, f"Saved {patient.full_name}.")
            return redirect(patient)
    return render(
        request,
        "clinic/patient_form.html",
        {"form": form, "diagnoses": diagnoses, "patient": patient},
    )


def patient_detail_view(request, patient_uuid):
    patient = access_patient_by_uuid(request.user, patient_uuid)
    sessions = patient.sessions.select_related("clinician__user").prefetch_related(
        "tests"
    )
    return render(
        request,
        "clinic/patient_detail.html",
        {
            "patient": patient,
            "sessions": sessions,
            "diagnoses": patient.diagnoses.all(),
        },
    )


@transaction.atomic
def _patient_save(form, diagnoses):
    """Save the patient and diagnoses, numbered in form order; recompute billing."""
    patient = form.save()
    diagnoses.instance = patient
    diagnoses.save(commit=False)
    for removed in diagnoses.deleted_objects:
        removed.delete()
    # Number every kept row in form order, unchanged ones included, so an
    # added diagnosis lands after the existing ones on the note.
    kept = [
        diagnosis_form.instance
        for diagnosis_form in diagnoses.forms
        if diagnosis_form not in diagnoses.deleted_forms
        and (diagnosis_form.instance.pk or diagnosis_form.has_changed())
    ]
    for position, diagnosis in enumerate(kept):
        diagnosis.position = position
        diagnosis.save()
    # The payer decides every draft's billing.
    patient_decisions_refresh(patient=patient)
    return patient
