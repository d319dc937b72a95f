"""Tenants and people: clinics, the clinicians and admins who work in them, patients."""

import uuid
import zoneinfo
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from . import clock

npi_validator = RegexValidator(r"^\d{10}$", "An NPI is exactly 10 digits.")
icd10_validator = RegexValidator(
    r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$",
    "Give an ICD-10-CM code such as M17.11 (letter, two characters, optional "
    "dot and up to four more).",
)

MAX_AGE_YEARS = 120
DOB_IN_FUTURE = "The date of birth is in the future."
DOB_TOO_OLD = f"The date of birth is more than {MAX_AGE_YEARS} years ago."


def years_before(day: date, years: int) -> date:
    """Return the same calendar day `years` earlier (28 Feb for a 29 Feb that is gone)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


NOT_A_TIME_ZONE = "{zone} is not an IANA time zone such as America/Chicago."
seal_name_validator = RegexValidator(
    r"^[a-z0-9]+(-[a-z0-9]+)*$",
    "Lower-case letters and digits, words joined by single hyphens "
    "(e.g. riverside-pt).",
)


class TimeFormat(models.TextChoices):
    """How the clinic's pages, notes and /verify/ write a time of day."""

    TWENTY_FOUR_HOUR = clock.TWENTY_FOUR_HOUR, "24-hour (14:05)"
    TWELVE_HOUR = clock.TWELVE_HOUR, "12-hour (2:05 PM)"


class VersionStamp(models.Model):
    """Who saved the record last, and when: the version its forms carry back.

    clinic.versions refuses a save over a newer one and names this editor.
    Null for records not saved since versions came; nullable so adding the
    columns rebuilds no table (SQLite would drop its triggers).
    """

    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class Clinic(models.Model):
    """A practice: the tenant every patient, session and payer belongs to."""

    clinic_lookup = "pk"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200)
    address = models.TextField(help_text="As printed on notes, one line per row.")
    phone = models.CharField(max_length=30, blank=True)
    npi = models.CharField(
        "NPI", max_length=10, validators=[npi_validator], help_text="Group NPI."
    )
    tax_id = models.CharField("tax id", max_length=20, blank=True)
    time_zone = models.CharField(
        max_length=64,
        default="America/New_York",
        help_text="Times are typed and printed in this zone.",
    )
    time_format = models.CharField(
        max_length=2,
        choices=TimeFormat.choices,
        default=TimeFormat.TWENTY_FOUR_HOUR,
        help_text="How pages, sealed notes and /verify/ write times, always in "
        "the clinic's time zone.",
    )
    idle_timeout_minutes = models.PositiveSmallIntegerField(
        "idle timeout (minutes)",
        default=15,
        validators=[MinValueValidator(2), MaxValueValidator(720)],
        help_text="Sign a user out after this many minutes without a request; "
        "a warning comes before it.",
    )
    seal_name = models.CharField(
        max_length=40,
        unique=True,
        validators=[seal_name_validator],
        help_text="Names the clinic's document-signing certificate: the file "
        "<PERFNOTE_SEAL_DIR>/<seal name>.p12, opened with the passphrase in the "
        "environment variable PERFNOTE_SEAL_PASSPHRASE_<SEAL NAME> (upper case, "
        "- as _). Neither is ever stored in the database.",
    )
    requires_second_factor = models.BooleanField(
        "requires a second factor",
        default=False,
        help_text="Clinicians and clinic administrators must also type a code "
        "from an authenticator app (TOTP) after their password; the first time, "
        "they set the app up.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A check in clean() rather than a field validator: a migration would
        # import a validator function, and migrations must never change.
        if self.time_zone not in zoneinfo.available_timezones():
            raise ValidationError(
                {"time_zone": NOT_A_TIME_ZONE.format(zone=self.time_zone)}
            )


class Clinician(VersionStamp):
    """A person who performs or signs tests: therapist, physician or assistant."""

    clinic_lookup = "clinic"

    class Role(models.TextChoices):
        PT = "pt", "Physical therapist"
        OT = "ot", "Occupational therapist"
        PHYSICIAN = "physician", "Physician"
        PTA = "pta", "Physical therapist assistant (PTA)"
        OTA = "ota", "Occupational therapy assistant (COTA)"

    ASSISTANT_ROLES = frozenset({Role.PTA, Role.OTA})

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinician"
    )
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="clinicians"
    )
    role = models.CharField(max_length=12, choices=Role.choices)
    credentials = models.CharField(
        max_length=60,
        blank=True,
        help_text='As printed after the name, e.g. "PT, DPT".',
    )
    license_number = models.CharField(max_length=40, blank=True)
    license_state = models.CharField(max_length=2, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True, validators=[npi_validator])
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        name = self.display_name
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def display_name(self) -> str:
        """The person's name as notes print it; the username if none was given."""
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_assistant(self) -> bool:
        return self.role in self.ASSISTANT_ROLES


