"""Admin for payers, the fee schedule, the billing review list and claims,
scoped to the user's clinic."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms import ModelForm
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from billing.rules.codes import TIMED_CODES, UNTIMED_CODES
from clinic import admin as clinic_admin
from clinic.access import clinic_for_user
from clinic.admin_history import ReadOnlyHistoryAdminMixin
from clinic.admin_lists import LargeListMixin
from clinic.admin_scoping import (
    ClinicRelatedFieldListFilter,
    ClinicScopedAdminMixin,
    ReadOnlyAdminMixin,
    scope_to_clinic,
)
from clinic.forms import input_from
from clinic.models import Patient

from .claim_files import claims_export_start
from .forms import ClinicFeeForm, PayerRateForm
from .models import (
    BillingDecision,
    Claim,
    ClaimExport,
    ClaimLine,
    ClinicFee,
    Coverage,
    OutsideTherapyAmount,
    Payer,
    PayerRate,
)
from .selectors import (
    decision_claim_get,
    fee_version_values,
    patient_version_values,
    payer_version_values,
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


class PayerRateInline(clinic_admin.BoundedInlineMixin, admin.TabularInline):
    """The payer's rate table, saved through billing.services.payer_rates_set."""

    model = PayerRate
    form = PayerRateForm
    fields = ["code", "expected_payment"]
    extra = 1
    # A rate per code the rules know, at most.
    max_num = len(TIMED_CODES | UNTIMED_CODES)


@admin.register(Payer)
class PayerAdmin(
    clinic_admin.BoundedFormsAdminMixin,
    clinic_admin.VersionedAdminMixin,
    clinic_admin.ServiceSavedInlinesMixin,
    ClinicScopedAdminMixin,
    ReadOnlyHistoryAdminMixin,
    SimpleHistoryAdmin,
):
    list_display = ["name", "kind", "method", "retest_interval_days"]
    list_filter = ["kind", "method"]
    search_fields = ["name"]
    fields = [
        "clinic",
        "name",
        "kind",
        "payer_identifier",
        "method",
        "retest_interval_days",
    ]
    inlines = [PayerRateInline]
    inline_savers = {PayerRate: _rates_save}
    version_noun = "payer"

    def version_values(self, record: Payer) -> Mapping[str, object]:
        return payer_version_values(record)

    def save_model(
        self, request: HttpRequest, obj: Payer, form: ModelForm, change: bool
    ) -> None:
        # The form has filled in obj; the service checks and saves it.
        payer_save(
            payer=obj,
            clinic=form.cleaned_data["clinic"],
            data=input_from(PayerInput, form.cleaned_data),
            editor=request.user,
        )


def _coverage_save(patient: Patient, rows: list[dict[str, Any]]) -> None:
    """Save the inline's one coverage row, or no coverage when it was removed."""
    coverage_save(
        patient=patient, data=input_from(CoverageInput, rows[0]) if rows else None
    )


class CoverageInline(
    clinic_admin.BoundedInlineMixin, ClinicScopedAdminMixin, admin.StackedInline
):
    """The patient's primary coverage, saved through billing.services.coverage_save."""

    model = Coverage
    fields = [("payer", "member_id"), ("starts_on", "ends_on")]
    max_num = 1
    extra = 0


def _outside_amounts_save(patient: Patient, rows: list[dict[str, Any]]) -> None:
    outside_amounts_set(
        patient=patient, amounts=[input_from(OutsideAmountInput, row) for row in rows]
    )


class OutsideTherapyInline(clinic_admin.BoundedInlineMixin, admin.TabularInline):
    """Therapy other providers billed this year (from the eligibility response)."""

    model = OutsideTherapyAmount
    fields = ["year", "group", "amount", "as_of"]
    extra = 0
    # One amount a year for each of the two KX threshold groups, ten years back.
    max_num = 20


admin.site.unregister(Patient)


