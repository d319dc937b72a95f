"""Create each clinic's self-signed seal certificate, unless it already exists."""

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.notes.sealing import (
    certificate_fingerprint,
    clinic_seal_certificate_create,
    clinic_seal_certificate_ensure,
    clinic_seal_passphrase,
    clinic_seal_passphrase_variable,
    clinic_seal_path,
)
from clinic.models import Clinic


class Command(BaseCommand):
    help = (
        "Write a self-signed ECDSA P-256 document-signing certificate (PKCS#12) for "
        "each clinic, or the one named by --clinic, to <PERFNOTE_SEAL_DIR>/<seal "
        "name>.p12, encrypted with the clinic's PERFNOTE_SEAL_PASSPHRASE_<SEAL NAME> "
        "(in development, PERFNOTE_SEAL_DEV_PASSPHRASE). An existing file is kept "
        "(exit 0) unless --force is given, so `make run` can call this every time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clinic", help="only this clinic (its name)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace existing files; notes sealed before stay valid but are "
            "no longer trusted by this installation",
        )

    def handle(
        self, *args: object, clinic: str | None, force: bool, **options: object
    ) -> None:
        clinics = Clinic.objects.order_by("name")
        if clinic is not None:
            clinics = clinics.filter(name=clinic)
            if not clinics:
                raise CommandError(f"There is no clinic named {clinic!r}.")
        for row in clinics:
            self._ensure(row, force=force)

    def _ensure(self, clinic: Clinic, *, force: bool) -> None:
        path = clinic_seal_path(clinic)
        try:
            passphrase = clinic_seal_passphrase(clinic)
            if force:
                clinic_seal_certificate_create(clinic=clinic, replace=True)
                created = True
            else:
                created = clinic_seal_certificate_ensure(clinic=clinic)
            if created:
                self.stdout.write(
                    self.style.SUCCESS(f"{clinic}: created seal certificate: {path}")
                )
            else:
                self.stdout.write(f"{clinic}: seal certificate already exists: {path}")
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        try:
            fingerprint = certificate_fingerprint(path, passphrase)
        except ValueError:
            self.stderr.write(
                f"{clinic}: it cannot be opened with "
                f"{clinic_seal_passphrase_variable(clinic)}; its notes cannot be "
                "sealed until the passphrase matches (or use --force to replace it)."
            )
            return
        self.stdout.write(f"{clinic}: SHA-256 fingerprint: {fingerprint}")
