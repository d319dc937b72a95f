"""Admin where a clinic's front office reviews test sessions and the tests done in them.

Sessions are recorded by clinicians through ``session_save``, so the admin never
adds them, shows their tests read-only and cannot change or delete a signed one.
"""

import tempfile
from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import ForeignKey, QuerySet
from django.forms import ModelChoiceField, ModelForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from clinic import admin as clinic_admin
from clinic.access import clinic_for_user
from clinic.admin_history import ReadOnlyHistoryAdminMixin
from clinic.admin_lists import LargeListMixin
from clinic.admin_scoping import (
    ClinicScopedAdminMixin,
    ReadOnlyAdminMixin,
    scope_to_clinic,
)
from clinic.forms import MAX_DIAGNOSES, input_from
from clinic.models import Clinician
from clinic.services import ClinicianInput, clinician_values, patient_lock
from clinic.time_display import local_clock, local_stamp
from clinic.versions import field_values

from . import catalog
from .forms import MAX_TESTS
from .goals import goal_problems
from .models import (
    Addendum,
    Goal,
    NoteAccessEvent,
    NoteVersion,
    PerformedTest,
    PlanDiagnosis,
    PlanOfCare,
    TestBattery,
    TestSession,
)
from .notes.export import latest_note_versions, note_export_start, notes_zip
from .plan_forms import MAX_GOALS
from .plans import (
    GoalInput,
    PlanDiagnosisInput,
    plan_of_care_inputs,
    plan_of_care_save,
    plan_version_values,
)
from .selectors import session_input_get, session_summary, session_version_values
from .services import (
    BatteryInput,
    batteries_delete,
    battery_save,
    clinician_record_save,
    session_delete,
    session_update,
)

SIDE_LABELS = {"left": "Left", "right": "Right", "na": ""}
NO_SIGNED_NOTES = (
    "None of the selected sessions has a sealed note: {count} are drafts, "
    "signed by their clinician first."
)
DRAFTS_LEFT_OUT = (
    "{count} of the selected sessions are drafts and have no sealed note: "
    "they are left out of this export."
)
# Sent by the page that says which selected sessions are drafts.
CONFIRMED = "signed_only"
EXPORT_NEEDS_A_CLINIC = "Exports are made for a clinic; sign in as one of its users."


def _by_side(values: Mapping[str, object], unit: str) -> str:
    """Write {side: value or [values]} as "Left 24.0 kg · Right 26.5 kg"."""
    parts = []
    for side, value in values.items():
        shown = ", ".join(value) if isinstance(value, list) else str(value)
        label = SIDE_LABELS.get(side, side)
        parts.append(f"{label} {shown} {unit}".strip())
    return " · ".join(parts)


class ClinicianFilter(admin.SimpleListFilter):
    """Filter by clinician, offering only the clinicians of the user's clinic."""

    title = "clinician"
    parameter_name = "clinician"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[str, str]]:
        clinicians = scope_to_clinic(
            queryset=Clinician.objects.select_related("user"), user=request.user
        )
        return [(str(clinician.pk), str(clinician)) for clinician in clinicians]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[TestSession]
    ) -> QuerySet[TestSession]:
        if self.value() and self.value().isdigit():
            return queryset.filter(clinician_id=int(self.value()))
        return queryset


class PerformedTestInline(
    clinic_admin.BoundedInlineMixin,
    ReadOnlyAdminMixin,
    ClinicScopedAdminMixin,
    admin.TabularInline,
):
    """The session's tests as recorded; they change only through the session form."""

    model = PerformedTest
    max_num = MAX_TESTS
    formset = clinic_admin.StoredRowsFormSet
    fields = [
        "test_name",
        "side",
        "start",
        "stop",
        "minutes",
        "trial_values",
        "result",
        "notes",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="test")
    def test_name(self, obj: PerformedTest) -> str:
        return obj.test.name

    @admin.display(description="start")
    def start(self, obj: PerformedTest) -> str:
        return local_clock(obj.started_at, seconds=True)

    @admin.display(description="stop")
    def stop(self, obj: PerformedTest) -> str:
        return local_clock(obj.ended_at, seconds=True)

    @admin.display(description="trials")
    def trial_values(self, obj: PerformedTest) -> str:
        return _by_side(obj.trials, obj.test.unit)

    @admin.display(description="result")
    def result(self, obj: PerformedTest) -> str:
        results = {
            side: value for side, value in obj.results().items() if value is not None
        }
        return _by_side(results, obj.test.unit) or "—"