@admin.register(Patient)
class PatientAdmin(clinic_admin.PatientAdmin):
    """The clinic's patient admin with the patient's coverage, which billing holds."""

    def version_values(self, record: Patient) -> Mapping[str, object]:
        return patient_version_values(record)

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
    """The billing office's review list: every visit's decision, read-only.

    Nine columns, so a row fits 1280 px beside the filters: the patient's MRN
    under their name, and what is billed (units, modifiers, or why nothing is)
    in one cell. At tablet width static/css/admin.css hides payer, clinician
    and claim, which the filters and each decision's page still show.
    """

    list_display = [
        "date_of_service",
        "patient_and_mrn",
        "payer",
        "rendering_clinician",
        "status",
        "billed",
        "charge",
        "expected_payment",
        "claim_status",
    ]
    list_display_links = ["date_of_service", "patient_and_mrn"]
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
    list_select_related = ["patient", "payer", "rendering_clinician__user", "claim"]
    ordering = ["-service_start"]
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
        "claim_detail",
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

    @admin.display(description="patient", ordering="patient__last_name")
    def patient_and_mrn(self, decision: BillingDecision) -> str:
        return format_html(
            '{}<br><span class="pn-mrn">MRN {}</span>',
            decision.patient.last_first,
            decision.patient.mrn,
        )

    @admin.display(description="97750 billed", ordering="units")
    def billed(self, decision: BillingDecision) -> str:
        """Units and modifiers, or "Not billable" with the findings that block it."""
        if decision.qualifies:
            return format_html(
                "{} × 97750 {}", decision.units, decision.modifiers or ""
            )
        return format_html(
            'Not billable<br><span class="pn-blocking">{}</span>',
            self.blocking(decision),
        )

    @admin.display(description="claim")
    def claim_detail(self, decision: BillingDecision) -> str:
        """The claim with a link to it, or why there is none (as the session page says)."""
        claim, problems = decision_claim_get(decision=decision)
        if claim is not None:
            return format_html(
                '<a href="{}">{}</a> ({})',
                reverse("admin:billing_claim_change", args=[claim.pk]),
                claim.number,
                claim.get_status_display(),
            )
        if decision.is_draft:
            return (
                "The claim is made when every note of this date of service is signed."
            )
        return format_html("No claim: {}.", "; ".join(problems))

    @admin.display(description="claim")
    def claim_status(self, decision: BillingDecision) -> str:
        claim = getattr(decision, "claim", None)
        return f"{claim.number} ({claim.get_status_display()})" if claim else "—"

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


@admin.register(ClinicFee)
class ClinicFeeAdmin(
    clinic_admin.VersionedAdminMixin, ClinicScopedAdminMixin, admin.ModelAdmin
):
    """The clinic's fee schedule: the charge per unit of each CPT code.

    Saves and deletes go through billing.services, which recompute the drafts.
    """

    form = ClinicFeeForm
    list_display = ["code", "charge"]
    list_editable = ["charge"]
    fields = ["clinic", "code", "charge"]
    search_fields = ["code"]
    version_noun = "fee"

    def version_values(self, record: ClinicFee) -> Mapping[str, object]:
        return fee_version_values(record)

    def get_changelist_form(
        self, request: HttpRequest, **kwargs: object
    ) -> type[ModelForm]:
        """The list's charge boxes, each named by its code for screen readers.

        The column header is not a label; without one axe-core reports every
        box (label, critical).
        """
        base = super().get_changelist_form(request, **kwargs)

        class LabelledFeeForm(base):
            def __init__(self, *args: object, **kwargs: object) -> None:
                super().__init__(*args, **kwargs)
                code = self.instance.code if self.instance.pk else ""
                self.fields["charge"].widget.attrs["aria-label"] = (
                    f"Charge for {code}" if code else "Charge"
                )

        return LabelledFeeForm

    def save_model(
        self, request: HttpRequest, obj: ClinicFee, form: ModelForm, change: bool
    ) -> None:
        # The form (or the list's editable column) has filled in obj; the
        # service checks and saves it.
        clinic_fee_save(
            fee=obj,
            clinic=obj.clinic,
            data=FeeInput(code=obj.code, charge=obj.charge),
            editor=request.user,
        )

    def delete_model(self, request: HttpRequest, obj: ClinicFee) -> None:
        clinic_fees_delete(clinic=obj.clinic, fees=ClinicFee.objects.filter(pk=obj.pk))

    def delete_queryset(
        self, request: HttpRequest, queryset: QuerySet[ClinicFee]
    ) -> None:
        for clinic in {fee.clinic for fee in queryset.select_related("clinic")}:
            clinic_fees_delete(clinic=clinic, fees=queryset)


