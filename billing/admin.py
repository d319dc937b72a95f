"""Admin for payers and the billing review list, scoped to the user's clinic."""

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html_join

from clinic import admin as clinic_admin
from clinic.admin_lists import LargeListMixin
from clinic.admin_scoping import (
    ClinicRelatedFieldListFilter,
    ClinicScopedAdminMixin,
    ReadOnlyAdminMixin,
)
from clinic.forms import input_from
from clinic.models import Patient

from .claims import claim_lines, claims_csv
from .forms import ClinicFeeForm, PayerRateForm
from .models import (
    BillingDecision,
    ClinicFee,
    Coverage,
    OutsideTherapyAmount,
    Payer,
    PayerRate,
)
from .services import (
    CoverageInput,
    FeeInput,
    OutsideAmountInput,
    PayerInput,
    RateInput,
    clinic_fee_save,
    clinic_fees_delete,
    coverage_save,
    outside_amounts_set,
    payer_rates_set,
    payer_save,
)


def _rates_save(payer: Payer, rows: list[dict[str, Any]]) -> None:
    payer_rates_set(
        payer=payer,
        rates=[input_from(RateInput, row) for row in rows if row.get("code")],
    )


class PayerRateInline(admin.TabularInline):
    """The payer's rate table, saved through billing.services.payer_rates_set."""

    model = PayerRate
    form = PayerRateForm
    fields = ["code", "expected_payment"]
    extra = 1


@admin.register(Payer)
class PayerAdmin(
    clinic_admin.ServiceSavedInlinesMixin, ClinicScopedAdminMixin, admin.ModelAdmin
):
    list_display = ["name", "kind", "method", "retest_interval_days"]
    list_filter = ["kind", "method"]
    search_fields = ["name"]
    fields = ["clinic", "name", "kind", "method", "retest_interval_days"]
    inlines = [PayerRateInline]
    inline_savers = {PayerRate: _rates_save}

    def save_model(
        self, request: HttpRequest, obj: Payer, form: ModelForm, change: bool
    ) -> None:
        # The form has filled in obj; the service checks and saves it.
        payer_save(
            payer=obj,
            clinic=form.cleaned_data["clinic"],
            data=input_from(PayerInput, form.cleaned_data),
        )


def _coverage_save(patient: Patient, rows: list[dict[str, Any]]) -> None:
    """Save the inline's one coverage row, or no coverage when it was removed."""
    coverage_save(
        patient=patient, data=input_from(CoverageInput, rows[0]) if rows else None
    )


class CoverageInline(ClinicScopedAdminMixin, admin.StackedInline):
    """The patient's primary coverage, saved through billing.services.coverage_save."""

    model = Coverage
    fields = [("payer", "member_id"), ("starts_on", "ends_on")]
    max_num = 1
    extra = 0


def _outside_amounts_save(patient: Patient, rows: list[dict[str, Any]]) -> None:
    outside_amounts_set(
        patient=patient, amounts=[input_from(OutsideAmountInput, row) for row in rows]
    )


class OutsideTherapyInline(admin.TabularInline):
    """Therapy other providers billed this year (from the eligibility response)."""

    model = OutsideTherapyAmount
    fields = ["year", "group", "amount", "as_of"]
    extra = 0


admin.site.unregister(Patient)


@admin.register(Patient)
class PatientAdmin(clinic_admin.PatientAdmin):
    """The clinic's patient admin with the patient's coverage, which billing holds."""

    inlines = [*clinic_admin.PatientAdmin.inlines, CoverageInline, OutsideTherapyInline]
    inline_savers = {
        **clinic_admin.PatientAdmin.inline_savers,
        Coverage: _coverage_save,
        OutsideTherapyAmount: _outside_amounts_save,
    }
    list_display = [*clinic_admin.PatientAdmin.list_display, "payer"]
    list_filter = [("coverage__payer", admin.RelatedOnlyFieldListFilter), "sex"]
    list_select_related = ["coverage__payer"]

    @admin.display(ordering="coverage__payer__name")
    def payer(self, patient: Patient) -> Payer | str:
        coverage = getattr(patient, "coverage", None)
        return coverage.payer if coverage else "—"