@admin.register(TestSession)
class TestSessionAdmin(
    clinic_admin.BoundedFormsAdminMixin,
    clinic_admin.VersionedAdminMixin,
    LargeListMixin,
    clinic_admin.PatientColumnsMixin,
    ClinicScopedAdminMixin,
    admin.ModelAdmin,
):
    list_display = [
        "date_of_service",
        "patient_name",
        "mrn",
        "clinician",
        "discipline",
        "status",
        "test_count",
        "timed_minutes",
    ]
    # The patient is found by search (a link may still filter on
    # patient__id__exact): a patient filter listed every patient with a
    # session, as a date hierarchy would every date (clinic.admin_lists).
    list_filter = ["started_at", ClinicianFilter, "status", "discipline"]
    search_fields = ["patient__first_name", "patient__last_name", "patient__mrn"]
    search_help_text = "Patient first or last name, or MRN."
    list_select_related = ["patient", "clinician__user"]
    inlines = [PerformedTestInline]
    actions = ["download_notes_zip", "export_notes_in_background"]
    fields = [
        "patient",
        "clinician",
        "discipline",
        ("started_at", "ended_at"),
        ("total_minutes", "timed_minutes"),
        "reason",
        "interpretation",
        "status",
        ("created_at", "updated_at"),
        ("last_edited_by", "last_edited_at"),
    ]
    # Times in and out frame the tests' own times, and the status moves only by
    # signing, so both change only through the session form and its services.
    readonly_fields = [
        "patient",
        "started_at",
        "ended_at",
        "total_minutes",
        "timed_minutes",
        "status",
        "created_at",
        "updated_at",
        "last_edited_by",
        "last_edited_at",
    ]
    version_noun = "session"
    version_saved_by = "last_edited_by"

    def version_values(self, record: TestSession) -> Mapping[str, object]:
        return session_version_values(record)

    def lock_before_version(self, record: TestSession) -> None:
        patient_lock(patient=record.patient)

    def list_queryset(self, queryset: QuerySet[TestSession]) -> QuerySet[TestSession]:
        # The test count and timed minutes columns read the page's tests: one
        # query for 50 sessions, never a GROUP BY over all of them.
        return queryset.prefetch_related("tests")

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: object
    ) -> ModelChoiceField | None:
        if db_field.name == "clinician":
            # Assistants do not perform formal testing (WPS A53309): the
            # service would refuse one as the session's clinician.
            kwargs["queryset"] = Clinician.objects.select_related("user").exclude(
                role__in=Clinician.ASSISTANT_ROLES
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: TestSession, form: ModelForm, change: bool
    ) -> None:
        # The admin changes a draft's header only; its tests and procedures are
        # handed back unchanged, so the session keeps one write path and billing
        # is recomputed (the clinician and the written report feed it).
        session_update(
            session=obj,
            clinician=form.cleaned_data["clinician"],
            editor=request.user,
            data=session_input_get(session=obj),
        )

    def delete_model(self, request: HttpRequest, obj: TestSession) -> None:
        session_delete(session=obj)

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[TestSession]
    ) -> None:
        for session in queryset:
            session_delete(session=session)

    @admin.action(description="Download the selected signed notes (zip of sealed PDFs)")
    def download_notes_zip(
        self, request: HttpRequest, queryset: QuerySet[TestSession]
    ) -> HttpResponse | None:
        """Send the sealed notes of the selection as one zip.

        A file download shows no page, so a message would wait for the next
        page opened. Drafts in the selection are therefore said on a page of
        their own first, which sends the signed ones on; a selection of drafts
        only goes back to the list, and the message with it.
        """
        versions = latest_note_versions(sessions=queryset)
        unsigned = queryset.filter(status=TestSession.Status.DRAFT).count()
        if not versions.exists():
            messages.warning(request, NO_SIGNED_NOTES.format(count=unsigned))
            return None
        if unsigned and CONFIRMED not in request.POST:
            return TemplateResponse(
                request,
                "admin/assessments/testsession/notes_zip_skips_drafts.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.opts,
                    "title": "Download the signed notes only?",
                    "unsigned": unsigned,
                    "signed": versions.count(),
                    "action": "download_notes_zip",
                    "confirmed": CONFIRMED,
                    "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                    "select_across": request.POST.get("select_across", "0"),
                    "checkbox_name": ACTION_CHECKBOX_NAME,
                },
            )
        # A temporary file, not memory: "Select all" may pick 10,000 notes.
        # FileResponse closes it once sent.
        archive = tempfile.TemporaryFile()  # noqa: SIM115
        notes_zip(
            versions=versions, user=request.user, now=timezone.now(), into=archive
        )
        archive.seek(0)
        return FileResponse(
            archive,
            as_attachment=True,
            filename="perfnote-notes.zip",
            content_type="application/zip",
        )

    @admin.action(description="Export the selected signed notes in the background")
    def export_notes_in_background(
        self, request: HttpRequest, queryset: QuerySet[TestSession]
    ) -> HttpResponse | None:
        # For thousands of notes ("Select all"): the worker builds the zip
        # while the export's page shows its progress.
        clinic = clinic_for_user(user=request.user)
        if clinic is None:
            messages.error(request, EXPORT_NEEDS_A_CLINIC)
            return None
        unsigned = queryset.filter(status=TestSession.Status.DRAFT).count()
        export = note_export_start(user=request.user, clinic=clinic, sessions=queryset)
        if unsigned:
            # Said on the export's page, which this action opens.
            messages.info(request, DRAFTS_LEFT_OUT.format(count=unsigned))
        return redirect(export)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: TestSession | None = None
    ) -> bool:
        if obj is not None and not obj.is_draft:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(
        self, request: HttpRequest, obj: TestSession | None = None
    ) -> bool:
        # "Delete selected" asks this for every chosen session too, so a signed
        # session cannot be bulk-deleted either.
        if obj is not None and not obj.is_draft:
            return False
        return super().has_delete_permission(request, obj)

    @admin.display(description="date of service", ordering="started_at")
    def date_of_service(self, obj: TestSession) -> str:
        return f"{local_stamp(obj.started_at)}–{local_clock(obj.ended_at)}"

    @admin.display(description="tests")
    def test_count(self, obj: TestSession) -> int:
        return len(obj.tests.all())

    @admin.display(description="timed minutes")
    def timed_minutes(self, obj: TestSession) -> int:
        """Minutes of test administration as the session page and billing count them."""
        return session_summary(session=obj).total_timed_minutes

    @admin.display(description="total minutes (time in–out)")
    def total_minutes(self, obj: TestSession) -> int:
        return obj.total_minutes


