"""Write signed notes as sealed PDFs for a payer's documentation request."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from assessments.models import NoteAccessEvent, TestSession
from assessments.notes.export import latest_note_versions, notes_handed_out
from clinic.management.dates import date_argument


class Command(BaseCommand):
    help = (
        "Write the newest sealed version of each signed note to a folder, one PDF "
        "per session, and record each export. Filters narrow the selection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="target folder")
        parser.add_argument(
            "--from", dest="date_from", type=date_argument, help="first date of service"
        )
        parser.add_argument(
            "--to", dest="date_to", type=date_argument, help="last date of service"
        )
        parser.add_argument("--mrn", help="patient MRN")
        parser.add_argument(
            "--payer", help="payer the note was billed to (exact name, any case)"
        )
        parser.add_argument("--clinic", help="clinic name (exact, any case)")

    def handle(
        self,
        *args: object,
        out: Path,
        date_from: dt.date | None,
        date_to: dt.date | None,
        mrn: str | None,
        payer: str | None,
        clinic: str | None,
        **options: object,
    ) -> None:
        sessions = TestSession.objects.all()
        if date_from:
            sessions = sessions.filter(started_at__date__gte=date_from)
        if date_to:
            sessions = sessions.filter(started_at__date__lte=date_to)
        if mrn:
            sessions = sessions.filter(patient__mrn__iexact=mrn)
        if payer:
            sessions = sessions.filter(billing_decision__payer__name__iexact=payer)
        if clinic:
            sessions = sessions.filter(patient__clinic__name__iexact=clinic)
        out.mkdir(parents=True, exist_ok=True)
        now = timezone.now()
        count = 0
        for version in notes_handed_out(
            versions=latest_note_versions(sessions=sessions),
            user=None,
            action=NoteAccessEvent.Action.EXPORT,
            now=now,
            detail=f"export_notes --out {out}"[:200],
        ):
            (out / version.filename).write_bytes(bytes(version.pdf))
            count += 1
        self.stdout.write(f"Wrote {count} sealed note(s) to {out}.")
