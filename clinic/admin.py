"""Admin for clinics, clinicians, clinic administrators, patients and the audit log,
scoped by clinic."""

from collections.abc import Callable, Iterator, Mapping
from http import HTTPStatus
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from simple_history.admin import SimpleHistoryAdmin

from .access import clinic_for_user
from .admin_history import ReadOnlyHistoryAdminMixin
from .admin_scoping import ClinicScopedAdminMixin, ReadOnlyAdminMixin
from .forms import (
    MAX_DIAGNOSES,
    VersionField,
    forged_form_count,
    input_from,
    keep_stored_version,
)
from .models import AuditEvent, Clinic, ClinicAdmin, Clinician, Diagnosis, Patient
from .services import (
    DiagnosisInput,
    PatientInput,
    patient_diagnoses_set,
    patient_save,
    patient_values,
)
from .time_display import local_stamp
from .versions import StaleEditError, lock_version, record_version

type Fieldsets = list[tuple[str | None, dict[str, Any]]]
# Set on a request whose change form is shown again as stale (VersionedAdminMixin).
STALE_EDIT_SHOWN = "perfnote_stale_edit_shown"


@admin.register(Clinic)
class ClinicModelAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """A clinic administrator sees their own clinic only; superusers manage clinics."""

    list_display = [
        "name",
        "npi",
        "phone",
        "time_zone",
        "time_format",
        "requires_second_factor",
    ]
    search_fields = ["name", "npi"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return request.user.is_superuser


@admin.register(Clinician)
class ClinicianAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "credentials",
        "role",
        "license_number",
        "license_state",
        "npi",
        "is_active",
        "clinic",
    ]
    list_filter = ["role", "is_active"]
    search_fields = ["user__first_name", "user__last_name", "user__username", "npi"]
    list_select_related = ["user", "clinic"]

    @admin.display(description="name", ordering="user__last_name")
    def name(self, obj: Clinician) -> str:
        return obj.display_name

    def get_readonly_fields(
        self, request: HttpRequest, obj: Clinician | None = None
    ) -> tuple[str, ...]:
        # Accounts are managed by superusers; a front office cannot move a login
        # between people.
        if request.user.is_superuser:
            return ()
        return ("user",)


@admin.register(ClinicAdmin)
class ClinicAdministratorAdmin(admin.ModelAdmin):
    """Who administers which clinic: only superusers see or change this."""

    list_display = ["user", "clinic"]
    list_select_related = ["user", "clinic"]
    list_filter = ["clinic"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return request.user.is_superuser

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return request.user.is_superuser


class PatientColumnsMixin:
    """List columns for records of one patient: the name as "Last, First" and the MRN."""

    @admin.display(description="patient", ordering="patient__last_name")
    def patient_name(self, obj: Model) -> str:
        return obj.patient.last_first

    @admin.display(description="MRN", ordering="patient__mrn")
    def mrn(self, obj: Model) -> str:
        return obj.patient.mrn


def stamp_column(field: str, description: str) -> Callable[[object, Model], str]:
    """Return a list column writing a moment in the clinic's zone and time format.

    The admin's own date display follows the server's locale (12-hour "p.m."),
    which is not the clinic's choice (clinic.time_display).
    """

    @admin.display(description=description, ordering=field)
    def column(model_admin: object, obj: Model) -> str:
        return local_stamp(getattr(obj, field))

    return column


class BoundedInlineMixin:
    """An inline builds at most ``max_num`` forms, whatever TOTAL_FORMS a post claims.

    Django's inline formsets otherwise build up to ``max_num`` + 1,000 forms
    (``absolute_max``): a forged TOTAL_FORMS=100000 on a plan of care's change
    page took 2.6 s a request (tests/test_fuzz_posts.py). Every inline of the
    admin sets ``max_num`` to what its record can hold and mixes this in;
    tests/clinic/test_admin.py checks that none is left out.
    """

    max_num: int

    def get_formset(
        self, request: HttpRequest, obj: Model | None = None, **kwargs: object
    ) -> type[BaseInlineFormSet]:
        return super().get_formset(request, obj, absolute_max=self.max_num, **kwargs)


class BoundedFormsAdminMixin:
    """A change form posted with more inline rows than they hold is answered 400.

    The inlines built only their maximum (BoundedInlineMixin) and say so on
    the page; no form offers that many rows, so the post was forged or broken
    (clinic.forms.forged_form_count), as on the clinician pages.
    """

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        *args: object,
        **kwargs: object,
    ) -> HttpResponse:
        response = super().render_change_form(request, context, *args, **kwargs)
        inlines = context.get("inline_admin_formsets", [])
        if forged_form_count(inline.formset for inline in inlines):
            response.status_code = HTTPStatus.BAD_REQUEST
        return response


