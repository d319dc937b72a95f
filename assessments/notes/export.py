"""Hand sealed notes to a payer: the latest version of each signed session's note."""

import tempfile
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import BinaryIO

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest
from django.tasks import task
from django.utils import timezone

from assessments.models import NoteAccessEvent, NoteExport, NoteVersion, TestSession
from clinic.audit import Who, audit_record, audit_record_many
from clinic.models import AuditEvent, Clinic

# How a note leaving the system reads in the audit log of every look at a
# patient's data (clinic.audit), written beside its note access event.
AUDIT_ACTIONS = {
    NoteAccessEvent.Action.DOWNLOAD: AuditEvent.Action.DOWNLOADED,
    NoteAccessEvent.Action.PRINT: AuditEvent.Action.PRINTED,
    NoteAccessEvent.Action.EXPORT: AuditEvent.Action.EXPORTED,
    NoteAccessEvent.Action.ZIP: AuditEvent.Action.EXPORTED,
}


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
                _handed_out_record(taken, user=user, action=action)
                taken = []
    finally:
        _handed_out_record(taken, user=user, action=action)


def _handed_out_record(
    taken: list[NoteAccessEvent],
    *,
    user: AbstractBaseUser | None,
    action: NoteAccessEvent.Action,
) -> None:
    """Store a chunk's note access events, and an audit event per note beside them."""
    NoteAccessEvent.objects.bulk_create(taken)
    audit_record_many(
        user,
        AUDIT_ACTIONS[action],
        subjects=[
            (event.note_version.session.patient, event.note_version) for event in taken
        ],
    )


def notes_zip(
    *,
    versions: QuerySet[NoteVersion],
    user: AbstractBaseUser | None,
    now: datetime,
    into: BinaryIO,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a zip of the versions' PDFs into a file, recording each; return how many.

    The zip goes to a file (a temporary one for a download), not to memory.
    ``progress`` hears the count after each chunk of notes.
    """
    count = 0
    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in notes_handed_out(
            versions=versions, user=user, action=NoteAccessEvent.Action.ZIP, now=now
        ):
            archive.writestr(version.filename, bytes(version.pdf))
            count += 1
            if progress is not None and count % EXPORT_CHUNK == 0:
                progress(count)
    return count


def note_export_start(
    *, user: AbstractBaseUser, clinic: Clinic, sessions: QuerySet[TestSession]
) -> NoteExport:
    """Store the selection and queue its zip for the worker, once this commits.

    The ids are stored rather than the filter, so the export holds exactly the
    notes selected, whatever is signed or recorded while it waits.
    """
    ids = list(
        sessions.filter(status=TestSession.Status.SIGNED).values_list("pk", flat=True)
    )
    export = NoteExport.objects.create(
        clinic=clinic,
        requested_by=user,
        session_ids=ids,
        total=latest_note_versions(
            sessions=TestSession.objects.filter(pk__in=ids)
        ).count(),
    )
    transaction.on_commit(lambda: note_export_build.enqueue(export_id=export.pk))
    return export


@task()
def note_export_build(*, export_id: int) -> int:
    """Build an export's zip in the worker, counting notes as they go; return how many.

    Each count is saved as it happens (the worker runs outside a transaction),
    so the export's page shows it; a failure marks the export failed.
    """
    export = NoteExport.objects.get(pk=export_id)
    exports = NoteExport.objects.filter(pk=export_id)
    exports.update(status=NoteExport.Status.RUNNING)
    versions = latest_note_versions(
        sessions=TestSession.objects.filter(pk__in=export.session_ids)
    )
    try:
        with tempfile.TemporaryFile() as spool:
            done = notes_zip(
                versions=versions,
                user=export.requested_by,
                now=timezone.now(),
                into=spool,
                progress=lambda count: exports.update(done=count),
            )
            spool.seek(0)
            export.archive.save(f"notes-{export.uuid}.zip", File(spool), save=False)
    except Exception:
        exports.update(status=NoteExport.Status.FAILED, finished_at=timezone.now())
        raise
    exports.update(
        archive=export.archive.name,
        done=done,
        status=NoteExport.Status.DONE,
        finished_at=timezone.now(),
    )
    return done


def note_access_record(
    *,
    version: NoteVersion,
    who: Who,
    action: NoteAccessEvent.Action,
    now: datetime,
    detail: str = "",
) -> NoteAccessEvent:
    """Record that a sealed note left the system: who, which version, how, when.

    ``who`` is the request of a page (the audit event then has its address),
    or the user of a command. The note access log stays the notes' own record;
    the audit event beside it puts the note among every other look at the
    patient, so "who looked at this patient" names downloads too.
    """
    request = who if isinstance(who, HttpRequest) else None
    event = NoteAccessEvent.objects.create(
        note_version=version,
        user=request.user if request is not None else who,
        action=action,
        at=now,
        detail=detail,
    )
    audit_record(
        who, AUDIT_ACTIONS[action], patient=version.session.patient, obj=version
    )
    return event
