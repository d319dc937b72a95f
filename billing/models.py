"""Payers and the stored billing decisions; the rules themselves live in billing.rules."""

import uuid
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models


class Payer(models.Model):
    """An insurer a clinic bills, with its rate per 97750 unit and its unit-counting method."""

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

    def __str__(self):
        return self.name


class SameDayService(models.Model):
    """Another service billed for the patient on the session's date.

    Timed ones share the CMS minute pool with 97750; untimed ones (evaluations,
    ROM and muscle-testing codes) trigger same-day edits. The rules need both.
    """

    class Code(models.TextChoices):
        THERAPEUTIC_EXERCISE = "97110", "97110 Therapeutic exercise (timed)"
        NEUROMUSCULAR = "97112", "97112 Neuromuscular re-education (timed)"
        AQUATIC = "97113", "97113 Aquatic therapy (timed)"
        GAIT = "97116", "97116 Gait training (timed)"
        MANUAL = "97140", "97140 Manual therapy (timed)"
        THERAPEUTIC_ACTIVITIES = "97530", "97530 Therapeutic activities (timed)"
        SELF_CARE = "97535", "97535 Self-care / home management training (timed)"
        WHEELCHAIR = "97542", "97542 Wheelchair management (timed)"
        ESTIM = "97032", "97032 Electrical stimulation, attended (timed)"
        IONTOPHORESIS = "97033", "97033 Iontophoresis (timed)"
        ULTRASOUND = "97035", "97035 Ultrasound (timed)"
        PT_EVAL_LOW = "97161", "97161 PT evaluation, low complexity"
        PT_EVAL_MODERATE = "97162", "97162 PT evaluation, moderate complexity"
        PT_EVAL_HIGH = "97163", "97163 PT evaluation, high complexity"
        PT_REEVAL = "97164", "97164 PT re-evaluation"
        OT_EVAL_LOW = "97165", "97165 OT evaluation, low complexity"
        OT_EVAL_MODERATE = "97166", "97166 OT evaluation, moderate complexity"
        OT_EVAL_HIGH = "97167", "97167 OT evaluation, high complexity"
        OT_REEVAL = "97168", "97168 OT re-evaluation"
        ROM_EXTREMITY = "95851", "95851 Range of motion measurements, each extremity"
        ROM_HAND = "95852", "95852 Range of motion measurements, hand"
        MMT_EXTREMITY = "95831", "95831 Muscle testing, extremity or trunk"
        MMT_HAND = "95832", "95832 Muscle testing, hand"

    session = models.ForeignKey(
        "assessments.TestSession",
        on_delete=models.CASCADE,
        related_name="same_day_services",
    )
    code = models.CharField("CPT", max_length=5, choices=Code.choices)
    minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Direct minutes for timed codes; 0 for untimed ones."
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "code"],
                name="same_day_service_once_per_session",
                violation_error_message="This service is already listed.",
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.minutes} min)"


class BillingDecision(models.Model):
    """The rules engine's answer for one session, with the facts it was given.

    Inputs and outputs are stored as JSON snapshots so any decision can be
    replayed and explained under audit; the row is recomputed while the session
    is a draft and frozen from the moment it is signed.
    """

    session = models.OneToOneField(
        "assessments.TestSession",
        on_delete=models.CASCADE,
        related_name="billing_decision",
    )
    inputs = models.JSONField()
    outputs = models.JSONField()
    qualifies = models.BooleanField()
    has_blocking_findings = models.BooleanField()
    units = models.PositiveSmallIntegerField("97750 units")
    modifiers = models.CharField(max_length=40, blank=True)
    estimated_payment = models.DecimalField(max_digits=10, decimal_places=2)
    method = models.CharField(max_length=14, choices=Payer.Method.choices)
    rules_version = models.CharField(max_length=20)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["-computed_at"]
        verbose_name = "billing decision"

    def __str__(self):
        verdict = "qualifies" if self.qualifies else "does not qualify"
        return f"97750 × {self.units} ({verdict})"

    @property
    def findings(self):
        return self.outputs.get("findings", [])

    @property
    def blocking_findings(self):
        return [f for f in self.findings if f["severity"] == "blocks"]
