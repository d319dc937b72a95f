"""Payers, patients' coverage and the stored billing decisions.

The rules themselves live in billing.rules. Nothing here names a model of the
assessments app: a session points at its decision, not the other way round.
"""

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from billing.rules import Severity
from billing.rules.types import DEFAULT_RETEST_INTERVAL_DAYS

CPT_CODE_HELP = "A CPT or HCPCS code, e.g. 97750."


class Discipline(models.TextChoices):
    """The plan-of-care discipline a decision bills under (GP or GO)."""

    PT = "PT", "Physical therapy"
    OT = "OT", "Occupational therapy"


class Payer(models.Model):
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
    retest_interval_days = models.PositiveSmallIntegerField(
        "days between formal tests",
        default=DEFAULT_RETEST_INTERVAL_DAYS,
        help_text="Another 97750 sooner than this is flagged (0: never flagged).",
    )

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


class ClinicFee(models.Model):
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

    @property
    def lines(self) -> list[dict[str, Any]]:
        return self.outputs.get("lines", [])

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.outputs.get("findings", [])

    @property
    def blocking_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == Severity.BLOCKS]