class ClaimLineInline(clinic_admin.BoundedInlineMixin, admin.TabularInline):
    """A claim's service lines (CMS-1500 item 24), as frozen when it was made."""

    model = ClaimLine
    # An 837P claim holds at most 50 service lines (loop 2400).
    max_num = 50
    fields = [
        "number",
        "code",
        "modifiers",
        "diagnosis_pointers",
        "units",
        "charge",
        "expected_payment",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(
        self, request: HttpRequest, obj: Claim | None = None
    ) -> bool:
        return False


@admin.register(Claim)
class ClaimAdmin(
    clinic_admin.BoundedFormsAdminMixin,
    ReadOnlyAdminMixin,
    ClinicScopedAdminMixin,
    admin.ModelAdmin,
):
    """The billing office's claims: read-only, exported from here or by command."""

    list_display = [
        "number",
        "date_of_service",
        "patient_name",
        "member_id",
        "payer",
        "rendering_clinician",
        "status",
        "frequency",
        "total_charge",
        "total_expected_payment",
        "exported_at",
    ]
    list_filter = [
        "status",
        ("payer", admin.RelatedOnlyFieldListFilter),
        ("rendering_clinician", admin.RelatedOnlyFieldListFilter),
        ("date_of_service", admin.DateFieldListFilter),
    ]
    search_fields = [
        "number",
        "patient_last_name",
        "patient_first_name",
        "patient__mrn",
    ]
    list_select_related = ["payer", "rendering_clinician__user"]
    date_hierarchy = "date_of_service"
    inlines = [ClaimLineInline]
    exclude = ["decision", "patient", "rendering_clinician", "exported_by"]
    actions = ["export_csv", "export_837p", "reexport_csv", "reexport_837p"]

    @admin.action(description="Export selected claims as CSV (CMS-1500 items)")
    def export_csv(
        self, request: HttpRequest, queryset: QuerySet[Claim]
    ) -> HttpResponse | None:
        return self._export(request, queryset, ClaimExport.Format.CSV, reexport=False)

    @admin.action(description="Export selected claims as an 837P file")
    def export_837p(
        self, request: HttpRequest, queryset: QuerySet[Claim]
    ) -> HttpResponse | None:
        return self._export(
            request, queryset, ClaimExport.Format.X12_837P, reexport=False
        )

    @admin.action(description="Re-export selected claims as CSV (sends them again)")
    def reexport_csv(
        self, request: HttpRequest, queryset: QuerySet[Claim]
    ) -> HttpResponse | None:
        return self._export(request, queryset, ClaimExport.Format.CSV, reexport=True)

    @admin.action(
        description="Re-export selected claims as an 837P file (sends them again)"
    )
    def reexport_837p(
        self, request: HttpRequest, queryset: QuerySet[Claim]
    ) -> HttpResponse | None:
        return self._export(
            request, queryset, ClaimExport.Format.X12_837P, reexport=True
        )

    def _export(
        self,
        request: HttpRequest,
        queryset: QuerySet[Claim],
        fmt: str,
        *,
        reexport: bool,
    ) -> HttpResponse | None:
        """Queue the export for the worker and show the export's page.

        The file is written in the background (claims_export_build), so an
        export of thousands of claims never holds the request; the export's
        page follows it, then lists what was sent and what was left out, and why.
        """
        export = claims_export_start(
            claims=queryset,
            fmt=fmt,
            user=request.user,
            reexport=reexport,
            now=timezone.now(),
        )
        return redirect(reverse("admin:billing_claimexport_change", args=[export.pk]))


@admin.register(ClaimExport)
class ClaimExportAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every claim file made: who, when, which claims, what was left out and why."""

    list_display = [
        "pk",
        "format",
        "created_at",
        "created_by",
        "claim_count",
        "reexport",
    ]
    list_filter = ["format", "reexport"]
    fields = [
        "format",
        "created_at",
        "created_by",
        "reexport",
        "claim_count",
        "claim_numbers",
        "skipped_list",
        "destination",
        "download",
        "sha256",
    ]
    readonly_fields = fields

    def get_urls(self) -> list[URLPattern]:
        download = path(
            "<int:export_id>/download/",
            self.admin_site.admin_view(self.download_view),
            name="billing_claimexport_download",
        )
        return [download, *super().get_urls()]

    def download_view(self, request: HttpRequest, export_id: int) -> FileResponse:
        """Hand out an export's file to a user who may see the export, else 404."""
        export = get_object_or_404(
            self.get_queryset(request), pk=export_id, file__gt=""
        )
        if not self.has_view_permission(request, export):
            raise PermissionDenied
        return FileResponse(
            export.file.open("rb"),
            as_attachment=True,
            filename=Path(export.file.name).name,
        )

    @admin.display(description="file")
    def download(self, export: ClaimExport) -> str:
        if not export.file:
            return export.destination or "—"
        url = reverse("admin:billing_claimexport_download", args=[export.pk])
        return format_html(
            '<a href="{}">Download {}</a>', url, Path(export.file.name).name
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClaimExport]:
        # An export is the clinic's when its claims are, or, while it is being
        # written, when someone of the clinic asked for it; superusers see all.
        exports = super().get_queryset(request)
        if request.user.is_superuser:
            return exports
        clinic = clinic_for_user(user=request.user)
        if clinic is None:
            return exports.none()
        claims = scope_to_clinic(queryset=Claim.objects.all(), user=request.user)
        asked = Q(created_by__clinic_admin__clinic=clinic) | Q(
            created_by__clinician__clinic=clinic
        )
        return exports.filter(Q(claims__in=claims) | asked).distinct()

    @admin.display(description="claims")
    def claim_numbers(self, export: ClaimExport) -> str:
        if export.is_pending:
            return f"{len(export.selection)} chosen; being written"
        return ", ".join(export.claims.values_list("number", flat=True)) or "None"

    @admin.display(description="left out")
    def skipped_list(self, export: ClaimExport) -> str:
        return format_html_join(
            "\n",
            "<p>{}: {}</p>",
            ((number, reason) for number, reason in export.skipped),
        )
