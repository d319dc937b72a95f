"""Writes to clinic records: the patient pages, the admin and the demo data come here."""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Clinic, Clinician, Diagnosis, Patient
from .versions import field_values, stamp

MRN_TAKEN = "Another patient of this clinic already has MRN {mrn}."
DIAGNOSIS_LISTED_TWICE = "{code} is listed twice."
CLINIC_ADMIN_GROUP = "Clinic administrators"
_MRN_CONSTRAINT = "patient_mrn_unique_in_clinic"


@dataclass(frozen=True, kw_only=True)
class PatientInput:
    """A patient's identity as typed on the patient form or in the admin."""

    first_name: str
    last_name: str
    mrn: str
    date_of_birth: date
    sex: str
    hand_dominance: str = ""


@dataclass(frozen=True, kw_only=True)
class DiagnosisInput:
    """One ICD-10-CM diagnosis; a patient's list is kept in the order given."""

    code: str
    description: str


@dataclass(frozen=True, kw_only=True)
class ClinicianInput:
    """What the clinic records about a clinician: role, credentials, license, NPI."""

    role: str
    credentials: str = ""
    license_number: str = ""
    license_state: str = ""
    npi: str = ""
    is_active: bool = True


def clinician_save(
    *,
    clinician: Clinician,
    data: ClinicianInput,
    editor: AbstractBaseUser | None = None,
) -> Clinician:
    """Save a clinician's role, credentials, license and NPI; return the clinician.

    ``editor`` is recorded as who saved it, with the time: its new version.

    A new clinician arrives with its login and clinic set. Billing reads the role
    and the credentials, so pages that change them go through
    assessments.services.clinician_record_save, which also recomputes drafts.
    """
    for field in fields(data):
        setattr(clinician, field.name, getattr(data, field.name))
    clinician.credentials = data.credentials.strip()
    clinician.full_clean()
    stamp(clinician, editor=editor, now=timezone.now())
    clinician.save()
    return clinician


def patient_lock(*, patient: Patient) -> None:
    """Lock the patient's row until the transaction ends.

    Every write to a patient's chart or billing takes this lock first, then the
    sessions and decisions it changes: the patient's billing is decided across
    their days (units per day, KX over the year), so two writers to one patient
    go one after the other, and no two can each hold a row the other needs.
    """
    Patient.objects.select_for_update().filter(pk=patient.pk).values_list("pk").get()


def clinician_values(clinician: Clinician) -> dict[str, object]:
    """Return what a clinician's version fingerprints: what the clinic records."""
    return field_values(clinician, (field.name for field in fields(ClinicianInput)))


def patient_values(patient: Patient) -> dict[str, object]:
    """Return what a patient's version fingerprints: identity, then diagnoses."""
    return {
        **field_values(patient, (field.name for field in fields(PatientInput))),
        "diagnoses": [str(diagnosis) for diagnosis in patient.diagnoses.all()],
    }


@transaction.atomic
def patient_save(
    *,
    patient: Patient | None,
    clinic: Clinic,
    data: PatientInput,
    editor: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Patient:
    """Create a patient of the clinic, or change one; return it.

    ``editor`` is recorded as who saved it, with the time: its new version
    (clinic.versions); the caller checks the version it was opened at.

    The MRN is unique in the clinic whatever its case. It is checked first so the
    message can name the MRN, and the database constraint decides when two people
    save the same MRN at the same moment; both ways raise the same ValidationError
    on the ``mrn`` field.
    """
    if patient is None:
        patient = Patient(clinic=clinic)
    for field in fields(data):
        setattr(patient, field.name, getattr(data, field.name))
    patient.mrn = data.mrn.strip()
    taken = ValidationError({"mrn": MRN_TAKEN.format(mrn=patient.mrn)})
    others = Patient.objects.filter(clinic=patient.clinic, mrn__iexact=patient.mrn)
    if others.exclude(pk=patient.pk).exists():
        raise taken
    patient.full_clean(validate_constraints=False)
    stamp(patient, editor=editor, now=now or timezone.now())
    try:
        with transaction.atomic():
            patient.save()
    except IntegrityError as exc:
        if _MRN_CONSTRAINT not in str(exc):
            raise
        raise taken from exc
    return patient


@transaction.atomic
def patient_diagnoses_set(
    *, patient: Patient, diagnoses: Sequence[DiagnosisInput]
) -> list[Diagnosis]:
    """Make these the patient's diagnoses, numbered in the order given; return them.

    The note prints diagnoses in this order. A code already listed keeps its row
    (with the new description and position), so only what changed is written.
    """
    codes = [diagnosis.code.strip() for diagnosis in diagnoses]
    for index, code in enumerate(codes):
        if code in codes[:index]:
            raise ValidationError(DIAGNOSIS_LISTED_TWICE.format(code=code))
    kept = {row.code: row for row in patient.diagnoses.all()}
    patient.diagnoses.exclude(code__in=codes).delete()
    rows = []
    for position, (code, diagnosis) in enumerate(zip(codes, diagnoses, strict=True)):
        row = kept.get(code) or Diagnosis(patient=patient, code=code)
        row.description = diagnosis.description.strip()
        row.position = position
        row.full_clean(validate_constraints=False)
        row.save()
        rows.append(row)
    return rows


@transaction.atomic
def clinic_admin_group_ensure() -> Group:
    """Create or update the "Clinic administrators" group with exactly its permissions.

    Each app lists what a clinic's front office may do with its models in its
    AppConfig (``clinic_admin_permissions``), so this knows no other app.
    """
    group, _ = Group.objects.get_or_create(name=CLINIC_ADMIN_GROUP)
    wanted = [
        Permission.objects.get(content_type__app_label=config.label, codename=codename)
        for config in apps.get_app_configs()
        for codename in getattr(config, "clinic_admin_permissions", ())
    ]
    group.permissions.set(wanted)
    return group
