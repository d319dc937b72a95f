"""Sign a session, add addenda, and store each version of the sealed PDF note.

Signing is the legal act: it records who signed, with their credentials as
they were at that moment, freezes the day's billing decision once the day's
last note is signed, and renders and seals the PDF once. Later corrections are addenda, each a new sealed version that
keeps the original content and records the hash of the version before it.
"""

import hashlib
from datetime import datetime
from typing import Any

from django.contrib.auth import authenticate
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from assessments.models import Addendum, NoteVersion, TestSession
from assessments.selectors import day_of
from assessments.services import day_billing_refresh, session_billing_refresh
from clinic.clock import TWENTY_FOUR_HOUR
from clinic.models import Clinician
from clinic.services import patient_lock

from . import content, rendering, sealing

# The signing page shows the same words the note prints.
ATTESTATION = content.ATTESTATION
SEAL_REASON = "Signed physical performance test note (CPT 97750)"
ADDENDUM_REASON = "Signed addendum to a physical performance test note"

WRONG_PASSWORD = "The password is not correct."  # noqa: S105
NOT_A_DRAFT = "This session is already signed; add an addendum instead."
NOT_THE_PERFORMER = "Only the clinician who performed the tests can sign this note."
ASSISTANT_CANNOT_SIGN = (
    "A PT or OT assistant cannot sign a 97750 note: formal testing and its written report are "
    "not within an assistant's scope (WPS A53309). Ask a physical therapist, "
    "occupational therapist or physician to test and sign."
)
NOT_SIGNED = "Addenda are added to signed notes only."
EMPTY_ADDENDUM = "Write the addendum's text."
NOT_OF_THIS_CLINIC = "Only a clinician of this clinic can add an addendum."


def signer_snapshot(*, clinician: Clinician) -> dict[str, str]:
    """Return the clinician's identity as printed on the note, frozen at signing."""
    return {
        "name": clinician.display_name,
        "role": clinician.role,
        "role_label": clinician.get_role_display(),
        "credentials": clinician.credentials,
        "license_number": clinician.license_number,
        "license_state": clinician.license_state,
        "npi": clinician.npi,
    }


def check_password(
    *, user: AbstractBaseUser, password: str, request: HttpRequest | None
) -> None:
    """Raise ValidationError unless the password is the user's: signing re-asks it.

    The re-entry is a password prompt like the login's, so it goes through
    authenticate() with the request: django-axes counts a wrong one against the
    username and the request's IP address, and refuses even the right one once
    that pair is locked out. A signing outside a request (the demo data) passes
    none and is counted against the username with no address.
    """
    if (
        authenticate(
            request or HttpRequest(), username=user.get_username(), password=password
        )
        is None
    ):
        raise ValidationError({"password": WRONG_PASSWORD})


def check_may_sign(*, clinician: Clinician) -> None:
    """Raise ValidationError if the clinician's role may not sign a 97750 note."""
    if clinician.is_assistant:
        raise ValidationError(ASSISTANT_CANNOT_SIGN)


def check_may_sign_session(*, session: TestSession, clinician: Clinician) -> None:
    """Raise ValidationError unless this clinician may sign this session's note.

    The sign page asks this up front to show the reason instead of a form;
    session_sign() asks it again inside its transaction.
    """
    check_may_sign(clinician=clinician)
    if clinician.pk != session.clinician_id:
        raise ValidationError(NOT_THE_PERFORMER)


def _store_version(
    *,
    session: TestSession,
    context: dict[str, Any],
    addenda: list[dict[str, Any]],
    addendum: Addendum | None,
    now: datetime,
    reason: str,
    signer: dict[str, str],
) -> NoteVersion:
    """Render, seal and store the next note version, chained to the one before."""
    previous = session.note_versions.order_by("-number").first()
    number = previous.number + 1 if previous else 1
    document_id = f"PN-{session.uuid.hex[:12].upper()}-V{number}"
    sealed = sealing.seal_pdf(
        rendering.note_pdf_render(
            context=context, addenda=addenda, document_id=document_id
        ),
        clinic=session.patient.clinic,
        signer_name=f"{signer['name']}, {signer['credentials']}".strip(", "),
        reason=reason,
        location=context.get("clinic", {}).get("name", ""),
    )
    return NoteVersion.objects.create(
        session=session,
        number=number,
        document_id=document_id,
        addendum=addendum,
        pdf=sealed,
        sha256=hashlib.sha256(sealed).hexdigest(),
        previous_sha256=previous.sha256 if previous else "",
        context=context,
        created_at=now,
    )


