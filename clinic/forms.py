"""Patient input: shape and field checks only; the rules live in clinic.services."""

import dataclasses
from collections.abc import Iterable, Mapping

from django import forms
from django.core.exceptions import ValidationError

from .models import Diagnosis, Patient
from .services import DiagnosisInput, PatientInput


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: next to a field it names, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def input_from[T](input_type: type[T], data: Mapping[str, object]) -> T:
    """Build a service's frozen input dataclass from a form's ``cleaned_data``.

    Forms, formsets and admin pages hand services the same typed inputs; this
    copies the dataclass's fields by name, so a field added to an input without
    a form field fails loudly (KeyError) instead of being left at a default.
    """
    return input_type(
        **{field.name: data[field.name] for field in dataclasses.fields(input_type)}
    )


def forged_form_count(formsets: Iterable[object]) -> bool:
    """Return True if a posted formset claimed more rows than it may hold.

    The formset built only its maximum and refused the rest ("Please submit at
    most N forms."); no form offers that many rows, so the post was forged or
    broken, and the page answers 400 Bad Request with the form shown again.
    """
    return any(
        error.code == "too_many_forms"
        for formset in formsets
        if isinstance(formset, forms.BaseFormSet) and formset.is_bound
        for error in formset.non_form_errors().as_data()
    )


class VersionField(forms.CharField):
    """The version of the record the form was opened at, carried back hidden.

    The record's service refuses the save when someone saved it since
    (clinic.versions). Empty (None) on a new record; a client that sends none
    is not checked.
    """

    widget = forms.HiddenInput

    def __init__(self, **kwargs: object) -> None:
        super().__init__(required=False, empty_value=None, **kwargs)


def keep_stored_version(form: forms.BaseForm, error: ValidationError) -> None:
    """After a StaleEditError, carry the version now stored: a second save wins."""
    if hasattr(error, "version"):
        form.data = form.data.copy()
        form.data[form.add_prefix("version")] = error.version


class ServiceFormMixin:
    """A single form that hands its cleaned data to a service and shows its refusal."""

    def cleaned_input(self) -> dict | None:
        return self.cleaned_data if self.is_valid() else None

    def add_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)

    def context(self) -> dict:
        return {"form": self}


class PatientForm(forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Patient
        fields = [
            "first_name",
            "last_name",
            "mrn",
            "date_of_birth",
            "sex",
            "hand_dominance",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"})}

    def patient_input(self) -> PatientInput:
        """Return the typed patient for clinic.services.patient_save."""
        return input_from(PatientInput, self.cleaned_data)


class DiagnosisForm(forms.Form):
    code = forms.CharField(
        label=Diagnosis._meta.get_field("code").verbose_name,
        max_length=8,
        validators=Diagnosis._meta.get_field("code").validators,
    )
    description = forms.CharField(max_length=200)


class BaseDiagnosisFormSet(forms.BaseFormSet):
    """The patient's diagnoses in the order the form shows them; blank rows are skipped."""

    row_name = "Diagnosis"

    def diagnosis_inputs(self) -> tuple[DiagnosisInput, ...]:
        return tuple(
            input_from(DiagnosisInput, form.cleaned_data)
            for form in self.forms
            if form.cleaned_data.get("code")
            and not (self.can_delete and self._should_delete_form(form))
        )

    @classmethod
    def initial_for(cls, patient: Patient | None) -> list[dict[str, str]]:
        if patient is None:
            return []
        return [
            {"code": diagnosis.code, "description": diagnosis.description}
            for diagnosis in patient.diagnoses.all()
        ]


# A claim carries at most 12 diagnoses (CMS-1500 item 21, A-L). The cap also
# bounds the work of one request: a forged TOTAL_FORMS of 100,000 is refused
# after 12 forms, not built.
MAX_DIAGNOSES = 12

DiagnosisFormSet = forms.formset_factory(
    DiagnosisForm,
    formset=BaseDiagnosisFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_DIAGNOSES,
    absolute_max=MAX_DIAGNOSES,
    validate_max=True,
)


class SecondFactorCodeForm(forms.Form):
    """The 6-digit code of an authenticator app; clinic.second_factor checks it."""

    code = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
            }
        ),
    )
