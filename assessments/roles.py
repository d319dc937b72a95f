"""Who may record, edit, sign and amend a session: asked before a page offers an
action, and again by the service that does it.

Pages hide what a user cannot do and answer a typed address for it with a
page that says why and who can; the services refuse the same cases, so the
admin, seed_demo and a stale form are held to the rule too.
"""

from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from clinic.models import Clinician

from .models import TestSession

# Quoted from the article, so a therapist can find the sentence it rests on.
ASSISTANT_CANNOT_RECORD = (
    "A physical therapist assistant (PTA) or occupational therapy assistant "
    "(COTA) cannot record a physical performance test (CPT 97750): "
    '"formal testing services involve clinical judgment and decision-making which '
    'is not within the scope of practice for therapy assistants" (WPS Billing and '
    "Coding Article A53309; see also CMS Benefit Policy Manual, Pub. 100-02, "
    "Ch. 15 §230 on what assistants may furnish)."
)
WHO_MAY_RECORD = (
    "A physical therapist, an occupational therapist or a physician of the clinic "
    "records the tests and signs the note; an assistant may help with treatment "
    "under their plan of care."
)
NOT_YOUR_DRAFT = (
    "Only {performer}, who performed these tests, can edit this draft: the note "
    "is theirs to write and sign. You can read it; ask them to make the change."
)


def check_may_record(*, clinician: Clinician) -> None:
    """Raise ValidationError if the clinician's role may not perform 97750 tests."""
    if clinician.is_assistant:
        raise ValidationError(ASSISTANT_CANNOT_RECORD)


def check_may_edit(
    *, session: TestSession, user: AbstractBaseUser | AnonymousUser
) -> None:
    """Raise ValidationError if a clinician other than the performer edits the draft.

    Users without a clinician record (the front office, in the admin) may
    correct a draft's header; they are named as its last editor.
    """
    clinician = getattr(user, "clinician", None)
    if clinician is not None and clinician.pk != session.clinician_id:
        raise ValidationError(
            NOT_YOUR_DRAFT.format(performer=session.clinician.display_name)
        )


@dataclass(frozen=True)
class SessionActions:
    """What the session page offers this user: only what they may do."""

    edit: bool
    sign: bool
    addendum: bool


def session_actions(
    *, session: TestSession, user: AbstractBaseUser | AnonymousUser
) -> SessionActions:
    """Return the actions the session page shows this user."""
    clinician = getattr(user, "clinician", None)
    if clinician is None:
        return SessionActions(edit=False, sign=False, addendum=False)
    performer = clinician.pk == session.clinician_id
    qualified = not clinician.is_assistant
    return SessionActions(
        edit=session.is_draft and performer and qualified,
        sign=session.is_draft and performer and qualified,
        addendum=not session.is_draft and qualified,
    )