@admin.register(BillingDecision)
class BillingReviewAdmin(
    LargeListMixin,
    clinic_admin.PatientColumnsMixin,
    ReadOnlyAdminMixin,
    ClinicScopedAdminMixin,
    admin.ModelAdmin,
):
    """The billing office's review list: every visit's decision, read-only."""

    list_display = [
        "date_of_service",
        "patient_name",
        "mrn",
        "payer",
        "rendering_clinician",
        "status",
        "qualifies",
        "discipline",
        "units",
        "modifiers",
        "charge",
        "expected_payment",
        "blocking",
    ]
    list_display_links = ["date_of_service", "patient_name"]
    list_filter = [
        "qualifies",
        "has_blocking_findings",
        ("payer", ClinicRelatedFieldListFilter),
        ("rendering_clinician", ClinicRelatedFieldListFilter),
        "status",
        "discipline",
        ("date_of_service", admin.DateFieldListFilter),
    ]
    # No date hierarchy: its links read every decision's date (clinic.admin_lists).
    search_fields = ["patient__first_name", "patient__last_name", "patient__mrn"]
    list_select_related = ["patient", "payer", "rendering_clinician__user"]
    ordering = ["-service_start"]
    actions = ["download_claim_lines"]
    readonly_fields = [
        "patient",
        "date_of_service",
        "rendering_clinician",
        "payer",
        "status",
        "qualifies",
        "units",
        "discipline",
        "modifiers",
        "lines_table",
        "charge",
        "expected_payment",
        "method",
        "arithmetic",
        "findings_list",
        "rules_version",
        "computed_at",
        "inputs",
    ]
    fields = readonly_fields

    def list_queryset(
        self, queryset: QuerySet[BillingDecision]
    ) -> QuerySet[BillingDecision]:
        # The facts given to the rules are shown on the change page only.
        return queryset.defer("inputs")

    @admin.display(description="lines")
    def lines_table(self, decision: BillingDecision) -> str:
        return format_html_join(
            "\n",
            "<p>{} × {} {} · charge ${} · expected payment ${}</p>",
            (
                (
                    line["code"],
                    line["units"],
                    ", ".join(line["modifiers"]),
                    line["charge"],
                    line["expected_payment"],
                )
                for line in decision.lines
            ),
        )

    @admin.display(description="blocks billing")
    def blocking(self, decision: BillingDecision) -> str:
        return "; ".join(f["code"] for f in decision.blocking_findings) or "—"

    @admin.display(description="arithmetic")
    def arithmetic(self, decision: BillingDecision) -> str:
        return decision.outputs.get(
            "arithmetic", "No payer covers this date of service."
        )

    @admin.display(description="findings")
    def findings_list(self, decision: BillingDecision) -> str:
        return format_html_join(
            "\n",
            "<p><strong>{}</strong> {} <small>({}; {})</small></p>",
            (
                (f["severity"], f["message"], f["code"], f["source"])
                for f in decision.findings
            ),
        )

    @admin.action(description="Download claim lines (CSV) for the selected visits")
    def download_claim_lines(
        self, request: HttpRequest, queryset: QuerySet[BillingDecision]
    ) -> HttpResponse | None:
        decisions = queryset.select_related(
            "patient__coverage", "payer", "rendering_clinician__user"
        ).prefetch_related("patient__diagnoses")
        lines, skipped = [], 0
        for decision in decisions.order_by("service_start"):
            rows = claim_lines(decision=decision)
            skipped += not rows
            lines += rows
        if skipped:
            messages.warning(
                request,
                f"{skipped} selected visit(s) do not qualify for 97750 and "
                "have no claim line.",
            )
        if not lines:
            return None
        response = HttpResponse(claims_csv(lines=lines), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="claim-lines.csv"'
        return response


@admin.register(ClinicFee)
class ClinicFeeAdmin(ClinicScopedAdminMixin, admin.ModelAdmin):
    """The clinic's fee schedule: the charge per unit of each CPT code.

    Saves and deletes go through billing.services, which recompute the drafts.
    """

    form = ClinicFeeForm
    list_display = ["code", "charge"]
    list_editable = ["charge"]
    fields = ["clinic", "code", "charge"]
    search_fields = ["code"]

    def save_model(
        self, request: HttpRequest, obj: ClinicFee, form: ModelForm, change: bool
    ) -> None:
        # The form (or the list's editable column) has filled in obj; the
        # service checks and saves it.
        clinic_fee_save(
            fee=obj, clinic=obj.clinic, data=FeeInput(code=obj.code, charge=obj.charge)
        )

    def delete_model(self, request: HttpRequest, obj: ClinicFee) -> None:
        clinic_fees_delete(clinic=obj.clinic, fees=ClinicFee.objects.filter(pk=obj.pk))

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[ClinicFee]
    ) -> None:
        for clinic in {fee.clinic for fee in queryset.select_related("clinic")}:
            clinic_fees_delete(clinic=clinic, fees=queryset)
