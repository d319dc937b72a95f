"""The only way views load sessions and plans of care: scoped to the user's clinic (404 otherwise)."""

from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from clinic.access import access_clinic

from .models import PlanOfCare, TestSession


def access_session_by_uuid(
    *, user: AbstractBaseUser | AnonymousUser, session_uuid: UUID
) -> TestSession:
    """Return the session if its patient belongs to the user's clinic, else Http404."""
    clinic = access_clinic(user=user)
    try:
        return TestSession.objects.select_related(
            "patient__clinic", "clinician__user", "billing_decision__payer"
        ).get(uuid=session_uuid, patient__clinic=clinic)
    except TestSession.DoesNotExist:
        raise Http404("No such session.") from None


def access_plan_by_uuid(
    *, user: AbstractBaseUser | AnonymousUser, plan_uuid: UUID
) -> PlanOfCare:
    """Return the plan of care if its patient belongs to the user's clinic, else Http404."""
    clinic = access_clinic(user=user)
    try:
        return PlanOfCare.objects.select_related("patient__clinic").get(
            uuid=plan_uuid, patient__clinic=clinic
        )
    except PlanOfCare.DoesNotExist:
        raise Http404("No such plan of care.") from None
