"""Patient input: shape and field checks only; rules with other rows live in services."""

from django import forms

from billing.models import Payer

from .models import Diagnosis, Patient

MRN_TAKEN = "Another patient of this clinic already has MRN {mrn}."


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "mrn",
            "date_of_birth",
            "sex",
            "payer",
            "member_id",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, clinic, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.clinic = clinic
        self.fields["payer"].queryset = Payer.objects.filter(clinic=clinic)

    def clean_mrn(self):
        # The database constraint covers (clinic, lower(mrn)); the form checks first
        # so the message lands next to the field instead of a server error.
        mrn = self.cleaned_data["mrn"].strip()
        duplicates = Patient.objects.filter(
            clinic=self.instance.clinic, mrn__iexact=mrn
        ).exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(MRN_TAKEN.format(mrn=mrn))
        return mrn


DiagnosisFormSet = forms.inlineformset_factory(
    Patient,
    Diagnosis,
    fields=["code", "description"],
    extra=2,
    can_delete=True,
)
