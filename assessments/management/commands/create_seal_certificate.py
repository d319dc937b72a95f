"""Create the clinic's self-signed seal certificate, unless it already exists."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from assessments.notes.sealing import certificate_fingerprint, seal_certificate_create


class Command(BaseCommand):
    help = (
        "Write a self-signed ECDSA P-256 document-signing certificate as PKCS#12 to "
        "PERFNOTE_SEAL_PKCS12, encrypted with PERFNOTE_SEAL_PASSPHRASE. An existing "
        "file is kept (exit 0) unless --force is given, so `make run` can call this "
        "every time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--common-name",
            default="Perfnote document seal",
            help="the certificate's subject CN, shown as the signer by PDF readers",
        )
        parser.add_argument("--organization", default="", help="the subject's O")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace an existing file; notes sealed before stay valid but are "
            "no longer trusted by this installation",
        )

    def handle(
        self,
        *args: object,
        common_name: str,
        organization: str,
        force: bool,
        **options: object,
    ) -> None:
        path = Path(settings.PERFNOTE_SEAL_PKCS12)
        passphrase = settings.PERFNOTE_SEAL_PASSPHRASE
        if path.exists() and not force:
            self.stdout.write(f"Seal certificate already exists: {path}")
            self._fingerprint(path, passphrase)
            return
        if force:
            path.unlink(missing_ok=True)
        seal_certificate_create(
            path=path,
            passphrase=passphrase,
            common_name=common_name,
            organization=organization,
        )
        self.stdout.write(self.style.SUCCESS(f"Created seal certificate: {path}"))
        self._fingerprint(path, passphrase)

    def _fingerprint(self, path: Path, passphrase: str) -> None:
        try:
            fingerprint = certificate_fingerprint(path, passphrase)
        except ValueError:
            self.stderr.write(
                "It cannot be opened with PERFNOTE_SEAL_PASSPHRASE; notes cannot be "
                "sealed until the passphrase matches (or use --force to replace it)."
            )
            return
        self.stdout.write(f"SHA-256 fingerprint: {fingerprint}")