class StoredRowsFormSet(BaseInlineFormSet):
    """A read-only inline's rows as stored now, whatever a post carried back.

    A save made meanwhile may have replaced the rows (new ids), and a stale
    form is shown again (VersionedAdminMixin): the posted ids would name rows
    that are gone. Nothing of a read-only inline is saved, so its forms take
    no data.
    """

    def __init__(
        self, data: object = None, files: object = None, **kwargs: object
    ) -> None:
        super().__init__(None, None, **kwargs)

    def is_valid(self) -> bool:
        return True


class VersionedAdminMixin:
    """Carry the record's version in its change form; refuse a stale save there.

    The form's clean() locks the row (the admin saves inside one transaction,
    so the lock lasts until the save is done) and compares the version the
    form was opened at (clinic.versions). A stale save shows the form again
    with the user's input and a message saying who changed what, and when;
    saving again, knowingly, goes through. ``save_model`` hands the request's
    user to the record's service as its editor.
    """

    version_noun = "record"
    version_saved_by = "updated_by"

    def version_values(self, record: Model) -> Mapping[str, object]:
        """Return what the record's version fingerprints (clinic.versions)."""
        raise NotImplementedError

    def lock_before_version(self, record: Model) -> None:
        """Lock what the record's service locks before the record (nothing here).

        The form locks the record before the service runs, so it takes those
        locks first, in the service's order (clinic.services.patient_lock).
        """

    def get_fieldsets(
        self, request: HttpRequest, obj: Model | None = None
    ) -> Fieldsets:
        (name, options), *rest = super().get_fieldsets(request, obj)
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def get_form(
        self,
        request: HttpRequest,
        obj: Model | None = None,
        change: bool = False,
        **kwargs: object,
    ) -> type[ModelForm]:
        kwargs["form"] = self._versioned_form(kwargs.get("form", self.form), request)
        return super().get_form(request, obj, change, **kwargs)

    def _versioned_form(
        self, base: type[ModelForm], request: HttpRequest
    ) -> type[ModelForm]:
        model_admin = self

        class VersionedForm(base):
            version = VersionField()

            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, **kwargs)
                if self.instance.pk:
                    self.fields["version"].initial = record_version(
                        self.instance, values=model_admin.version_values
                    )

            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                if self.instance.pk:
                    model_admin.lock_before_version(self.instance)
                    try:
                        lock_version(
                            self.instance,
                            expected=cleaned.get("version"),
                            noun=model_admin.version_noun,
                            values=model_admin.version_values,
                            saved_by=model_admin.version_saved_by,
                        )
                    except StaleEditError as exc:
                        keep_stored_version(self, exc)
                        setattr(request, STALE_EDIT_SHOWN, True)
                        raise
                return cleaned

        VersionedForm.__name__ = base.__name__
        return VersionedForm


type InlineSaver = Callable[[Model, list[dict[str, Any]]], object]

NOT_THIS_RECORDS_ROW = (
    "A row of this form belongs to another record; reload the page and try again."
)


