"""Page input: the session form with its tests and procedures, and the patient form.

Times are typed (or filled by the Start/Stop buttons) as clock times on the
session's date, in the clinic's time zone, which the middleware activates.
"""

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from billing.forms import CoverageForm
from billing.rules.codes import UNTIMED_CODES
from billing.selectors import patient_version_values
from clinic.clock import clock_text
from clinic.forms import (
    DiagnosisFormSet,
    PatientForm,
    ServiceFormMixin,
    VersionField,
    keep_stored_version,
)
from clinic.models import Clinic, Clinician, Patient
from clinic.time_display import get_time_format
from clinic.versions import record_version

from . import catalog, recording
from .models import PerformedTest, PlanOfCare, SameDayProcedure, TestSession
from .recording import CLOCK_FORMAT, ProcedureInput, SessionInput, TestInput
from .selectors import (
    patient_coverage,
    plan_of_care_default,
    session_version_values,
)
from .services import ChartInput
from .timeparse import INVALID_CLOCK, parse_clock

MAX_TRIALS = max(test.trials for test in catalog.CATALOG.values())
MAX_ITEMS = max(len(test.items) for test in catalog.CATALOG.values())


def _condition_specs() -> dict[str, tuple[str, tuple[str, ...]]]:
    """Return every condition key of the catalog with its label and all its choices.

    One form field per key serves every test that names it; the script offers
    only the chosen test's choices and recording.py checks the value against
    that test's condition.
    """
    specs: dict[str, tuple[str, tuple[str, ...]]] = {}
    for test in catalog.CATALOG.values():
        for condition in test.conditions:
            label, choices = specs.get(condition.key, (condition.label, ()))
            merged = choices + tuple(c for c in condition.choices if c not in choices)
            specs[condition.key] = (label, merged)
    return specs


CONDITIONS = _condition_specs()
_GRADE_RE = re.compile(r"[0-5][+\-\N{MINUS SIGN}\N{EN DASH}]?")


class TrialField(forms.CharField):
    """A trial value as typed: a number, or a muscle grade such as 4- or 3+.

    Kept as the typed string, so the precision typed is the precision stored;
    recording.py checks it against the test's range, decimals or grades.
    """

    def to_python(self, value: str | None) -> str:
        text = super().to_python(value).strip()
        if text and not _GRADE_RE.fullmatch(text):
            try:
                number = Decimal(text)
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():
                raise forms.ValidationError("Enter a number.", code="invalid")
        return text


SKIPPED_TIME = (
    "{clock:%H:%M} did not happen on {day:%m/%d/%Y}: the clocks moved forward an "
    "hour. Give the time the clock showed."
)
# Where a recording.Problem about a session or a test is shown on the forms.
_SESSION_FIELDS = {"started_at": "time_in", "ended_at": "time_out", "tests": None}
_TEST_FIELDS = {"started_at": "start", "ended_at": "stop", "trials": None}


def combine(day: dt.date, clock: dt.time) -> dt.datetime:
    """Return an aware datetime for a clock time on a day in the current time zone."""
    return timezone.make_aware(dt.datetime.combine(day, clock))


def skipped_clock_time(day: dt.date, clock: dt.time) -> bool:
    """Return True for a time the clocks jumped over (e.g. 02:30 on spring-forward day)."""
    local = dt.datetime.combine(day, clock, tzinfo=timezone.get_current_timezone())
    back = local.astimezone(dt.UTC).astimezone(local.tzinfo)
    return back.replace(tzinfo=None) != local.replace(tzinfo=None)


def aware_times(
    form: forms.Form, day: dt.date, fields: tuple[str, str]
) -> tuple[dt.datetime, dt.datetime] | None:
    """Return the two clock fields as aware datetimes on the day, or None.

    A time the clocks jumped over gets an error on its field.
    """
    clocks = [form.cleaned_data.get(field) for field in fields]
    if None in clocks:
        return None
    skipped = False
    for field, clock in zip(fields, clocks, strict=True):
        if skipped_clock_time(day, clock):
            form.add_error(field, SKIPPED_TIME.format(clock=clock, day=day))
            skipped = True
    if skipped:
        return None
    return combine(day, clocks[0]), combine(day, clocks[1])


