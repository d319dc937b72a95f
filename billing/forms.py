"""Coverage input on the patient form: shape and field checks only."""

from django import forms

from clinic.forms import input_from
from clinic.models import Clinic

from .models import Coverage, Payer
from .services import CoverageInput


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
