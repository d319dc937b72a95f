"""The only way views and the admin load tenant rows: scoped to the user's clinic.

Each function raises Http404 for a row of another clinic, so a stranger cannot
even learn that it exists. Every condition sits on its own line so that tests
can cover each case (own clinic, other clinic, no clinic).
"""

from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.http import Http404

from .models import Clinic, Clinician, Patient

NOT_A_CLINICIAN = "Only clinicians record, sign and amend test sessions."


def clinic_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Clinic | None:
    """Return the clinic the user works in, or None (anonymous, or no clinic)."""
    if not user.is_authenticated:
        return None
    clinician = getattr(user, "clinician", None)
    if clinician is not None:
        return clinician.clinic
    clinic_admin = getattr(user, "clinic_admin", None)
    if clinic_admin is not None:
        return clinic_admin.clinic
    return None


def access_clinic(*, user: AbstractBaseUser | AnonymousUser) -> Clinic:
    """Return the user's clinic; a user without one sees nothing (404)."""
    clinic = clinic_for_user(user=user)
    if clinic is None:
        raise Http404("No clinic.")
    return clinic


def access_clinician(*, user: AbstractBaseUser | AnonymousUser) -> Clinician:
    """Return the user's clinician record; a front-office user or stranger gets 404."""
    clinician = getattr(user, "clinician", None)
    if clinician is None:
        raise Http404(NOT_A_CLINICIAN)
    return clinician


def access_patient_by_uuid(
    *, user: AbstractBaseUser | AnonymousUser, patient_uuid: UUID
) -> Patient:
    """Return the patient if it belongs to the user's clinic, else raise Http404."""
    return get_in_users_clinic(
        Patient.objects.select_related("clinic"),
        user=user,
        uuid=patient_uuid,
        missing="No such patient.",
    )


def get_in_users_clinic[M: Model](
    queryset: QuerySet[M],
    *,
    user: AbstractBaseUser | AnonymousUser,
    uuid: UUID,
    missing: str,
) -> M:
    """Return the row of this uuid if it belongs to the user's clinic, else Http404.

    The model's ``clinic_lookup`` says how a row reaches its clinic, as it does
    for the admin's scoping.
    """
    clinic = access_clinic(user=user)
    try:
        return queryset.get(uuid=uuid, **{queryset.model.clinic_lookup: clinic})
    except queryset.model.DoesNotExist:
        raise Http404(missing) from None