class OwnRowsFormSetMixin:
    """Refuse an inline row whose id is not one of the parent record's own rows.

    The admin's id field accepts any row of the model, and a service that
    rewrites the rows from their values would quietly add a copy of another
    patient's (or clinic's) row; here the whole form is refused instead.
    """

    def clean(self) -> None:
        super().clean()
        own = set(self.get_queryset().values_list("pk", flat=True))
        for form in self.forms:
            row = getattr(form, "cleaned_data", {}).get(self.model._meta.pk.name)
            if row is not None and row.pk not in own:
                raise ValidationError(NOT_THIS_RECORDS_ROW)


class ServiceSavedInlinesMixin:
    """Save chosen inlines through a service instead of ``formset.save()``.

    ``inline_savers`` maps an inline's model to ``save(parent, rows)``, which is
    given the rows the user kept (filled in, not ticked for deletion) in the
    order shown. The admin's change message reads what ``save()`` would have
    recorded; a service-saved inline records no rows there (the history then
    names none).
    """

    inline_savers: Mapping[type[Model], InlineSaver] = {}

    def get_formsets_with_inlines(
        self, request: HttpRequest, obj: Model | None = None
    ) -> Iterator[tuple[type[BaseInlineFormSet], InlineModelAdmin]]:
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            if inline.model in self.inline_savers:
                formset = type(formset.__name__, (OwnRowsFormSetMixin, formset), {})
            yield formset, inline

    def get_inline_formsets(
        self,
        request: HttpRequest,
        formsets: list[BaseInlineFormSet],
        inline_instances: list[InlineModelAdmin],
        obj: Model | None = None,
    ) -> list:
        """Show a stale form's rows again with the values typed, on the rows stored.

        A save made meanwhile may have replaced the stored rows (new ids), so the
        ids the form carried may name rows that are gone; the next save, made
        knowingly, must still go through and store the rows as typed.
        """
        if getattr(request, STALE_EDIT_SHOWN, False):
            formsets = [
                _rows_as_stored(formset)
                if formset.model in self.inline_savers
                else formset
                for formset in formsets
            ]
        return super().get_inline_formsets(request, formsets, inline_instances, obj)

    def save_formset(
        self,
        request: HttpRequest,
        form: ModelForm,
        formset: BaseInlineFormSet,
        change: bool,
    ) -> None:
        save = self.inline_savers.get(formset.model)
        if save is None:
            super().save_formset(request, form, formset, change)
            return
        kept = [
            row.cleaned_data
            for row in formset.forms
            if row.cleaned_data and not row.cleaned_data.get("DELETE")
        ]
        save(form.instance, kept)
        formset.new_objects = []
        formset.changed_objects = []
        formset.deleted_objects = []


def _rows_as_stored(formset: BaseInlineFormSet) -> BaseInlineFormSet:
    """Return the formset bound to the same values, its rows naming the rows stored.

    Row by row in order: the service saves rows by their values, so which
    stored row a typed row names matters only to the form's own checks.
    """
    stored = list(formset.queryset.all())
    total = formset.total_form_count()
    data = formset.data.copy()
    for index in range(total):
        pk = stored[index].pk if index < len(stored) else ""
        data[formset.add_prefix(f"{index}-id")] = str(pk)
    data[formset.add_prefix("INITIAL_FORMS")] = str(min(len(stored), total))
    return type(formset)(
        data,
        formset.files,
        instance=formset.instance,
        prefix=formset.prefix,
        queryset=formset.queryset,
    )


def _diagnoses_save(patient: Patient, rows: list[dict[str, Any]]) -> None:
    """Save the diagnosis rows in position order (ties keep the order shown)."""
    ordered = sorted(
        (row for row in rows if row.get("code")),
        key=lambda row: row.get("position") or 0,
    )
    patient_diagnoses_set(
        patient=patient, diagnoses=[input_from(DiagnosisInput, row) for row in ordered]
    )


