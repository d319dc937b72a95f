"""Background exports of many notes: watch one build, then download its zip."""

from uuid import UUID

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clinic.audit import audited
from clinic.models import AuditEvent

from ..access import access_note_export_by_uuid
from ..models import NoteExport


def note_export_view(request: HttpRequest, export_uuid: UUID) -> HttpResponse:
    """Show the export's progress; the page reloads itself until the zip is ready."""
    export = access_note_export_by_uuid(user=request.user, export_uuid=export_uuid)
    return render(request, "assessments/note_export.html", {"export": export})


def note_export_download_view(request: HttpRequest, export_uuid: UUID) -> FileResponse:
    export = access_note_export_by_uuid(user=request.user, export_uuid=export_uuid)
    if export.status != NoteExport.Status.DONE:
        raise Http404("This export is not ready.")
    # The worker recorded each note as it went into the zip; this is the zip
    # leaving the system.
    return audited(
        FileResponse(
            export.archive.open("rb"),
            as_attachment=True,
            filename="perfnote-notes.zip",
            content_type="application/zip",
        ),
        request,
        AuditEvent.Action.DOWNLOADED,
    )