class ClinicAdmin(models.Model):
    """A member of a clinic's front office who reviews its records in the admin."""

    clinic_lookup = "clinic"

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clinic_admin"
    )
    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="admins")

    class Meta:
        verbose_name = "clinic administrator"

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.clinic})"


class Patient(VersionStamp):
    """A patient of one clinic; the MRN is unique within that clinic."""

    clinic_lookup = "clinic"

    class Sex(models.TextChoices):
        FEMALE = "female", "Female"
        MALE = "male", "Male"
        OTHER = "other", "Other"
        UNKNOWN = "unknown", "Unknown"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="patients"
    )
    mrn = models.CharField("MRN", max_length=30)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices)

    class HandDominance(models.TextChoices):
        RIGHT = "right", "Right"
        LEFT = "left", "Left"
        AMBIDEXTROUS = "ambidextrous", "Ambidextrous"

    # Recorded once for the patient: grip and pinch norms are read for the
    # dominant and the non-dominant hand (Mathiowetz et al. 1985).
    hand_dominance = models.CharField(
        max_length=12, choices=HandDominance.choices, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                "clinic",
                Lower("mrn"),
                name="patient_mrn_unique_in_clinic",
                violation_error_message="Another patient of this clinic has this MRN.",
            ),
        ]
        indexes = [models.Index(fields=["clinic", "last_name", "first_name"])]

    def __str__(self) -> str:
        return f"{self.last_first} (MRN {self.mrn})"

    def clean(self) -> None:
        today = timezone.localdate()
        if self.date_of_birth:
            if self.date_of_birth > today:
                raise ValidationError({"date_of_birth": DOB_IN_FUTURE})
            if self.date_of_birth < years_before(today, MAX_AGE_YEARS):
                raise ValidationError({"date_of_birth": DOB_TOO_OLD})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def last_first(self) -> str:
        """The name as lists, claims and the note's header sort and print it."""
        return f"{self.last_name}, {self.first_name}"


class Diagnosis(models.Model):
    """An ICD-10-CM diagnosis of the patient, printed on the note in this order."""

    clinic_lookup = "patient__clinic"

    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="diagnoses"
    )
    code = models.CharField("ICD-10 code", max_length=8, validators=[icd10_validator])
    description = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "diagnoses"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "code"],
                name="diagnosis_code_unique_per_patient",
                violation_error_message="This diagnosis is listed twice.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"


class AuditEvent(models.Model):
    """One look at a patient's data: who, which clinic and patient, what, when, from where.

    Rows are only ever appended (clinic.audit.audit_record), and database
    triggers refuse UPDATE and DELETE (migration 0008_audit_trail). Each row
    carries the SHA-256 of the row before it (``prev_hash``) and its own
    (``hash``, over its fields and ``prev_hash``), so ``manage.py
    verify_audit_log`` finds a row changed, inserted or deleted by any path
    that goes around the triggers. The ids are given by the chain (1, 2, 3 …
    from AuditChainHead), so a gap is a deleted row.
    """

    clinic_lookup = "clinic"

    class Action(models.TextChoices):
        VIEWED_LIST = "list", "Viewed a list of patients"
        SEARCHED = "search", "Searched for patients"
        VIEWED_PATIENT = "patient", "Viewed a patient"
        VIEWED_SESSION = "session", "Viewed a session"
        VIEWED_PLAN = "plan", "Viewed a plan of care"
        VIEWED_CHART = "chart", "Viewed a trend chart"
        ADMIN_LIST = "admin_list", "Viewed a list in the admin"
        ADMIN_VIEW = "admin_view", "Viewed in the admin"
        DOWNLOADED = "download", "Downloaded"
        PRINTED = "print", "Opened to print"
        EXPORTED = "export", "Exported"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a command run without a user.",
    )
    clinic = models.ForeignKey(
        Clinic,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty only for a superuser's look across clinics.",
    )
    patient = models.ForeignKey(
        Patient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a list of many patients.",
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    what = models.CharField(max_length=200, help_text="The page or the record.")
    query = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()
    ip_address = models.GenericIPAddressField("from", null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["clinic", "-at"]),
            models.Index(fields=["patient", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.what}"


class AuditChainHead(models.Model):
    """The audit chain's last row: its id and hash (one row, id 1).

    An append locks this row (``select_for_update``) before reading it, so
    concurrent appends on PostgreSQL queue up and form one chain; the
    verifier also compares it with the last row, so a row deleted from the
    end shows.
    """

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"audit chain at row {self.last_id}"
