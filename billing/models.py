"""Payers, patients' coverage and the stored billing decisions.

The rules themselves live in billing.rules. Nothing here names a model of the
assessments app: a session points at its decision, not the other way round.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from billing.rules import Severity, VisitFacts
from billing.rules.types import DEFAULT_RETEST_INTERVAL_DAYS
from clinic.models import VersionStamp

CPT_CODE_HELP = "A CPT or HCPCS code, e.g. 97750."


class Discipline(models.TextChoices):
    """The plan-of-care discipline a decision bills under (GP or GO)."""

    PT = "PT", "Physical therapy"
    OT = "OT", "Occupational therapy"


class Payer(VersionStamp):
    """An insurer a clinic bills: its kind, its unit-counting method, its testing
    interval, and (in ``rates``) the expected payment per unit of each CPT code."""

    clinic_lookup = "clinic"

    class Kind(models.TextChoices):
        MEDICARE = "medicare", "Medicare"
        MEDICAID = "medicaid", "Medicaid"
        COMMERCIAL = "commercial", "Commercial"
        OTHER = "other", "Other"

    class Method(models.TextChoices):
        CMS_8_MINUTE = "cms_8_minute", "CMS 8-minute rule (minutes pooled)"
        CPT_MIDPOINT = "cpt_midpoint", "CPT midpoint rule (each code on its own)"
        WHOLE_UNITS = "whole_units", "Whole units only (15 minutes per unit)"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="payers"
    )
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    method = models.CharField(
        "unit-counting method",
        max_length=14,
        choices=Method.choices,
        default=Method.CMS_8_MINUTE,
    )
    payer_identifier = models.CharField(
        "payer ID",
        max_length=20,
        blank=True,
        help_text="The payer's electronic ID at the clearinghouse (837P loop 2010BB).",
    )
    retest_interval_days = models.PositiveSmallIntegerField(
        "days between formal tests",
        default=DEFAULT_RETEST_INTERVAL_DAYS,
        help_text="Another 97750 sooner than this is flagged (0: never flagged).",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "name"],
                name="payer_name_unique_in_clinic",
                violation_error_message="This clinic already has a payer of this name.",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    method__in=["cms_8_minute", "cpt_midpoint", "whole_units"]
                ),
                name="payer_method_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PayerRate(models.Model):
    """A payer's expected payment for one unit of a CPT code (its rate table).

    It is what the payer allows for the unit, the patient's deductible and
    coinsurance included, so it is also what counts toward the Medicare KX
    threshold; it is not the clinic's charge (see ClinicFee).
    """

    clinic_lookup = "payer__clinic"

    payer = models.ForeignKey(Payer, on_delete=models.CASCADE, related_name="rates")
    code = models.CharField("CPT", max_length=5, help_text=CPT_CODE_HELP)
    expected_payment = models.DecimalField(
        "expected payment per unit",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "rate"
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "code"],
                name="payer_rate_once_per_code",
                violation_error_message="This code already has a rate.",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_payment__gte=0),
                name="payer_rate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.expected_payment}"


class ClinicFee(VersionStamp):
    """The clinic's charge for one unit of a CPT code: its fee schedule.

    The charge is what the claim bills (CMS-1500 item 24F); the payer pays its
    own rate, whatever the charge.
    """

    clinic_lookup = "clinic"

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.CASCADE, related_name="fees"
    )
    code = models.CharField("CPT", max_length=5, help_text=CPT_CODE_HELP)
    charge = models.DecimalField(
        "charge per unit",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "fee"
        verbose_name_plural = "fee schedule"
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "code"],
                name="clinic_fee_once_per_code",
                violation_error_message="The fee schedule already has this code.",
            ),
            models.CheckConstraint(
                condition=models.Q(charge__gte=0), name="clinic_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.charge}"


class OutsideTherapyAmount(models.Model):
    """Therapy other providers billed for the patient this year, toward KX.

    The clinic reads it from the Medicare eligibility response (HETS); the KX
    threshold counts every provider's allowed amounts, per calendar year and per
    threshold group (PT with speech-language pathology, or OT).
    """

    clinic_lookup = "patient__clinic"

    class Group(models.TextChoices):
        PT_SLP = "PT", "PT and speech-language pathology"
        OT = "OT", "Occupational therapy"

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.CASCADE, related_name="outside_therapy"
    )
    year = models.PositiveSmallIntegerField()
    group = models.CharField("threshold group", max_length=2, choices=Group.choices)
    amount = models.DecimalField(
        "amount used elsewhere",
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    as_of = models.DateField(
        "as of", help_text="The date of the eligibility response it was read from."
    )

    class Meta:
        ordering = ["-year", "group"]
        verbose_name = "therapy amount used elsewhere"
        verbose_name_plural = "therapy amounts used elsewhere"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "year", "group"],
                name="outside_therapy_once_per_year_and_group",
                violation_error_message="This year and group already have an amount.",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="outside_therapy_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.group}: {self.amount}"


COVERAGE_PAYER_OF_ANOTHER_CLINIC = "This payer belongs to another clinic."
COVERAGE_ENDS_BEFORE_START = "Covered until must not be before covered from."


class Coverage(models.Model):
    """A patient's primary insurance: the payer, the member ID and when it applies.

    A visit is billed to the payer only when its date of service falls within the
    coverage dates; an empty date means open-ended on that side.
    """

    clinic_lookup = "patient__clinic"

    patient = models.OneToOneField(
        "clinic.Patient", on_delete=models.CASCADE, related_name="coverage"
    )
    payer = models.ForeignKey(
        Payer,
        on_delete=models.PROTECT,
        related_name="coverages",
        verbose_name="primary payer",
    )
    member_id = models.CharField("member id", max_length=40, blank=True)
    starts_on = models.DateField("covered from", null=True, blank=True)
    ends_on = models.DateField("covered until", null=True, blank=True)

    class Meta:
        verbose_name_plural = "coverage"
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="coverage_ends_after_it_starts",
                violation_error_message=COVERAGE_ENDS_BEFORE_START,
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer} · {self.member_id}" if self.member_id else str(self.payer)

    def clean(self) -> None:
        if (
            self.payer_id
            and self.patient_id
            and (self.payer.clinic_id != self.patient.clinic_id)
        ):
            raise ValidationError({"payer": COVERAGE_PAYER_OF_ANOTHER_CLINIC})
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": COVERAGE_ENDS_BEFORE_START})

    def covers(self, day: date) -> bool:
        """Return True if the coverage applies on this date of service."""
        if self.starts_on is not None and day < self.starts_on:
            return False
        return self.ends_on is None or day <= self.ends_on


class BillingDecision(models.Model):
    """The rules engine's answer for a patient's date of service under one
    plan-of-care discipline, with the facts it was given.

    Units are counted per date of service (CMS Pub. 100-04 Ch. 5 §20.2), so every
    session of the patient that day under the discipline feeds one decision.
    ``inputs`` holds those sessions' documented facts and, when a payer covers
    the date, the payer's facts too, so any decision can be replayed and explained
    under audit. A draft is recomputed whenever the documentation, the coverage or
    the payer changes; a decision becomes final when the day's last note is
    signed, and the database refuses to change it. A session added to a finished
    day makes a new draft that ``supersedes`` the final one.
    """

    clinic_lookup = "patient__clinic"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final (note signed)"

    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="billing_decisions"
    )
    rendering_clinician = models.ForeignKey(
        "clinic.Clinician", on_delete=models.PROTECT, related_name="billing_decisions"
    )
    date_of_service = models.DateField()
    discipline = models.CharField(
        "plan-of-care discipline",
        max_length=2,
        choices=Discipline.choices,
    )
    # The day's first session start: orders the billing review list.
    service_start = models.DateTimeField()
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text="The final decision of the same day that this one replaces.",
    )
    payer = models.ForeignKey(
        Payer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
        help_text="Empty when no coverage applies on the date of service.",
    )
    status = models.CharField(
        max_length=5, choices=Status.choices, default=Status.DRAFT
    )
    inputs = models.JSONField()
    outputs = models.JSONField(default=dict)
    qualifies = models.BooleanField(default=False)
    has_blocking_findings = models.BooleanField(default=False)
    units = models.PositiveSmallIntegerField("97750 units", default=0)
    modifiers = models.CharField("97750 modifiers", max_length=40, blank=True)
    charge = models.DecimalField(
        help_text="The clinic's fee schedule times the units of every line.",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    expected_payment = models.DecimalField(
        help_text="The payer's rate table times the units of every line.",
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
    )
    method = models.CharField(max_length=14, choices=Payer.Method.choices, blank=True)
    rules_version = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-service_start"]
        verbose_name = "billing decision"
        indexes = [
            models.Index(fields=["patient", "service_start"]),
            models.Index(fields=["patient", "date_of_service", "discipline"]),
            # The billing review list: a page read off this index newest first
            # (then by id, as the admin makes its order total), and its count
            # from the columns it filters on, never from the wide table of JSON
            # facts. Key columns, not INCLUDE, so that SQLite builds the same.
            models.Index(
                fields=[
                    "-service_start",
                    "-id",
                    "patient",
                    "qualifies",
                    "has_blocking_findings",
                    "payer",
                    "rendering_clinician",
                    "status",
                    "discipline",
                    "date_of_service",
                ],
                name="decision_newest_first",
            ),
        ]

    def __str__(self) -> str:
        if self.payer_id is None:
            return "97750: no payer"
        verdict = "qualifies" if self.qualifies else "does not qualify"
        return f"97750 × {self.units} ({verdict})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    def visits(self) -> tuple[VisitFacts, ...]:
        """Return the documented visits stored with the decision.

        Decisions stored before billing went by date of service hold one
        session's facts at the top level of their inputs.
        """
        if "visits" in self.inputs:
            return tuple(VisitFacts.from_dict(visit) for visit in self.inputs["visits"])
        return (VisitFacts.from_dict(self.inputs),)

    @property
    def lines(self) -> list[dict[str, Any]]:
        return self.outputs.get("lines", [])

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.outputs.get("findings", [])

    @property
    def blocking_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == Severity.BLOCKS]


class ClaimExport(models.Model):
    """One file of claims handed to a payer or clearinghouse: the audit row.

    Its primary key is the interchange control number of an 837P file, so
    control numbers never repeat. The file itself goes to the admin's storage
    (admin exports) or to the path the command was given.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV (CMS-1500 items)"
        X12_837P = "837p", "ASC X12 837P 005010X222A1"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being written"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    format = models.CharField(max_length=4, choices=Format.choices)
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.DONE)
    # The claims chosen in the admin, written by the worker (a background export).
    selection = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Empty when the export_claims command made it.",
    )
    reexport = models.BooleanField(
        "re-export", default=False, help_text="Claims exported before were sent again."
    )
    claim_count = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(
        default=list, help_text="Claims left out, each with the reason."
    )
    destination = models.CharField(
        max_length=400, blank=True, help_text="The path the command wrote to."
    )
    file = models.FileField(upload_to="claim-exports/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "claim export"

    def __str__(self) -> str:
        return f"Export {self.pk} · {self.get_format_display()} · {self.claim_count}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def control_number(self) -> str:
        """The 9-digit interchange control number of its 837P file (ISA13)."""
        return f"{self.pk:09d}"


class Claim(models.Model):
    """A claim for a patient's date of service, frozen when its notes were signed.

    Everything a CMS-1500 or an 837P needs is copied here at that moment, so the
    claim says what was billed whatever later happens to the patient, the payer
    or the clinic. Only its status moves: ready → exported → void (a corrected
    claim replaces a void one); the database refuses any other change.
    """

    clinic_lookup = "patient__clinic"

    class Status(models.TextChoices):
        READY = "ready", "Ready"
        EXPORTED = "exported", "Exported"
        VOID = "void", "Void"

    class Frequency(models.TextChoices):
        ORIGINAL = "1", "Original"
        REPLACEMENT = "7", "Replacement of a prior claim"

    number = models.CharField("claim number", max_length=20, unique=True)
    decision = models.OneToOneField(
        BillingDecision, on_delete=models.PROTECT, related_name="claim"
    )
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    frequency = models.CharField(
        "claim frequency", max_length=1, choices=Frequency.choices
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="claims"
    )
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="claims")
    rendering_clinician = models.ForeignKey(
        "clinic.Clinician", on_delete=models.PROTECT, related_name="claims"
    )
    date_of_service = models.DateField()
    discipline = models.CharField(max_length=2, choices=Discipline.choices)
    # What the claim says, as it was when the day's notes were signed.
    payer_name = models.CharField(max_length=100)
    payer_identifier = models.CharField("payer ID", max_length=20, blank=True)
    payer_kind = models.CharField(max_length=12, choices=Payer.Kind.choices)
    member_id = models.CharField("insured ID (1a)", max_length=40)
    patient_last_name = models.CharField(max_length=100)
    patient_first_name = models.CharField(max_length=100)
    patient_birth_date = models.DateField()
    patient_sex = models.CharField(max_length=10)
    diagnoses = models.JSONField(help_text="ICD-10-CM codes (21), the primary first.")
    place_of_service = models.CharField("place of service (24B)", max_length=2)
    rendering_last_name = models.CharField(max_length=150)
    rendering_first_name = models.CharField(max_length=150)
    rendering_npi = models.CharField("rendering NPI (24J)", max_length=10)
    billing_name = models.CharField("billing provider (33)", max_length=200)
    billing_npi = models.CharField("billing NPI (33a)", max_length=10)
    billing_tax_id = models.CharField("federal tax ID (25)", max_length=20)
    billing_address = models.JSONField(help_text="Street lines, city, state, ZIP.")
    billing_phone = models.CharField(max_length=30, blank=True)
    referring_name = models.CharField(
        "referring provider (17)", max_length=200, blank=True
    )
    referring_npi = models.CharField("referring NPI (17b)", max_length=10, blank=True)
    total_charge = models.DecimalField(max_digits=10, decimal_places=2)
    total_expected_payment = models.DecimalField(max_digits=10, decimal_places=2)
    created_at = models.DateTimeField()
    # The only columns that change after the claim is made.
    exported_at = models.DateTimeField(null=True, blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    export = models.ForeignKey(
        ClaimExport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="The file it was last exported in.",
    )
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date_of_service", "-pk"]
        indexes = [models.Index(fields=["status", "date_of_service"])]

    def __str__(self) -> str:
        return self.number

    @property
    def patient_name(self) -> str:
        return f"{self.patient_last_name}, {self.patient_first_name}"


class ClaimLine(models.Model):
    """One service line of a claim (CMS-1500 item 24); never changed once made."""

    clinic_lookup = "claim__patient__clinic"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="lines")
    number = models.PositiveSmallIntegerField()
    code = models.CharField("CPT (24D)", max_length=5)
    modifiers = models.CharField("modifiers (24D)", max_length=20, blank=True)
    diagnosis_pointers = models.CharField("diagnosis pointer (24E)", max_length=4)
    units = models.PositiveSmallIntegerField("units (24G)")
    charge = models.DecimalField("charges (24F)", max_digits=10, decimal_places=2)
    expected_payment = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["claim", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "number"], name="claim_line_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.claim} line {self.number}: {self.code} × {self.units}"
