"""Keep the Django admin inside the user's clinic.

Every ModelAdmin and inline of a tenant model mixes in ``ClinicScopedAdminMixin``:
its lists, change pages and foreign-key choices then hold only rows of the
user's clinic, so another clinic's row is simply not found. Superusers see all.

Each tenant model says how its rows reach their clinic in a ``clinic_lookup``
class attribute (``"patient__clinic"`` on a session, ``"pk"`` on the clinic
itself), so this module knows no model of any other app. The same lookup
tells which rows are a patient's: their admin pages write an audit event
(clinic.audit) when read.
"""

from http import HTTPStatus
from operator import attrgetter

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.core.exceptions import ValidationError
from django.db.models import Field, ForeignKey, Model, QuerySet
from django.forms import ModelChoiceField
from django.http import Http404, HttpRequest, HttpResponse

from .access import clinic_for_user
from .audit import audited
from .models import AuditEvent, Patient


def scope_to_clinic[M: Model](
    *, queryset: QuerySet[M], user: AbstractUser | AnonymousUser
) -> QuerySet[M]:
    """Return the rows of `queryset` that belong to the user's clinic.

    Superusers get the queryset unchanged. A user without a clinic, or a model
    that declares no ``clinic_lookup``, gets nothing: the rule fails closed.
    """
    if user.is_superuser:
        return queryset
    clinic = clinic_for_user(user=user)
    if clinic is None:
        return queryset.none()
    lookup = getattr(queryset.model, "clinic_lookup", None)
    if lookup is None:
        return queryset.none()
    return queryset.filter(**{lookup: clinic.pk})


def patient_path(model: type[Model]) -> str | None:
    """Return the path from a row of ``model`` to its patient ("" for a patient).

    None for a model whose rows belong to no patient (a payer, a clinician).
    """
    if model is Patient:
        return ""
    lookup = getattr(model, "clinic_lookup", "")
    if lookup.endswith("patient__clinic"):
        return lookup.removesuffix("__clinic")
    if any(field.name == "patient" for field in model._meta.get_fields()):
        return "patient"
    return None


class ClinicScopedAdminMixin:
    """Scope a ModelAdmin or inline, and its foreign-key choices, to the user's clinic.

    The change page of another clinic's row is not found either, because the
    admin loads objects through ``get_queryset``. A list, add, change or
    history page of a patient's rows writes an audit event when it is read.
    """

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        if patient_path(self.model) is None:
            return response
        return audited(
            response,
            request,
            AuditEvent.Action.ADMIN_LIST,
            query=request.GET.get("q", ""),
        )

    def add_view(
        self,
        request: HttpRequest,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        # A new row of a patient is added by choosing the patient from a list.
        response = super().add_view(request, form_url, extra_context)
        if not patient_path(self.model):
            return response
        return audited(response, request, AuditEvent.Action.ADMIN_LIST)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        return self.audit_row_page(request, object_id, response)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        return self.audit_row_page(request, object_id, response)

    def audit_row_page(
        self, request: HttpRequest, object_id: str, response: HttpResponse
    ) -> HttpResponse:
        """Record a page showing one row of a patient, once it was found (200)."""
        path = patient_path(self.model)
        if path is None or response.status_code != HTTPStatus.OK:
            return response
        row = self.get_queryset(request).get(pk=unquote(object_id))
        patient = attrgetter(path.replace("__", "."))(row) if path else row
        return audited(response, request, AuditEvent.Action.ADMIN_VIEW, patient=patient)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Model]:
        return scope_to_clinic(
            queryset=super().get_queryset(request), user=request.user
        )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: object
    ) -> ModelChoiceField | None:
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        kwargs["queryset"] = scope_to_clinic(queryset=queryset, user=request.user)
        if not request.user.is_superuser and not db_field.blank:
            # A clinic user's required choice is usually their one clinic: show it
            # selected rather than behind a blank "---------".
            kwargs.setdefault("empty_label", None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ClinicRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A foreign-key filter offering the related rows of the user's clinic.

    Django's RelatedOnlyFieldListFilter finds its choices with a DISTINCT over
    every listed row (every decision of the clinic); a clinic's payers or
    clinicians are a small table of their own, so this reads that instead.
    The row's required foreign keys are loaded with it, as its label may name
    them (a clinician's label is its user's name).
    """

    def field_choices(
        self, field: Field, request: HttpRequest, model_admin: admin.ModelAdmin
    ) -> list[tuple[object, str]]:
        ordering = self.field_admin_ordering(field, request, model_admin)
        model = field.related_model
        rows = model._default_manager.select_related(
            *(
                f.name
                for f in model._meta.concrete_fields
                if f.is_relation and not f.null
            )
        )
        if ordering:
            rows = rows.order_by(*ordering)
        return [
            (row.pk, str(row))
            for row in scope_to_clinic(queryset=rows, user=request.user)
        ]


class ReadOnlyAdminMixin:
    """Show records the admin may review but never add, change or delete.

    For signed notes, their versions and addenda, billing decisions and the
    note access log: records of what happened, not things to edit.
    """

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False


def view_on_site_view(
    request: HttpRequest, content_type_id: str, object_id: str
) -> HttpResponse:
    """The admin's "view on site" redirect, for rows of the user's clinic only.

    Django's own shortcut redirects to any object's page by its integer id, so a
    clinic admin could walk ids to learn another clinic's patient and session
    addresses; a row outside the user's clinic is a 404 here, as everywhere.
    """
    if not request.user.is_active or not request.user.is_staff:
        raise Http404
    try:
        model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        rows = model._default_manager.filter(pk=object_id)
        found = scope_to_clinic(queryset=rows, user=request.user).exists()
    except (ContentType.DoesNotExist, AttributeError, ValueError, ValidationError):
        raise Http404 from None
    if not found:
        raise Http404
    return shortcut(request, content_type_id, object_id)
