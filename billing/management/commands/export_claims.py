"""Export claims of a date range as a CSV or an 837P file, for a scheduled job."""

import datetime as dt
import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from billing.claim_files import claims_export
from billing.models import Claim, ClaimExport
from clinic.management.dates import date_argument


class Command(BaseCommand):
    help = (
        "Write the ready claims whose date of service is in the range to one file "
        "and mark them exported. Claims exported before are sent again only with "
        "--reexport; void claims never. Nothing is marked exported unless the whole "
        "file was written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="date_from", type=date_argument, required=True
        )
        parser.add_argument("--to", dest="date_to", type=date_argument, required=True)
        parser.add_argument(
            "--format", dest="fmt", choices=ClaimExport.Format.values, required=True
        )
        parser.add_argument("--out", type=Path, required=True, help="file to write")
        parser.add_argument("--clinic", help="clinic name (exact, any case)")
        parser.add_argument(
            "--reexport", action="store_true", help="send exported claims again"
        )

    def handle(
        self,
        *args: object,
        date_from: dt.date,
        date_to: dt.date,
        fmt: str,
        out: Path,
        clinic: str | None,
        reexport: bool,
        **options: object,
    ) -> None:
        if date_to < date_from:
            raise CommandError("--to is before --from.")
        if not out.name or out.exists():
            raise CommandError(f"{out} exists or is not a file name; give a new file.")
        if not out.parent.is_dir() or not os.access(out.parent, os.W_OK):
            raise CommandError(f"Cannot write to {out.parent}.")
        claims = Claim.objects.filter(date_of_service__range=(date_from, date_to))
        if clinic:
            claims = claims.filter(patient__clinic__name__iexact=clinic)
        # Written beside the target and renamed at the end: a failed write leaves
        # no half file, and rolls back the export's marks with it.
        with tempfile.NamedTemporaryFile(dir=out.parent, delete=False) as part:
            try:
                result = claims_export(
                    claims=claims,
                    fmt=fmt,
                    out=part,
                    user=None,
                    reexport=reexport,
                    now=timezone.now(),
                    destination=str(out.resolve()),
                )
            except BaseException:
                Path(part.name).unlink()
                raise
        for number, reason in result.skipped:
            self.stdout.write(f"{number} not exported: {reason}.")
        if result.export is None:
            Path(part.name).unlink()
            self.stdout.write(
                f"No claim to export from {date_from} to {date_to}; no file written."
            )
            return
        Path(part.name).replace(out)
        self.stdout.write(
            f"Wrote {result.written} claim(s) to {out} (export {result.export.pk})."
        )
