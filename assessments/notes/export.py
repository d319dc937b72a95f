"""Hand sealed notes to a payer: the latest version of each signed session's note."""

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import OuterRef, QuerySet, Subquery

from assessments.models import NoteAccessEvent, NoteVersion, TestSession


def latest_note_versions(*, sessions: QuerySet[TestSession]) -> QuerySet[NoteVersion]:
    """Return the newest sealed version of each signed session, oldest session first.

    The newest version holds the original note and every addendum, which is
    what a documentation request asks for.
    """
    newest = (
        NoteVersion.objects.filter(session=OuterRef("session"))
        .order_by("-number")
        .values("number")[:1]
    )
    return (
        NoteVersion.objects.filter(
            session__in=sessions.filter(status=TestSession.Status.SIGNED)
        )
        .filter(number=Subquery(newest))
        .select_related("session__patient")
        .order_by("session__started_at", "session_id")
    )


def notes_zip(
    *, versions: Iterable[NoteVersion], user: AbstractBaseUser | None, now: datetime
) -> bytes:
    """Return a zip of the versions' PDFs, recording each one as handed out."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in versions:
            archive.writestr(version.filename, bytes(version.pdf))
            note_access_record(
                version=version, user=user, action=NoteAccessEvent.Action.ZIP, now=now
            )
    return buffer.getvalue()


def note_access_record(
    *,
    version: NoteVersion,
    user: AbstractBaseUser | None,
    action: NoteAccessEvent.Action,
    now: datetime,
    detail: str = "",
) -> NoteAccessEvent:
    """Record that a sealed note left the system: who, which version, how, when."""
    return NoteAccessEvent.objects.create(
        note_version=version, user=user, action=action, at=now, detail=detail
    )
