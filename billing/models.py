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


class Payer(models.Model):
    """An insurer a clinic bills, with its rate per 97750 unit and its unit-counting method."""

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
    rate_97750 = models.DecimalField(
        "rate per 97750 unit",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    method = models.CharField(
        "unit-counting method",
        max_length=14,
        choices=Method.choices,
        default=Method.CMS_8_MINUTE,
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
                condition=models.Q(rate_97750__gte=0), name="payer_rate_not_negative"
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
    """The rules engine's answer for one documented visit, with the facts it was given.

    ``inputs`` holds the visit's documented facts and, when a payer covers the
    date of service, the payer's facts too, so any decision can be replayed and
    explained under audit. A draft is recomputed whenever the documentation,
    the coverage or the payer changes; a final decision was frozen when its note
    was signed, and the database refuses to change it.
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
    # Orders a patient's decisions for the year-to-date charges (KX).
    service_start = models.DateTimeField()
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
    modifiers = models.CharField(max_length=40, blank=True)
    estimated_payment = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00")
    )
    method = models.CharField(max_length=14, choices=Payer.Method.choices, blank=True)
    rules_version = models.CharField(max_length=20, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-service_start"]
        verbose_name = "billing decision"
        indexes = [models.Index(fields=["patient", "service_start"])]

    def __str__(self) -> str:
        if self.payer_id is None:
            return "97750: no payer"
        verdict = "qualifies" if self.qualifies else "does not qualify"
        return f"97750 × {self.units} ({verdict})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def findings(self) -> list[dict[str, Any]]:
        return self.outputs.get("findings", [])

    @property
    def blocking_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == Severity.BLOCKS]
