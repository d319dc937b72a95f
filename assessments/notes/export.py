"""Hand sealed notes to a payer: the latest version of each signed session's note."""

import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import BinaryIO

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


# Versions read, and access events written, per round trip: an export of 1,000
# notes holds 100 PDFs in memory at a time and makes 10 inserts, not 1,000.
EXPORT_CHUNK = 100


def notes_handed_out(
    *,
    versions: QuerySet[NoteVersion],
    user: AbstractBaseUser | None,
    action: NoteAccessEvent.Action,
    now: datetime,
    detail: str = "",
) -> Iterator[NoteVersion]:
    """Yield each version with its PDF, recording that it left the system.

    The versions are read EXPORT_CHUNK at a time (``iterator``: no result
    cache), so memory stays flat however many notes go out. A version is
    recorded once the caller has taken it; the records of a chunk go in one
    insert, and those of the last chunk when the caller stops, even early.
    """
    taken: list[NoteAccessEvent] = []
    try:
        for version in versions.iterator(chunk_size=EXPORT_CHUNK):
            yield version
            taken.append(
                NoteAccessEvent(
                    note_version=version,
                    user=user,
                    action=action,
                    at=now,
                    detail=detail,
                )
            )
            if len(taken) == EXPORT_CHUNK:
                NoteAccessEvent.objects.bulk_create(taken)
                taken = []
    finally:
        NoteAccessEvent.objects.bulk_create(taken)


def notes_zip(
    *,
    versions: QuerySet[NoteVersion],
    user: AbstractBaseUser | None,
    now: datetime,
    into: BinaryIO,
) -> int:
    """Write a zip of the versions' PDFs into a file, recording each; return how many.

    The zip goes to a file (a temporary one for a download), not to memory.
    """
    count = 0
    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in notes_handed_out(
            versions=versions, user=user, action=NoteAccessEvent.Action.ZIP, now=now
        ):
            archive.writestr(version.filename, bytes(version.pdf))
            count += 1
    return count


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