class ReadOnlyAdmin(ReadOnlyAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """Signed records and their audit trail are shown, never edited or deleted."""


@admin.register(NoteVersion)
class NoteVersionAdmin(ReadOnlyAdmin):
    list_display = ["document_id", "session", "number", "sealed_at", "sha256"]
    list_select_related = ["session__patient"]
    search_fields = [
        "document_id",
        "session__patient__mrn",
        "session__patient__last_name",
    ]
    sealed_at = clinic_admin.stamp_column("created_at", "sealed at")
    fields = [
        "document_id",
        "session",
        "number",
        "addendum",
        "sha256",
        "previous_sha256",
        "created_at",
    ]


@admin.register(Addendum)
class AddendumAdmin(ReadOnlyAdmin):
    list_display = ["session", "author", "signed"]
    list_select_related = ["session__patient", "author__user"]
    signed = clinic_admin.stamp_column("signed_at", "signed at")
    fields = ["session", "author", "text", "signed_at"]


@admin.register(NoteAccessEvent)
class NoteAccessEventAdmin(ReadOnlyAdmin):
    """Who downloaded, printed or exported which patient's note, and when."""

    list_display = [
        "when",
        "action",
        "patient_name",
        "mrn",
        "note_version",
        "user",
        "detail",
    ]
    list_filter = ["action", "at"]
    # The patient is read with the row: one query for the page, never one a row.
    list_select_related = ["note_version__session__patient", "user"]
    search_fields = [
        "note_version__document_id",
        "note_version__session__patient__mrn",
        "note_version__session__patient__last_name",
        "user__username",
    ]
    search_help_text = "Document id, patient MRN or last name, or username."
    when = clinic_admin.stamp_column("at", "at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[NoteAccessEvent]:
        # A row names its note; the sealed PDF and its content stay unread.
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .defer("note_version__pdf", "note_version__context")
        )

    @admin.display(
        description="patient", ordering="note_version__session__patient__last_name"
    )
    def patient_name(self, event: NoteAccessEvent) -> str:
        return event.note_version.session.patient.last_first

    @admin.display(description="MRN", ordering="note_version__session__patient__mrn")
    def mrn(self, event: NoteAccessEvent) -> str:
        return event.note_version.session.patient.mrn


def _by_position(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Order inline rows by their position (ties keep the order shown)."""
    return sorted(rows, key=lambda row: row.get("position") or 0)


def _plan_diagnoses_save(plan: PlanOfCare, rows: list[dict[str, Any]]) -> None:
    data, _diagnoses, goals = plan_of_care_inputs(plan=plan)
    diagnoses = tuple(
        input_from(PlanDiagnosisInput, row)
        for row in _by_position(rows)
        if row.get("code")
    )
    # Part of the admin save save_model began: its editor stays the plan's.
    plan_of_care_save(
        plan=plan,
        patient=plan.patient,
        data=data,
        diagnoses=diagnoses,
        goals=goals,
        editor=plan.updated_by,
    )


def _goals_save(plan: PlanOfCare, rows: list[dict[str, Any]]) -> None:
    data, diagnoses, _goals = plan_of_care_inputs(plan=plan)
    goals = tuple(
        input_from(GoalInput, {**row, "catalog_code": row.get("catalog_code", "")})
        for row in _by_position(rows)
        if row.get("text")
    )
    # Part of the admin save save_model began: its editor stays the plan's.
    plan_of_care_save(
        plan=plan,
        patient=plan.patient,
        data=data,
        diagnoses=diagnoses,
        goals=goals,
        editor=plan.updated_by,
    )


class GoalAdminForm(forms.ModelForm):
    """A goal row: the test picked from the catalog, checked as the service checks it.

    The admin saves the plan and each inline in turn, so a goal the service
    would refuse is stopped here, next to its field, before anything is saved.
    """

    catalog_code = forms.ChoiceField(label="test", required=False)

    class Meta:
        model = Goal
        fields = [
            "position",
            "text",
            "catalog_code",
            "comparison",
            "target",
            "target_on",
        ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_code"].choices = [("", "—"), *catalog.choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        problems = goal_problems(
            catalog_code=data.get("catalog_code", ""),
            comparison=data.get("comparison", ""),
            target=data.get("target"),
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data


class PlanDiagnosisInline(
    clinic_admin.BoundedInlineMixin, ClinicScopedAdminMixin, admin.TabularInline
):
    """The plan's diagnoses, position 0 the primary; saved by plan_of_care_save."""

    model = PlanDiagnosis
    fields = ["position", "code", "description"]
    extra = 0
    max_num = MAX_DIAGNOSES


class GoalInline(
    clinic_admin.BoundedInlineMixin, ClinicScopedAdminMixin, admin.TabularInline
):
    """The plan's goals, in position order; saved by plan_of_care_save."""

    model = Goal
    form = GoalAdminForm
    extra = 0
    max_num = MAX_GOALS


@admin.register(PlanOfCare)
class PlanOfCareAdmin(
    clinic_admin.BoundedFormsAdminMixin,
    clinic_admin.VersionedAdminMixin,
    clinic_admin.ServiceSavedInlinesMixin,
    clinic_admin.PatientColumnsMixin,
    ClinicScopedAdminMixin,
    ReadOnlyHistoryAdminMixin,
    SimpleHistoryAdmin,
):
    """Plans of care with their diagnoses and goals, written through plan_of_care_save.

    The front office keeps the certification up to date when the signed plan
    comes back from the physician; billing reads it for the draft sessions.
    """

    list_display = [
        "patient_name",
        "mrn",
        "discipline",
        "starts_on",
        "certification_from",
        "certification_through",
        "certified_on",
    ]
    list_filter = ["discipline", ("certified_on", admin.EmptyFieldListFilter)]
    search_fields = ["patient__first_name", "patient__last_name", "patient__mrn"]
    search_help_text = "Patient first or last name, or MRN."
    list_select_related = ["patient"]
    inlines = [PlanDiagnosisInline, GoalInline]
    inline_savers = {PlanDiagnosis: _plan_diagnoses_save, Goal: _goals_save}
    fields = [
        "patient",
        "discipline",
        ("starts_on", "onset_on"),
        ("certification_from", "certification_through"),
        "certified_on",
        ("certifying_name", "certifying_npi"),
        ("referring_name", "referring_npi"),
        ("frequency", "duration"),
    ]
    version_noun = "plan of care"

    def version_values(self, record: PlanOfCare) -> Mapping[str, object]:
        return plan_version_values(record)

    def lock_before_version(self, record: PlanOfCare) -> None:
        patient_lock(patient=record.patient)

    def get_readonly_fields(
        self, request: HttpRequest, obj: PlanOfCare | None = None
    ) -> tuple[str, ...]:
        # A plan stays with its patient; its discipline is fixed once sessions
        # are recorded under it (plan_of_care_save refuses the change).
        if obj is None:
            return ()
        if obj.sessions.exists():
            return ("patient", "discipline")
        return ("patient",)

    def save_model(
        self, request: HttpRequest, obj: PlanOfCare, form: ModelForm, change: bool
    ) -> None:
        # The form has filled in obj; its stored rows are handed back unchanged
        # here, and each inline then replaces its own rows through the service.
        data, diagnoses, goals = plan_of_care_inputs(plan=obj)
        plan_of_care_save(
            plan=obj,
            patient=obj.patient,
            data=data,
            diagnoses=diagnoses,
            goals=goals,
            editor=request.user,
        )

    def has_delete_permission(
        self, request: HttpRequest, obj: PlanOfCare | None = None
    ) -> bool:
        # Sessions are billed under a plan; a mistaken plan is corrected, not deleted.
        return False


admin.site.unregister(Clinician)


@admin.register(Clinician)
class ClinicianAdmin(clinic_admin.VersionedAdminMixin, clinic_admin.ClinicianAdmin):
    """Clinic's clinician admin, saving through clinician_record_save.

    A clinician's role and credentials feed the billing of their drafts, which
    this app holds, so the save recomputes them.
    """

    version_noun = "clinician"

    def version_values(self, record: Clinician) -> Mapping[str, object]:
        return clinician_values(record)

    def save_model(
        self, request: HttpRequest, obj: Clinician, form: ModelForm, change: bool
    ) -> None:
        # The form has filled in obj (and, for a new one, its login and clinic).
        clinician_record_save(
            clinician=obj,
            data=input_from(ClinicianInput, form.cleaned_data),
            editor=request.user,
        )


class TestBatteryForm(forms.ModelForm):
    """The battery's tests chosen from the catalog, by category."""

    codes = forms.MultipleChoiceField(
        label="Tests",
        choices=catalog.choices,
        widget=forms.SelectMultiple(attrs={"size": 16}),
        help_text="The session form adds these tests, in catalog order, in one step.",
    )

    class Meta:
        model = TestBattery
        fields = ["clinic", "name", "codes"]


@admin.register(TestBattery)
class TestBatteryAdmin(
    clinic_admin.VersionedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin
):
    """A clinic's test batteries ("Fall risk: TUG, 30 s chair stand, ..."),
    saved through battery_save."""

    form = TestBatteryForm
    list_display = ["name", "test_names"]
    search_fields = ["name"]
    version_noun = "test battery"

    def version_values(self, record: TestBattery) -> Mapping[str, object]:
        return field_values(record, ["name", "codes"])

    @admin.display(description="Tests")
    def test_names(self, obj: TestBattery) -> str:
        return ", ".join(test.name for test in obj.tests)

    def save_model(
        self, request: HttpRequest, obj: TestBattery, form: ModelForm, change: bool
    ) -> None:
        battery_save(
            battery=obj,
            clinic=obj.clinic,
            data=BatteryInput(name=obj.name, codes=tuple(obj.codes)),
            editor=request.user,
        )

    def delete_model(self, request: HttpRequest, obj: TestBattery) -> None:
        batteries_delete(batteries=TestBattery.objects.filter(pk=obj.pk))

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[TestBattery]
    ) -> None:
        batteries_delete(batteries=queryset)