def _local_clock(value: dt.datetime) -> dt.time:
    return timezone.localtime(value).time().replace(microsecond=0)


class ClockInput(forms.TimeInput):
    """A plain text box for a clock time, written in the clinic's time format.

    Not ``type="time"``: the browser's time picker cannot take "0815A" or
    "8:15 am" typed on a tablet, and leaves the field empty instead. A stored
    time is shown as every other page shows it ("14:05:30" or "2:05:30 PM",
    clinic.time_display); what was typed comes back as typed.
    """

    def format_value(self, value: object) -> str | None:
        if isinstance(value, dt.time):
            return clock_text(value, time_format=get_time_format(), seconds=True)
        return super().format_value(value)

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        attrs = {
            "autocomplete": "off",
            "spellcheck": "false",
            "autocapitalize": "off",
            **(attrs or {}),
        }
        super().__init__(attrs=attrs, format=CLOCK_FORMAT)


class ClockField(forms.TimeField):
    """A clock time typed as the clinician likes it (timeparse.parse_clock).

    Parsed here, on the server, so typing works without the page's script.
    """

    widget = ClockInput
    default_error_messages = {"invalid": INVALID_CLOCK}

    def to_python(self, value: object) -> dt.time | None:
        if isinstance(value, dt.time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        try:
            return parse_clock(text)
        except ValueError:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None


def clinician_discipline(clinician: Clinician | None) -> str:
    """Return the discipline a clinician's new work is under: OT for an OT or COTA."""
    occupational = clinician is not None and clinician.role in (
        Clinician.Role.OT,
        Clinician.Role.OTA,
    )
    return TestSession.Discipline.OT if occupational else TestSession.Discipline.PT


def plan_label(plan: PlanOfCare) -> str:
    """Name a plan in a choice list: "PT plan of care from 10/01/2026 (cert. 10/01–12/29/2026)"."""
    return (
        f"{plan} (certification {plan.certification_from:%m/%d/%Y}–"
        f"{plan.certification_through:%m/%d/%Y})"
    )


class SessionForm(forms.Form):
    version = VersionField()
    date = forms.DateField(
        label="Date of service", widget=forms.DateInput(attrs={"type": "date"})
    )
    time_in = ClockField(label="Time in")
    time_out = ClockField(label="Time out")
    discipline = forms.ChoiceField(
        label="Plan-of-care discipline", choices=TestSession.Discipline.choices
    )
    reason = forms.CharField(
        label="Reason for testing",
        help_text="The clinical question these tests answer.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    interpretation = forms.CharField(
        label="Interpretation / written report",
        required=False,
        help_text="What the results mean for function and the plan of care.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    distinct_service_reason = forms.CharField(
        label="Distinct from a same-day evaluation because",
        required=False,
        help_text=(
            "Only with an evaluation or re-evaluation today: 97750 is held until you "
            "say why the testing was a separate service at a separate time."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    plan_of_care = forms.ModelChoiceField(
        label="Plan of care",
        queryset=PlanOfCare.objects.none(),
        required=False,
        empty_label="No plan of care",
        help_text="The plan this session is done under; of the session's discipline.",
    )

    def __init__(
        self, *args: object, patient: Patient | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        if patient is not None:
            # Only this patient's plans can be chosen: another one is not found.
            field = self.fields["plan_of_care"]
            field.queryset = patient.plans_of_care.all()
            field.label_from_instance = plan_label

    @classmethod
    def initial_for(cls, session: TestSession) -> dict:
        return {
            "version": record_version(session, values=session_version_values),
            "plan_of_care": session.plan_of_care_id,
            "date": timezone.localtime(session.started_at).date(),
            "time_in": _local_clock(session.started_at),
            "time_out": _local_clock(session.ended_at),
            "discipline": session.discipline,
            "reason": session.reason,
            "interpretation": session.interpretation,
            "distinct_service_reason": session.distinct_service_reason,
        }

    @classmethod
    def initial_for_new(
        cls, clinician: Clinician, patient: Patient | None = None
    ) -> dict:
        """Start a new session today, under the clinician's own discipline.

        With the patient given, the plan of care is chosen when only one plan of
        that discipline covers today.
        """
        discipline = clinician_discipline(clinician)
        today = timezone.localdate()
        initial = {"date": today, "discipline": discipline}
        if patient is not None:
            initial["plan_of_care"] = plan_of_care_default(
                patient=patient, discipline=discipline, day=today
            )
        return initial


class PerformedTestForm(forms.Form):
    catalog_code = forms.ChoiceField(label="Test", choices=catalog.choices)
    side = forms.ChoiceField(
        choices=[("", "Choose side…"), *PerformedTest.Side.choices]
    )
    start = ClockField()
    stop = ClockField()
    notes = forms.CharField(
        label="Notes and other conditions",
        required=False,
        help_text=(
            "Footwear, guarding, environment or anything else the protocol "
            "does not ask for in its own field."
        ),
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    battery_reason = forms.CharField(
        label="Part of a formal test battery because",
        required=False,
        help_text=(
            "Range of motion and manual muscle tests only: without a reason their "
            "minutes are routine assessment, not 97750 time."
        ),
        widget=forms.Textarea(attrs={"rows": 1}),
    )

    # The stored row's test and scoring rules, so saving a draft recorded
    # before a protocol correction keeps its results unless the test changes.
    recorded_code = forms.CharField(required=False, widget=forms.HiddenInput)
    rules_version = forms.IntegerField(
        required=False, min_value=1, widget=forms.HiddenInput
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_code"].choices = [
            ("", "Choose a test…"),
            *catalog.choices(),
        ]
        for number in range(1, MAX_TRIALS + 1):
            for prefix, label in (("trial", "Trial"), ("right_trial", "Right trial")):
                self.fields[f"{prefix}_{number}"] = TrialField(
                    label=f"{label} {number}",
                    required=False,
                    max_length=12,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                )
        for key, (label, choices) in CONDITIONS.items():
            self.fields[f"condition_{key}"] = (
                forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=[("", "—"), *((c, c) for c in choices)],
                )
                if choices
                else forms.CharField(label=label, required=False, max_length=200)
            )
        for number in range(1, MAX_ITEMS + 1):
            self.fields[f"item_{number}"] = forms.IntegerField(
                label=f"Item {number}",
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    # A row draws only the conditions and item scores of its chosen test (and
    # any holding input or an error): drawing every one of the catalog's in
    # every row took most of the form page's time. The page draws the rest
    # once, from the formset's empty form (all_condition_fields,
    # all_item_fields), and the script copies what a newly chosen test asks
    # for into its row.

    def condition_fields(self) -> list[tuple[str, forms.BoundField]]:
        """Return (key, field) of the conditions this row draws."""
        test = self._chosen_test()
        asked = {condition.key for condition in test.conditions} if test else set()
        return [
            (key, field)
            for key, field in self.all_condition_fields()
            if key in asked or self._holds_input(field)
        ]

    def item_fields(self) -> list[tuple[int, forms.BoundField]]:
        """Return (number, field) of the item scores this row draws."""
        test = self._chosen_test()
        asked = len(test.items) if test else 0
        return [
            (number, field)
            for number, field in self.all_item_fields()
            if number <= asked or self._holds_input(field)
        ]

    def all_condition_fields(self) -> list[tuple[str, forms.BoundField]]:
        return [(key, self[f"condition_{key}"]) for key in CONDITIONS]

    def all_item_fields(self) -> list[tuple[int, forms.BoundField]]:
        return [(n, self[f"item_{n}"]) for n in range(1, MAX_ITEMS + 1)]

    def _chosen_test(self) -> catalog.CatalogTest | None:
        return catalog.CATALOG.get(self["catalog_code"].value() or "")

    @staticmethod
    def _holds_input(field: forms.BoundField) -> bool:
        return field.value() not in (None, "") or bool(field.errors)

    @classmethod
    def initial_for(cls, test: PerformedTest) -> dict:
        initial = {
            "catalog_code": test.catalog_code,
            "side": test.side,
            "start": _local_clock(test.started_at),
            "stop": _local_clock(test.ended_at),
            "notes": test.notes,
            "battery_reason": test.battery_reason,
            "recorded_code": test.catalog_code,
            "rules_version": test.rules_version,
        }
        # What was typed is shown again: the times or loads a trial was
        # computed from, the item scores rather than their total.
        typed = test.details.get("entered") or test.trials
        if test.item_scores:
            typed = {}
        for trial_side, values in typed.items():
            prefix = cls._trial_prefix(test.side, trial_side)
            for number, value in enumerate(values, start=1):
                initial[f"{prefix}_{number}"] = (
                    value if test.test.grades else Decimal(value)
                )
        for key, value in test.conditions.items():
            initial[f"condition_{key}"] = value
        for number, score in enumerate(test.item_scores, start=1):
            initial[f"item_{number}"] = score
        return initial

    @staticmethod
    def _trial_prefix(side: str, trial_side: str) -> str:
        """Return the row of trial fields one side's values are typed in."""
        return "right_trial" if side == "both" and trial_side == "right" else "trial"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # Note where each side's values were typed now: an error added later
        # takes its field out of cleaned_data, and the next problem of the same
        # row must still find the field its own value was typed in.
        side = data.get("side", "")
        self._trial_fields = {
            trial_side: [
                name
                for name, _value in self._typed_trials(
                    self._trial_prefix(side, trial_side)
                )
            ]
            for trial_side in ("left", "right", recording.NOT_APPLICABLE)
        }
        return data

    def trial_field(self, trial_side: str, number: int) -> str:
        """Return the name of the field the trial ``number`` of a side was typed in."""
        typed = self._trial_fields.get(trial_side, [])
        return typed[number - 1] if number <= len(typed) else "trial_1"

    def _typed_trials(self, prefix: str) -> list[tuple[str, str]]:
        names = (f"{prefix}_{number}" for number in range(1, MAX_TRIALS + 1))
        return [
            (name, self.cleaned_data[name])
            for name in names
            if self.cleaned_data.get(name) not in (None, "")
        ]

    def test_input(self, day: dt.date) -> TestInput | None:
        """Return the typed test on the session's day, or None if its times are bad.

        The values typed in the right-hand row count only when both sides were
        tested; the others are those of the side chosen.
        """
        times = aware_times(self, day, ("start", "stop"))
        if times is None:
            return None
        side = self.cleaned_data["side"]
        typed = {}
        for trial_side in recording.TRIAL_SIDES[side]:
            values = self._typed_trials(self._trial_prefix(side, trial_side))
            if values:
                typed[trial_side] = [str(value) for _name, value in values]
        code = self.cleaned_data["catalog_code"]
        details = self._details(catalog.get(code), typed)
        return TestInput(
            catalog_code=code,
            side=side,
            started_at=times[0],
            ended_at=times[1],
            trials=recording.completed_trials(catalog.get(code), side, details, typed),
            notes=self.cleaned_data["notes"],
            battery_reason=self.cleaned_data["battery_reason"],
            details=details,
            rules_version=self._rules_version(code),
        )

    def _rules_version(self, code: str) -> int:
        """Keep the stored row's rules for the same test; new rules otherwise."""
        version = self.cleaned_data.get("rules_version")
        if version and code == self.cleaned_data.get("recorded_code"):
            return version
        return catalog.RULES_VERSION

    def _details(self, entry: catalog.CatalogTest, typed: dict[str, list[str]]) -> dict:
        """Collect the chosen test's conditions, item scores and typed values.

        Fields of other tests (hidden by the script) are left out; an item
        left empty is kept as None so the rules ask for every item.
        """
        data = self.cleaned_data
        conditions = {
            c.key: data[f"condition_{c.key}"].strip()
            for c in entry.conditions
            if data.get(f"condition_{c.key}", "").strip()
        }
        items = [data.get(f"item_{n}") for n in range(1, len(entry.items) + 1)]
        details: dict = {}
        if conditions:
            details["conditions"] = conditions
        if any(score is not None for score in items):
            details["items"] = items
        if entry.entered is not None and typed and _typed_as_entered(entry, conditions):
            details["entered"] = typed
        return details


def _typed_as_entered(entry: catalog.CatalogTest, conditions: dict) -> bool:
    """Say whether the trial fields hold what a trial is computed from.

    Gait speed is computed from times only with the distance timed; without it
    the fields hold speeds, as every 10-metre walk recorded before did, so a
    draft from then is edited without its speeds turning into times.
    """
    speed = entry.entered.derivation is catalog.Derivation.SPEED
    return not speed or bool(conditions.get("distance_m"))


class KeptFormsMixin:
    """The filled-in rows of a formset that are not marked for removal, in order."""

    required_field = ""

    def kept_forms(self) -> list[forms.Form]:
        # Worked out once, after validation: a problem added to a row's required
        # field takes it out of cleaned_data, and the row must still be counted
        # so the next problem's index finds its own row.
        if not hasattr(self, "_kept_forms"):
            self._kept_forms = [
                form
                for form in self.forms
                if form.cleaned_data.get(self.required_field)
                and not (self.can_delete and self._should_delete_form(form))
            ]
        return self._kept_forms


class BasePerformedTestFormSet(KeptFormsMixin, forms.BaseFormSet):
    """The tests of one session, in the order the form shows them."""

    required_field = "catalog_code"
    row_name = "Test"

    def test_inputs(self, day: dt.date) -> tuple[TestInput, ...] | None:
        inputs = [form.test_input(day) for form in self.kept_forms()]
        return None if None in inputs else tuple(inputs)

    def add_problem(self, problem: recording.Problem) -> None:
        form = self.kept_forms()[problem.test]
        if problem.field == "trials" and problem.trial is not None:
            form.add_error(
                form.trial_field(problem.side, problem.trial), problem.message
            )
            return
        field = _TEST_FIELDS.get(problem.field, problem.field)
        form.add_error(field if field in form.fields else None, problem.message)


# Caps on the rows one session can hold; they also bound one request's work: a
# forged TOTAL_FORMS of 100,000 builds this many forms and is refused.
MAX_TESTS = 60
MAX_PROCEDURES = 20

PerformedTestFormSet = forms.formset_factory(
    PerformedTestForm,
    formset=BasePerformedTestFormSet,
    extra=0,
    can_delete=True,
    min_num=1,
    validate_min=False,
    max_num=MAX_TESTS,
    absolute_max=MAX_TESTS,
    validate_max=True,
)


class SameDayProcedureForm(forms.Form):
    """Another procedure the same day; the billing rules pool or check it."""

    code = forms.ChoiceField(
        label="Procedure",
        choices=[("", "Choose a procedure…"), *SameDayProcedure.Code.choices],
    )
    minutes = forms.IntegerField(
        min_value=0,
        max_value=600,
        required=False,
        help_text="Direct minutes; leave empty for untimed codes.",
    )

    def procedure_input(self) -> ProcedureInput:
        code = self.cleaned_data["code"]
        # An untimed code is one unit whatever its length: minutes typed for it
        # mean nothing, so they are dropped rather than refused.
        minutes = 0 if code in UNTIMED_CODES else self.cleaned_data["minutes"] or 0
        return ProcedureInput(code=code, minutes=minutes)


class BaseSameDayProcedureFormSet(KeptFormsMixin, forms.BaseFormSet):
    required_field = "code"
    row_name = "Procedure"

    def procedure_inputs(self) -> tuple[ProcedureInput, ...]:
        return tuple(form.procedure_input() for form in self.kept_forms())

    def add_problem(self, problem: recording.Problem) -> None:
        self.kept_forms()[problem.procedure].add_error(problem.field, problem.message)


SameDayProcedureFormSet = forms.formset_factory(
    SameDayProcedureForm,
    formset=BaseSameDayProcedureFormSet,
    extra=0,
    can_delete=True,
    max_num=MAX_PROCEDURES,
    absolute_max=MAX_PROCEDURES,
    validate_max=True,
)


class SessionEntry:
    """The session page's forms as one: session fields, tests, other procedures.

    It turns what was typed into a recording.SessionInput for the services and
    puts the problems they find next to the fields they concern, so nothing the
    clinician typed is lost.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        session: TestSession | None = None,
        patient: Patient | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        if data is None and session is not None:
            initial = SessionForm.initial_for(session)
        if patient is None and session is not None:
            patient = session.patient
        self.form = SessionForm(data, initial=initial, patient=patient)
        self.tests = PerformedTestFormSet(
            data,
            prefix="tests",
            initial=None
            if session is None
            else [PerformedTestForm.initial_for(test) for test in session.tests.all()],
        )
        self.procedures = SameDayProcedureFormSet(
            data,
            prefix="procedures",
            initial=None
            if session is None
            else [
                {"code": procedure.code, "minutes": procedure.minutes or None}
                for procedure in session.same_day_procedures.all()
            ],
        )

    def cleaned_input(self) -> SessionInput | None:
        """Return the typed session, or None while a field's input is malformed."""
        valid = [
            self.form.is_valid(),
            self.tests.is_valid(),
            self.procedures.is_valid(),
        ]
        if not all(valid):
            return None
        data = self.form.cleaned_data
        window = aware_times(self.form, data["date"], ("time_in", "time_out"))
        tests = self.tests.test_inputs(data["date"])
        if window is None or tests is None:
            return None
        plan = data.get("plan_of_care")
        return SessionInput(
            started_at=window[0],
            ended_at=window[1],
            discipline=data["discipline"],
            reason=data["reason"],
            interpretation=data["interpretation"],
            tests=tests,
            procedures=self.procedures.procedure_inputs(),
            distinct_service_reason=data["distinct_service_reason"],
            plan_of_care_id=plan.pk if plan else None,
        )

    def add_errors(self, error: ValidationError) -> None:
        """Show a service's refusal: each recording problem next to its field."""
        for problem in getattr(error, "problems", ()):
            if problem.test is not None:
                self.tests.add_problem(problem)
            elif problem.procedure is not None:
                self.procedures.add_problem(problem)
            elif problem.field == "tests":
                self.tests.non_form_errors().append(problem.message)
            else:
                field = _SESSION_FIELDS.get(problem.field, problem.field)
                self.form.add_error(
                    field if field in self.form.fields else None, problem.message
                )
        if not hasattr(error, "problems"):
            self.form.add_error(None, error)
        keep_stored_version(self.form, error)

    @property
    def version(self) -> str | None:
        """The version of the draft the form was opened at (None: a new session)."""
        return self.form.cleaned_data.get("version")

    def context(self) -> dict:
        return {"form": self.form, "formset": self.tests, "procedures": self.procedures}


class SignForm(ServiceFormMixin, forms.Form):
    """Signing asks for the password again: the signature is a deliberate act."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput
    )


class AddendumForm(ServiceFormMixin, forms.Form):
    text = forms.CharField(
        label="Addendum",
        help_text="What is corrected or added, and why. The original note stays as signed.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput
    )


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_TOO_LARGE = "The file is larger than 20 MB; a Perfnote note is far smaller."


class VerifyForm(forms.Form):
    pdf = forms.FileField(
        label="PDF note",
        help_text="The file stays on this server only while it is checked.",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self) -> UploadedFile:
        upload = self.cleaned_data["pdf"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(UPLOAD_TOO_LARGE)
        return upload


class PatientEntry:
    """The patient page's forms as one: identity, diagnoses and coverage."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        patient: Patient | None,
        clinic: Clinic,
    ) -> None:
        coverage = patient_coverage(patient=patient)
        self.form = PatientForm(
            data,
            instance=patient,
            initial=patient
            and {"version": record_version(patient, values=patient_version_values)},
        )
        self.diagnoses = DiagnosisFormSet(
            data, prefix="diagnoses", initial=DiagnosisFormSet.initial_for(patient)
        )
        self.coverage = CoverageForm(
            data, clinic=clinic, initial=CoverageForm.initial_for(coverage)
        )

    def cleaned_input(self) -> ChartInput | None:
        """Return what was typed, or None while a field's input is malformed."""
        forms_ = (self.form, self.diagnoses, self.coverage)
        if not all([form.is_valid() for form in forms_]):
            return None
        return ChartInput(
            patient=self.form.patient_input(),
            diagnoses=self.diagnoses.diagnosis_inputs(),
            coverage=self.coverage.coverage_input(),
        )

    @property
    def version(self) -> str | None:
        """The version of the chart the form was opened at (None: a new patient)."""
        return self.form.cleaned_data.get("version")

    def add_errors(self, error: ValidationError) -> None:
        """Show a service's refusal next to the field it names, on either form."""
        keep_stored_version(self.form, error)
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            target = self.coverage if field in self.coverage.fields else self.form
            target.add_error(field if field in target.fields else None, errors)

    def context(self) -> dict:
        return {
            "form": self.form,
            "diagnoses": self.diagnoses,
            "coverage": self.coverage,
        }