def session_sign(
    *,
    session: TestSession,
    clinician: Clinician,
    password: str,
    now: datetime,
    request: HttpRequest | None = None,
) -> NoteVersion:
    """Sign and lock a draft session; return its first sealed note version.

    A session whose billing has blocking findings can still be signed as a
    note; its decision, frozen here, says it is not billable as 97750.

    The password is checked before the signing transaction opens: a wrong one
    raises there, and django-axes' record of it would be rolled back with it.
    """
    check_password(user=clinician.user, password=password, request=request)
    return _session_sign(session=session, clinician=clinician, now=now)


@transaction.atomic
def _session_sign(
    *, session: TestSession, clinician: Clinician, now: datetime
) -> NoteVersion:
    # The patient first, then the session, as every writer to their billing.
    patient_lock(patient=session.patient)
    session = TestSession.objects.select_for_update().get(pk=session.pk)
    if not session.is_draft:
        raise ValidationError(NOT_A_DRAFT)
    check_may_sign_session(session=session, clinician=clinician)
    # The facts are handed to billing once more (they are current, but a session
    # saved before its decision existed has none yet) while the session is a
    # draft, so the session is pointed at its day's decision before it locks.
    session = session_billing_refresh(session=session, now=now)
    signer = signer_snapshot(clinician=clinician)
    session.status = TestSession.Status.SIGNED
    session.signed_at = now
    session.signed_by = clinician
    session.signer = signer
    session.full_clean()
    session.save()
    # With the day's last draft signed, this freezes the day's decision.
    decision = day_billing_refresh(day=day_of(session=session), now=now)
    context = content.note_context_build(
        session=session, decision=decision, signer=signer, signed_at=now
    )
    return _store_version(
        session=session,
        context=context,
        addenda=[],
        addendum=None,
        now=now,
        reason=SEAL_REASON,
        signer=signer,
    )


def addendum_add(
    *,
    session: TestSession,
    author: Clinician,
    text: str,
    password: str,
    now: datetime,
    request: HttpRequest | None = None,
) -> NoteVersion:
    """Sign an addendum to a signed note; return the new sealed note version.

    As in session_sign(), the password is checked before the transaction opens.
    """
    check_password(user=author.user, password=password, request=request)
    return _addendum_add(session=session, author=author, text=text, now=now)


@transaction.atomic
def _addendum_add(
    *, session: TestSession, author: Clinician, text: str, now: datetime
) -> NoteVersion:
    session = TestSession.objects.select_for_update().get(pk=session.pk)
    if session.is_draft:
        raise ValidationError(NOT_SIGNED)
    if author.clinic_id != session.patient.clinic_id:
        raise ValidationError(NOT_OF_THIS_CLINIC)
    check_may_sign(clinician=author)
    if not text.strip():
        raise ValidationError({"text": EMPTY_ADDENDUM})
    signer = signer_snapshot(clinician=author)
    addendum = Addendum.objects.create(
        session=session, text=text.strip(), author=author, signer=signer, signed_at=now
    )
    original = session.note_versions.get(number=1)
    zone = original.context["session"]["time_zone"]
    # Notes sealed before clinics chose a time format were written 24-hour.
    time_format = original.context.get("time_format", TWENTY_FOUR_HOUR)
    entries = [
        content.addendum_entry(
            text=item.text,
            signer=item.signer,
            signed_at=item.signed_at,
            zone=zone,
            time_format=time_format,
        )
        for item in session.addenda.order_by("signed_at", "id")
    ]
    return _store_version(
        session=session,
        context=original.context,
        addenda=entries,
        addendum=addendum,
        now=now,
        reason=ADDENDUM_REASON,
        signer=signer,
    )
