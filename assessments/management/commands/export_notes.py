"""Write signed notes as sealed PDFs for a payer's documentation request."""

import datetime as dt
import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from assessments.models import NoteAccessEvent, TestSession
from assessments.notes.export import latest_note_versions, notes_handed_out
from clinic.access import clinic_for_user
from clinic.management.dates import date_argument
from clinic.models import Clinic

NO_SUCH_CLINIC = "No clinic is named {name!r}."
NO_SUCH_USER = "No active user is named {name!r}."
NOT_OF_THE_CLINIC = "{user} does not work in {clinic}: a note leaves only its clinic."
BAD_OUT = "--out must name a folder (new, or empty of nothing but notes): {out}"
UNWRITABLE = "Cannot write to {out}: {reason}"


class Command(BaseCommand):
    help = (
        "Write the newest sealed version of each signed note of one clinic to a "
        "folder, one PDF per session, and record each export against the user who "
        "ran it. Filters narrow the selection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", type=Path, required=True, help="target folder")
        parser.add_argument(
            "--clinic", required=True, help="clinic name (exact, any case)"
        )
        parser.add_argument(
            "--user",
            required=True,
            help="username of the clinic's user the export is recorded against",
        )
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

    def handle(
        self,
        *args: object,
        out: Path,
        date_from: dt.date | None,
        date_to: dt.date | None,
        mrn: str | None,
        payer: str | None,
        clinic: str,
        user: str,
        **options: object,
    ) -> None:
        exporter = _user(user)
        place = Clinic.objects.filter(name__iexact=clinic).first()
        if place is None:
            raise CommandError(NO_SUCH_CLINIC.format(name=clinic))
        if not exporter.is_superuser and clinic_for_user(user=exporter) != place:
            raise CommandError(NOT_OF_THE_CLINIC.format(user=user, clinic=place))
        _writable_folder(out)
        sessions = TestSession.objects.filter(patient__clinic=place)
        if date_from:
            sessions = sessions.filter(started_at__date__gte=date_from)
        if date_to:
            sessions = sessions.filter(started_at__date__lte=date_to)
        if mrn:
            sessions = sessions.filter(patient__mrn__iexact=mrn)
        if payer:
            sessions = sessions.filter(billing_decision__payer__name__iexact=payer)
        now = timezone.now()
        count = 0
        for version in notes_handed_out(
            versions=latest_note_versions(sessions=sessions),
            user=exporter,
            action=NoteAccessEvent.Action.EXPORT,
            now=now,
            detail=f"export_notes --out {out}"[:200],
        ):
            (out / version.filename).write_bytes(bytes(version.pdf))
            count += 1
        self.stdout.write(f"Wrote {count} sealed note(s) to {out}.")


def _user(username: str) -> AbstractBaseUser:
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(NO_SUCH_USER.format(name=username))
    return user


def _writable_folder(out: Path) -> None:
    """Make --out a folder to write into, or say clearly why it cannot be one."""
    if not str(out).strip() or out == Path():
        raise CommandError(BAD_OUT.format(out=repr(str(out))))
    if out.exists() and not out.is_dir():
        raise CommandError(BAD_OUT.format(out=out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(UNWRITABLE.format(out=out, reason=error.strerror)) from None
    if not os.access(out, os.W_OK):
        raise CommandError(UNWRITABLE.format(out=out, reason="permission denied"))
