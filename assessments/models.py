"""Test sessions and the standardized tests performed in them."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from . import catalog


def validate_catalog_code(value):
    if value not in catalog.CATALOG:
        raise ValidationError(f"{value} is not a test in the catalog.")


class TestSession(models.Model):
    """One sitting in which a clinician administers standardized tests to a patient."""

    __test__ = False  # not a pytest test class, despite the name

    class Discipline(models.TextChoices):
        PT = "PT", "Physical therapy"
        OT = "OT", "Occupational therapy"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED = "signed", "Signed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="sessions"
    )
    clinician = models.ForeignKey(
        "clinic.Clinician", on_delete=models.PROTECT, related_name="sessions"
    )
    discipline = models.CharField(
        "plan-of-care discipline", max_length=2, choices=Discipline.choices
    )
    started_at = models.DateTimeField("time in")
    ended_at = models.DateTimeField("time out")
    reason = models.TextField(
        "reason for testing",
        help_text="The clinical question these tests answer.",
    )
    interpretation = models.TextField(
        "interpretation / written report",
        blank=True,
        help_text="What the results mean for function and the plan of care.",
    )
    status = models.CharField(
        max_length=6, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gt=models.F("started_at")),
                name="session_ends_after_it_starts",
                violation_error_message="Time out must be after time in.",
            ),
        ]
        indexes = [models.Index(fields=["patient", "-started_at"])]

    def __str__(self):
        return f"{self.patient} — {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self):
        return reverse("assessments:session-detail", args=[self.uuid])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def total_minutes(self):
        """Whole minutes from time in to time out (total treatment time)."""
        return int((self.ended_at - self.started_at).total_seconds() // 60)


class PerformedTest(models.Model):
    """One catalog test done in a session, with its own timing, side and trial values."""

    __test__ = False

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BOTH = "both", "Both"
        NOT_APPLICABLE = "na", "Not applicable"

    session = models.ForeignKey(
        TestSession, on_delete=models.CASCADE, related_name="tests"
    )
    catalog_code = models.CharField(
        "test", max_length=60, validators=[validate_catalog_code]
    )
    side = models.CharField(max_length=5, choices=Side.choices)
    started_at = models.DateTimeField("start")
    ended_at = models.DateTimeField("stop")
    # Trial values per side as decimal strings: {"left": ["24.0", ...], "right": [...]}
    # or {"na": [...]}; strings keep the precision the clinician typed.
    trials = models.JSONField(default=dict)
    notes = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "started_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_at__gt=models.F("started_at")),
                name="performed_test_ends_after_it_starts",
                violation_error_message="Stop must be after start.",
            ),
            models.CheckConstraint(
                condition=models.Q(side__in=["left", "right", "both", "na"]),
                name="performed_test_side_known",
            ),
        ]

    def __str__(self):
        return f"{self.test.name} ({self.get_side_display()})"

    @cached_property
    def test(self):
        return catalog.get(self.catalog_code)

    @property
    def name(self):
        return self.test.name

    @property
    def minutes(self):
        """Whole minutes from start to stop of this test alone."""
        return int((self.ended_at - self.started_at).total_seconds() // 60)

    def trial_values(self):
        """Return {side: [Decimal, ...]} in the order the trials were done."""
        return {
            side: [Decimal(value) for value in values]
            for side, values in self.trials.items()
        }

    def results(self):
        """Return {side: summary result} using the catalog's rule for this test."""
        return {
            side: self.test.result(values)
            for side, values in self.trial_values().items()
        }

    @property
    def has_result(self):
        return any(value is not None for value in self.results().values())
