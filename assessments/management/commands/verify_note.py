"""Tell whether a PDF note is sealed, unaltered, ours, and on record."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.notes.verification import note_verify


def yes_no(value: bool) -> str:
    return "yes" if value else "NO"


class Command(BaseCommand):
    help = (
        "Verify a sealed Perfnote PDF: whether its seal is intact and trusted, who "
        "signed it and when, and whether its document id and hash match a note on "
        "record. Exits 0 only when all hold."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the PDF to check")

    def handle(self, *args: object, file: Path, **options: object) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        result = note_verify(pdf=data)
        seal = result.seal
        sealed_with = f"{seal.sealed_by}'s certificate" if seal.sealed_by else "-"
        lines = [
            f"File:           {file}",
            f"SHA-256:        {seal.sha256}",
            f"Seal intact:    {yes_no(seal.intact)}",
            f"Seal trusted:   {yes_no(seal.trusted)}",
            f"Sealed with:    {sealed_with}",
            f"Signed by:      {seal.signer_name or '-'}",
            f"Signed at:      {seal.signed_at.isoformat() if seal.signed_at else '-'}",
            f"Reason:         {seal.reason or '-'}",
            f"Document id:    {seal.document_id or '-'}",
            f"On record:      {yes_no(result.on_record)}",
        ]
        lines += [f"Problem:        {problem}" for problem in result.problems]
        lines.append("VERIFIED" if result.ok else "NOT VERIFIED")
        self.stdout.write("\n".join(lines))
        if not result.ok:
            sys.exit(1)
