"""Admin for payers, scoped to the user's clinic."""

from django.contrib import admin

from clinic.admin_scoping import ClinicScopedAdminMixin

from .models import Payer


@admin.register(Payer)
class PayerAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "rate_97750", "method"]
    list_filter = ["kind", "method"]
    search_fields = ["name"]
    fields = ["clinic", "name", "kind", "rate_97750", "method"]
