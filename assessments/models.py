"""Test sessions and the standardized tests performed in them."""

import uuid
from decimal import Decimal

from django.conf import settings
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
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        "clinic.Clinician",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signed_sessions",
    )
    # Name, role, credentials, license and NPI as they were at signing: the note
    # must show them so even if the clinician's record changes later.
    signer = models.JSONField(default=dict, blank=True)
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
            models.CheckConstraint(
                condition=models.Q(
                    status="draft", signed_at__isnull=True, signed_by__isnull=True
                )
                | models.Q(
                    status="signed", signed_at__isnull=False, signed_by__isnull=False
                ),
                name="session_signed_fields_match_status",
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


class Addendum(models.Model):
    """A signed correction or addition to a signed note; the only way to change it."""

    session = models.ForeignKey(
        TestSession, on_delete=models.PROTECT, related_name="addenda"
    )
    text = models.TextField()
    author = models.ForeignKey(
        "clinic.Clinician", on_delete=models.PROTECT, related_name="addenda"
    )
    # The author's name, role, credentials, license and NPI at signing.
    signer = models.JSONField(default=dict)
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["signed_at", "id"]
        verbose_name_plural = "addenda"

    def __str__(self):
        return f"Addendum to {self.session} ({self.signed_at:%Y-%m-%d})"


class NoteVersion(models.Model):
    """One sealed PDF of a signed note: the original, then one per addendum.

    Versions are chained: each records the SHA-256 of the one before, so a
    missing or reordered version shows. Rows are never updated or deleted.
    """

    session = models.ForeignKey(
        TestSession, on_delete=models.PROTECT, related_name="note_versions"
    )
    number = models.PositiveSmallIntegerField()
    document_id = models.CharField(max_length=40, unique=True)
    addendum = models.OneToOneField(
        Addendum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="note_version",
    )
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64, unique=True)
    previous_sha256 = models.CharField(max_length=64, blank=True)
    # The note's content as rendered (JSON-safe), so later versions keep it.
    context = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], name="note_version_number_unique"
            )
        ]

    def __str__(self):
        return self.document_id

    @property
    def filename(self):
        return f"{self.document_id}.pdf"


class NoteAccessEvent(models.Model):
    """Who downloaded or exported which sealed note, and when (for auditors)."""

    class Action(models.TextChoices):
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"
        ZIP = "zip", "Downloaded in a zip"

    note_version = models.ForeignKey(
        NoteVersion, on_delete=models.PROTECT, related_name="access_events"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self):
        return f"{self.note_version} {self.action} at {self.at:%Y-%m-%d %H:%M}"