class DiagnosisInline(BoundedInlineMixin, ClinicScopedAdminMixin, admin.TabularInline):
    """The patient's diagnoses; saved in position order by patient_diagnoses_set."""

    model = Diagnosis
    fields = ["position", "code", "description"]
    extra = 0
    max_num = MAX_DIAGNOSES


@admin.register(Patient)
class PatientAdmin(
    BoundedFormsAdminMixin,
    VersionedAdminMixin,
    ServiceSavedInlinesMixin,
    ClinicScopedAdminMixin,
    ReadOnlyHistoryAdminMixin,
    SimpleHistoryAdmin,
):
    """Patients and their diagnoses, written through clinic.services like the pages.

    Each save keeps the patient as it was (its history page); the change page
    links to the audit log of everyone who looked at the patient.
    """

    list_display = ["last_name", "first_name", "mrn", "date_of_birth", "sex"]
    list_display_links = ["last_name", "first_name"]
    list_filter = ["sex"]
    search_fields = ["first_name", "last_name", "mrn"]
    inlines = [DiagnosisInline]
    inline_savers = {Diagnosis: _diagnoses_save}
    fields = [
        "clinic",
        ("first_name", "last_name"),
        "mrn",
        ("date_of_birth", "sex"),
        "hand_dominance",
        "access_log",
    ]
    readonly_fields = ["access_log"]

    @admin.display(description="access log")
    def access_log(self, patient: Patient) -> SafeString | str:
        if patient.pk is None:
            return "—"
        url = reverse("admin:clinic_auditevent_changelist")
        query = urlencode({"patient__id__exact": patient.pk})
        return format_html('<a href="{}?{}">Who looked at this patient</a>', url, query)

    version_noun = "patient"

    def version_values(self, record: Patient) -> Mapping[str, object]:
        return patient_values(record)

    def save_model(
        self, request: HttpRequest, obj: Patient, form: ModelForm, change: bool
    ) -> None:
        # The form has filled in obj; the service checks and saves it.
        patient_save(
            patient=obj,
            clinic=form.cleaned_data["clinic"],
            data=input_from(PatientInput, form.cleaned_data),
            editor=request.user,
        )


class AuditUserFilter(admin.SimpleListFilter):
    """Events of one user: the clinic's clinicians and administrators are offered."""

    title = "user"
    parameter_name = "user"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[int, str]]:
        users = get_user_model().objects.order_by("username")
        if not request.user.is_superuser:
            clinic = clinic_for_user(user=request.user)
            users = users.filter(
                Q(clinician__clinic=clinic) | Q(clinic_admin__clinic=clinic)
            )
        return [(user.pk, user.get_username()) for user in users]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[AuditEvent]
    ) -> QuerySet[AuditEvent]:
        return queryset.filter(user_id=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """Who looked at which patient's data, when and from where: read, never edited.

    Nobody adds, changes or deletes an event here, superusers included; the
    database refuses it too (migration 0008_audit_trail).
    """

    list_display = ["when", "user", "action", "patient_name", "mrn", "what", "query"]
    list_filter = ["action", AuditUserFilter, "at"]
    # The user and the patient are read with the row: one query for the page.
    list_select_related = ["user", "patient"]
    search_fields = ["patient__last_name", "patient__first_name", "patient__mrn"]
    search_help_text = "Patient's last or first name, or MRN."
    fields = [
        "at",
        "user",
        "clinic",
        "patient",
        "action",
        "what",
        "query",
        "ip_address",
        "prev_hash",
        "hash",
    ]
    when = stamp_column("at", "at")

    @admin.display(description="patient", ordering="patient__last_name")
    def patient_name(self, event: AuditEvent) -> str:
        return event.patient.last_first if event.patient else "—"

    @admin.display(description="MRN", ordering="patient__mrn")
    def mrn(self, event: AuditEvent) -> str:
        return event.patient.mrn if event.patient else "—"
