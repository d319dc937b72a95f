"""Billing input: coverage on the patient form, CPT codes in the admin's tables.

Shape and field checks only; the services hold the rules.
"""

from django import forms
from django.core.exceptions import ValidationError

from billing.rules.codes import TIMED_CODES, UNTIMED_CODES
from clinic.forms import input_from
from clinic.models import Clinic

from .models import ClinicFee, Coverage, Payer, PayerRate
from .services import UNKNOWN_CODE, CoverageInput


class CoverageForm(forms.Form):
    """The patient's primary payer and member ID; no payer means no coverage."""

    payer = forms.ModelChoiceField(
        label="Primary payer", queryset=Payer.objects.none(), required=False
    )
    member_id = forms.CharField(label="Member ID", max_length=40, required=False)
    starts_on = forms.DateField(
        label="Covered from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label="Covered until",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: object, clinic: Clinic, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = Payer.objects.filter(clinic=clinic)

    def coverage_input(self) -> CoverageInput | None:
        """Return the typed coverage for billing.services.coverage_save, or None."""
        if self.cleaned_data["payer"] is None:
            return None
        return input_from(CoverageInput, self.cleaned_data)

    @staticmethod
    def initial_for(coverage: Coverage | None) -> dict[str, object]:
        if coverage is None:
            return {}
        return {
            "payer": coverage.payer_id,
            "member_id": coverage.member_id,
            "starts_on": coverage.starts_on,
            "ends_on": coverage.ends_on,
        }


class CptCodeFormMixin:
    """Refuse, next to the field, a CPT code the billing rules do not know."""

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if code not in TIMED_CODES | UNTIMED_CODES:
            raise ValidationError(UNKNOWN_CODE.format(code=code))
        return code


class PayerRateForm(CptCodeFormMixin, forms.ModelForm):
    class Meta:
        model = PayerRate
        fields = ["code", "expected_payment"]


class ClinicFeeForm(CptCodeFormMixin, forms.ModelForm):
    class Meta:
        model = ClinicFee
        fields = ["clinic", "code", "charge"]
