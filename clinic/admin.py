"""Admin for clinics, clinicians, clinic administrators and patients, scoped by clinic."""

from django.contrib import admin
from django.db.models import Count

from .admin_scoping import ClinicScopedAdminMixin
from .models import Clinic, ClinicAdmin, Clinician, Diagnosis, Patient


@admin.register(Clinic)
class ClinicModelAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """A clinic administrator sees their own clinic only; superusers manage clinics."""

    list_display = ["name", "npi", "phone", "time_zone"]
    search_fields = ["name", "npi"]

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
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
    def name(self, obj):
        return obj.user.get_full_name() or obj.user.get_username()

    def get_readonly_fields(self, request, obj=None):
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

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class DiagnosisInline(ClinicScopedAdminMixin, admin.TabularInline):
    model = Diagnosis
    fields = ["position", "code", "description"]
    extra = 0


@admin.register(Patient)
class PatientAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "mrn",
        "date_of_birth",
        "sex",
        "payer",
        "session_count",
    ]
    list_display_links = ["last_name", "first_name"]
    list_filter = [("payer", admin.RelatedOnlyFieldListFilter), "sex"]
    search_fields = ["first_name", "last_name", "mrn"]
    list_select_related = ["payer"]
    inlines = [DiagnosisInline]
    fields = [
        "clinic",
        ("first_name", "last_name"),
        "mrn",
        ("date_of_birth", "sex"),
        ("payer", "member_id"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(session_count=Count("sessions"))

    @admin.display(description="sessions", ordering="session_count")
    def session_count(self, obj):
        return obj.session_count
