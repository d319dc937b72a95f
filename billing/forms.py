"""Coverage input on the patient form: shape and field checks only."""

from django import forms

from clinic.models import Clinic

from .models import Payer
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

    def __init__(self, *args, clinic: Clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payer"].queryset = Payer.objects.filter(clinic=clinic)

    def coverage_input(self) -> CoverageInput | None:
        """Return the typed coverage for billing.services.coverage_save, or None."""
        data = self.cleaned_data
        if data["payer"] is None:
            return None
        return CoverageInput(
            payer=data["payer"],
            member_id=data["member_id"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )

    @staticmethod
    def initial_for(coverage) -> dict:
        if coverage is None:
            return {}
        return {
            "payer": coverage.payer_id,
            "member_id": coverage.member_id,
            "starts_on": coverage.starts_on,
            "ends_on": coverage.ends_on,
        }
