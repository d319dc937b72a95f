"""The only way views load sessions and plans of care: scoped to the user's clinic (404 otherwise)."""

from uuid import UUID

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from clinic.access import get_in_users_clinic

from .models import NoteExport, PlanOfCare, TestSession


def access_session_by_uuid(
    *, user: AbstractBaseUser | AnonymousUser, session_uuid: UUID
) -> TestSession:
    """Return the session if its patient belongs to the user's clinic, else Http404."""
    return get_in_users_clinic(
        TestSession.objects.select_related(
            "patient__clinic",
            "clinician__user",
            "billing_decision__payer",
            "last_edited_by",
        ),
        user=user,
        uuid=session_uuid,
        missing="No such session.",
    )


def access_plan_by_uuid(
    *, user: AbstractBaseUser | AnonymousUser, plan_uuid: UUID
) -> PlanOfCare:
    """Return the plan of care if its patient belongs to the user's clinic, else Http404."""
    return get_in_users_clinic(
        PlanOfCare.objects.select_related("patient__clinic"),
        user=user,
        uuid=plan_uuid,
        missing="No such plan of care.",
    )


def access_note_export_by_uuid(
    *, user: AbstractBaseUser | AnonymousUser, export_uuid: UUID
) -> NoteExport:
    """Return the export if this user asked for it in their clinic, else Http404.

    An export holds many patients' notes, so only the person who asked for it
    may watch it or take it, not everyone of the clinic.
    """
    return get_in_users_clinic(
        NoteExport.objects.filter(requested_by_id=user.pk),
        user=user,
        uuid=export_uuid,
        missing="No such export.",
    )
