"""Test sessions and the standardized tests performed in them."""

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from clinic.models import VersionStamp, icd10_validator, npi_validator

from . import catalog
from .recording import UNKNOWN_TEST, conditions_of


class SessionStatus(models.TextChoices):
    """A session is a draft until signed; signing locks it for good.

    Declared outside TestSession so its Meta constraints can name the members.
    """

    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class TestSession(models.Model):
    """One sitting in which a clinician administers standardized tests to a patient."""

    clinic_lookup = "patient__clinic"

    __test__ = False  # not a pytest test class, despite the name

    class Discipline(models.TextChoices):
        PT = "PT", "Physical therapy"
        OT = "OT", "Occupational therapy"

    Status = SessionStatus

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
    distinct_service_reason = models.TextField(
        "distinct from a same-day evaluation because",
        blank=True,
        help_text=(
            "Only with an evaluation or re-evaluation the same day: why the testing "
            "was a separate service at a separate time."
        ),
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
    # The decision of the session's date of service: shared by every session of
    # the patient that day under the same discipline. A signed session keeps the
    # decision it was signed under.
    billing_decision = models.ForeignKey(
        "billing.BillingDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    # Null for sessions recorded before plans of care existed.
    plan_of_care = models.ForeignKey(
        "PlanOfCare",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who saved the draft last, and when (session_create/session_update): the
    # performer on their pages, or the front office correcting it in the admin.
    # Null for sessions saved before edits were attributed.
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    last_edited_at = models.DateTimeField(null=True, blank=True)

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
                    status=SessionStatus.DRAFT,
                    signed_at__isnull=True,
                    signed_by__isnull=True,
                )
                | models.Q(
                    status=SessionStatus.SIGNED,
                    signed_at__isnull=False,
                    signed_by__isnull=False,
                ),
                name="session_signed_fields_match_status",
            ),
        ]
        indexes = [
            models.Index(fields=["patient", "-started_at"]),
            # The admin's session list: a page read off this index newest
            # first (then by id, as the admin makes its order total), and its
            # count from the columns it filters on, never from the table. Key
            # columns, not INCLUDE, so that SQLite builds the same index.
            models.Index(
                fields=[
                    "-started_at",
                    "-id",
                    "patient",
                    "status",
                    "discipline",
                    "clinician",
                ],
                name="session_newest_first",
            ),
            # The home page: a clinician's unsigned notes, oldest first, and
            # the clinic's count of them, read off the drafts alone (few of
            # 100,000 sessions), not the table.
            models.Index(
                fields=["clinician", "started_at"],
                condition=models.Q(status=SessionStatus.DRAFT),
                name="session_drafts_by_clinician",
            ),
            models.Index(
                fields=["patient"],
                condition=models.Q(status=SessionStatus.DRAFT),
                name="session_drafts_by_patient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} — {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:session-detail", args=[self.uuid])

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def total_minutes(self) -> int:
        """Whole minutes from time in to time out (total treatment time)."""
        return int((self.ended_at - self.started_at).total_seconds() // 60)


class PerformedTest(models.Model):
    """One catalog test done in a session, with its own timing, side and trial values."""

    clinic_lookup = "session__patient__clinic"

    __test__ = False

    class Side(models.TextChoices):
        LEFT = "left", "Left"
        RIGHT = "right", "Right"
        BOTH = "both", "Both"
        NOT_APPLICABLE = "na", "Not applicable"

    session = models.ForeignKey(
        TestSession, on_delete=models.CASCADE, related_name="tests"
    )
    catalog_code = models.CharField("test", max_length=60)
    side = models.CharField(max_length=5, choices=Side.choices)
    started_at = models.DateTimeField("start")
    ended_at = models.DateTimeField("stop")
    # Trial values per side as decimal strings: {"left": ["24.0", ...], "right": [...]}
    # or {"na": [...]}; strings keep the precision the clinician typed.
    trials = models.JSONField(default=dict)
    # What the protocol records besides the trials: conditions, item scores and
    # the values typed when trials are computed (recording.TestInput.details).
    details = models.JSONField(default=dict, blank=True)
    # The catalog's scoring rules this result was recorded under: a result
    # stored before a protocol correction keeps the summary it was reported with.
    rules_version = models.PositiveSmallIntegerField(default=catalog.RULES_VERSION)
    notes = models.TextField(blank=True)
    battery_reason = models.TextField(
        "part of a formal test battery because",
        blank=True,
        help_text=(
            "For range of motion or manual muscle testing: why this measure was part "
            "of a formal test battery. Without it, its minutes are not 97750 time."
        ),
    )
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

    def __str__(self) -> str:
        return f"{self.test.name} ({self.get_side_display()})"

    def clean(self) -> None:
        # A check in clean() rather than a field validator: a migration would
        # import a validator function, and migrations must never change.
        if self.catalog_code not in catalog.CATALOG:
            raise ValidationError(
                {"catalog_code": UNKNOWN_TEST.format(code=self.catalog_code)}
            )

    @cached_property
    def test(self) -> catalog.CatalogTest:
        """The catalog entry as recorded: in pounds when the load unit was lb."""
        return catalog.get(self.catalog_code).for_conditions(self.conditions)

    @property
    def conditions(self) -> dict[str, str]:
        return conditions_of(self.details)

    @property
    def item_scores(self) -> list[int]:
        return list(self.details.get("items") or [])

    @property
    def total_only(self) -> bool:
        """True for a scale recorded by its total alone, since items are scored."""
        return (
            bool(self.test.items)
            and not self.item_scores
            and self.rules_version >= catalog.RULES_VERSION
        )

    def limb_symmetry(self) -> Decimal | None:
        """Return the limb symmetry index in percent when both sides were tested."""
        return catalog.limb_symmetry(
            self.test, self.results(), self.conditions.get("involved", "")
        )

    @property
    def name(self) -> str:
        return self.test.name

    @property
    def minutes(self) -> int:
        """Whole minutes from start to stop of this test alone."""
        return int((self.ended_at - self.started_at).total_seconds() // 60)

    def trial_values(self) -> dict[str, list[Decimal]]:
        """Return {side: [Decimal, ...]} in the order the trials were done."""
        return {
            side: [self.test.value_of(value) for value in values]
            for side, values in self.trials.items()
        }

    def results(self) -> dict[str, Decimal | None]:
        """Return {side: summary result} by the rule of the row's rules version."""
        return {
            side: self.test.result(values, self.rules_version)
            for side, values in self.trial_values().items()
        }

    @property
    def has_result(self) -> bool:
        return any(value is not None for value in self.results().values())


class SameDayProcedure(models.Model):
    """Another CPT procedure the patient had on the session's date.

    Timed ones share the CMS minute pool with 97750; untimed ones (evaluations,
    ROM and muscle-testing codes) trigger same-day edits. The billing rules need
    both, so the clinician lists them with the session.
    """

    clinic_lookup = "session__patient__clinic"

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
        TestSession, on_delete=models.CASCADE, related_name="same_day_procedures"
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
                name="same_day_procedure_once_per_session",
                violation_error_message="This procedure is already listed.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.minutes} min)"


class Addendum(models.Model):
    """A signed correction or addition to a signed note; the only way to change it."""

    clinic_lookup = "session__patient__clinic"

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

    def __str__(self) -> str:
        return f"Addendum to {self.session} ({self.signed_at:%Y-%m-%d})"


class NoteVersion(models.Model):
    """One sealed PDF of a signed note: the original, then one per addendum.

    Versions are chained: each records the SHA-256 of the one before, so a
    missing or reordered version shows. Rows are never updated or deleted.
    """

    clinic_lookup = "session__patient__clinic"

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

    def __str__(self) -> str:
        return self.document_id

    @property
    def filename(self) -> str:
        return f"{self.document_id}.pdf"


class NoteAccessEvent(models.Model):
    """Who downloaded or exported which sealed note, and when (for auditors)."""

    clinic_lookup = "note_version__session__patient__clinic"

    class Action(models.TextChoices):
        DOWNLOAD = "download", "Downloaded"
        EXPORT = "export", "Exported"
        ZIP = "zip", "Downloaded in a zip"
        PRINT = "print", "Opened to print"

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

    def __str__(self) -> str:
        return f"{self.note_version} {self.action} at {self.at:%Y-%m-%d %H:%M}"


class NoteExport(models.Model):
    """A zip of many sealed notes, built in the background for the user who asked.

    The admin's "Export ... in the background" action stores the selection
    (the sessions' ids, however many "Select all" picked) and queues
    assessments.tasks.note_export_build; the worker counts the notes written in
    ``done`` so the export's page can show a progress bar, then stores the zip
    in ``archive`` for that user to download.
    """

    clinic_lookup = "clinic"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.PROTECT, related_name="note_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    session_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=7, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    archive = models.FileField(upload_to="note-exports/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.total} note(s), {self.get_status_display().lower()}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:note-export", args=[self.uuid])

    @property
    def percent(self) -> int:
        """How far the worker is, 0-100, for the progress bar."""
        return 100 * self.done // self.total if self.total else 100


class PlanOfCare(models.Model):
    """A patient's episode of care in one discipline: the plan sessions are done under.

    A plan is a living document: frequency, goals or the certification date
    change while sessions go on, so its rows are never locked. A signed note
    keeps the plan as it was at signing (NoteVersion.context), not this row.
    ``certified_on`` empty means the certifying physician or NPP has not
    signed the plan yet.
    """

    clinic_lookup = "patient__clinic"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    patient = models.ForeignKey(
        "clinic.Patient", on_delete=models.PROTECT, related_name="plans_of_care"
    )
    discipline = models.CharField(max_length=2, choices=TestSession.Discipline.choices)
    starts_on = models.DateField("start of care")
    onset_on = models.DateField("onset date", null=True, blank=True)
    certification_from = models.DateField("certification period from")
    certification_through = models.DateField("certification period through")
    certified_on = models.DateField(
        "certified on",
        null=True,
        blank=True,
        help_text="The date the physician or NPP signed the plan; empty until then.",
    )
    certifying_name = models.CharField(
        "certifying physician / NPP", max_length=200, blank=True
    )
    certifying_npi = models.CharField(
        "certifying NPI", max_length=10, blank=True, validators=[npi_validator]
    )
    referring_name = models.CharField("referring provider", max_length=200, blank=True)
    referring_npi = models.CharField(
        "referring NPI", max_length=10, blank=True, validators=[npi_validator]
    )
    frequency = models.CharField(max_length=60, help_text='For example "2x/week".')
    duration = models.CharField(max_length=60, help_text='For example "6 weeks".')
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who saved the plan last (updated_at is when): its version (clinic.versions).
    # Null for plans not saved since.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = "plan of care"
        verbose_name_plural = "plans of care"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    certification_through__gte=models.F("certification_from")
                ),
                name="plan_certification_ends_after_it_starts",
                violation_error_message=(
                    "The certification period ends before it starts."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.discipline} plan of care from {self.starts_on:%m/%d/%Y}"

    def covers(self, day: date) -> bool:
        """Return True if ``day`` lies in the certification period (both ends included)."""
        return self.certification_from <= day <= self.certification_through

    @property
    def is_certified(self) -> bool:
        return self.certified_on is not None


class PlanDiagnosis(models.Model):
    """An ICD-10-CM diagnosis the plan treats; position 0 is the primary one."""

    clinic_lookup = "plan__patient__clinic"

    plan = models.ForeignKey(
        PlanOfCare, on_delete=models.CASCADE, related_name="diagnoses"
    )
    code = models.CharField("ICD-10 code", max_length=8, validators=[icd10_validator])
    description = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "plan diagnosis"
        verbose_name_plural = "plan diagnoses"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="plan_diagnosis_code_unique_per_plan",
                violation_error_message="This diagnosis is listed twice.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    @property
    def is_primary(self) -> bool:
        return self.position == 0


class Goal(models.Model):
    """A goal of the plan in words, optionally measured by a catalog test.

    A measured goal ("TUG under 12 s by 01/15") names the test, whether the
    result should be at most or at least the target, and the target; the
    session page and the note judge each result of that test against it.
    """

    clinic_lookup = "plan__patient__clinic"

    class Comparison(models.TextChoices):
        AT_MOST = "at_most", "at most"
        AT_LEAST = "at_least", "at least"

    plan = models.ForeignKey(PlanOfCare, on_delete=models.CASCADE, related_name="goals")
    text = models.TextField("goal")
    catalog_code = models.CharField("test", max_length=60, blank=True)
    comparison = models.CharField(max_length=8, choices=Comparison.choices, blank=True)
    target = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    target_on = models.DateField("by", null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def test(self) -> catalog.CatalogTest | None:
        return catalog.CATALOG.get(self.catalog_code)


class TestBattery(VersionStamp):
    """A clinic's named set of catalog tests, added to a session in one step.

    A clinic defines its own batteries in the admin ("Fall risk: TUG, 30 s
    chair stand, 4-stage balance, gait speed"); the session form adds one row
    per test. Codes are catalog codes, which never change.
    """

    clinic_lookup = "clinic"

    __test__ = False

    clinic = models.ForeignKey(
        "clinic.Clinic", on_delete=models.CASCADE, related_name="test_batteries"
    )
    name = models.CharField(max_length=100)
    # Catalog codes in the order the rows are added.
    codes = models.JSONField("tests", default=list)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "name"], name="test_battery_name_unique_per_clinic"
            )
        ]
        verbose_name_plural = "test batteries"

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        unknown = [code for code in self.codes if code not in catalog.CATALOG]
        if unknown:
            raise ValidationError(
                {"codes": UNKNOWN_TEST.format(code=", ".join(unknown))}
            )
        if not self.codes:
            raise ValidationError({"codes": "Choose at least one test."})

    @property
    def tests(self) -> list[catalog.CatalogTest]:
        return [catalog.get(code) for code in self.codes]
