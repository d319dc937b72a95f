"""Admin for payers and the billing review list, scoped to the user's clinic."""

from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils.html import format_html, format_html_join

from clinic.admin_scoping import ClinicScopedAdminMixin, ReadOnlyAdminMixin

from .claims import claim_line, claims_csv
from .models import BillingDecision, Payer
from .services import payer_decisions_refresh


@admin.register(Payer)
class PayerAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "kind", "rate_97750", "method"]
    list_filter = ["kind", "method"]
    search_fields = ["name"]
    fields = ["clinic", "name", "kind", "rate_97750", "method"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Draft decisions carry the payer's kind, rate and method; signed ones stay.
        payer_decisions_refresh(payer=obj)


@admin.register(BillingDecision)
class BillingReviewAdmin(ReadOnlyAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin):
    """The billing office's review list: every session's decision, read-only."""

    list_display = [
        "date_of_service",
        "patient",
        "mrn",
        "payer",
        "clinician",
        "status",
        "qualifies",
        "units",
        "modifiers",
        "estimated_payment",
        "blocking",
    ]
    list_display_links = ["date_of_service", "patient"]
    list_filter = [
        "qualifies",
        "has_blocking_findings",
        ("session__patient__payer", admin.RelatedOnlyFieldListFilter),
        ("session__clinician", admin.RelatedOnlyFieldListFilter),
        "session__status",
        ("session__started_at", admin.DateFieldListFilter),
    ]
    date_hierarchy = "session__started_at"
    search_fields = [
        "session__patient__first_name",
        "session__patient__last_name",
        "session__patient__mrn",
    ]
    list_select_related = [
        "session__patient__payer",
        "session__patient__clinic",
        "session__clinician__user",
    ]
    ordering = ["-session__started_at"]
    actions = ["download_claim_lines"]
    readonly_fields = [
        "session_link",
        "qualifies",
        "units",
        "modifiers",
        "estimated_payment",
        "method",
        "arithmetic",
        "findings_list",
        "rules_version",
        "computed_at",
        "inputs",
    ]
    fields = readonly_fields

    @admin.display(description="date of service", ordering="session__started_at")
    def date_of_service(self, decision):
        return decision.inputs["date_of_service"]

    @admin.display(ordering="session__patient__last_name")
    def patient(self, decision):
        patient = decision.session.patient
        return f"{patient.last_name}, {patient.first_name}"

    @admin.display(description="MRN", ordering="session__patient__mrn")
    def mrn(self, decision):
        return decision.session.patient.mrn

    @admin.display(ordering="session__patient__payer__name")
    def payer(self, decision):
        return decision.session.patient.payer or "—"

    @admin.display(ordering="session__clinician__user__last_name")
    def clinician(self, decision):
        return decision.session.clinician

    @admin.display(description="session", ordering="session__status")
    def status(self, decision):
        return decision.session.get_status_display()

    @admin.display(description="blocks billing")
    def blocking(self, decision):
        return "; ".join(f["code"] for f in decision.blocking_findings) or "—"

    @admin.display(description="session")
    def session_link(self, decision):
        return format_html(
            '<a href="{}">{}</a>', decision.session.get_absolute_url(), decision.session
        )

    @admin.display(description="arithmetic")
    def arithmetic(self, decision):
        return decision.outputs["arithmetic"]

    @admin.display(description="findings")
    def findings_list(self, decision):
        return format_html_join(
            "\n",
            "<p><strong>{}</strong> {} <small>({}; {})</small></p>",
            (
                (f["severity"], f["message"], f["code"], f["source"])
                for f in decision.findings
            ),
        )

    @admin.action(description="Download claim lines (CSV) for the selected sessions")
    def download_claim_lines(self, request, queryset):
        decisions = queryset.select_related(
            "session__patient__payer", "session__clinician__user"
        ).prefetch_related("session__patient__diagnoses")
        lines, skipped = [], 0
        for decision in decisions.order_by("session__started_at"):
            line = claim_line(decision)
            if line is None:
                skipped += 1
            else:
                lines.append(line)
        if skipped:
            messages.warning(
                request,
                f"{skipped} selected session(s) do not qualify for 97750 and "
                "have no claim line.",
            )
        if not lines:
            return None
        response = HttpResponse(claims_csv(lines), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="claim-lines.csv"'
        return response
