"""The plan-of-care page's input: the plan, its diagnoses and its goals.

Shape and field checks only; the rules live in ``plans.plan_of_care_save``,
whose refusals come back keyed by field (``diagnoses.<i>.<field>`` and
``goals.<i>.<field>`` for rows) and are put next to the field they name.
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from clinic.forms import (
    MAX_DIAGNOSES,
    DiagnosisForm,
    VersionField,
    input_from,
    keep_stored_version,
)
from clinic.models import Patient
from clinic.versions import record_version

from . import catalog
from .forms import KeptFormsMixin
from .models import Goal, PlanOfCare
from .plans import (
    GoalInput,
    PlanDiagnosisInput,
    PlanOfCareInput,
    plan_version_values,
)

# Medicare certifies a plan of care for at most 90 days; a new plan offers that.
CERTIFICATION_DAYS = 90
_DATE = forms.DateInput(attrs={"type": "date"})
_PLAN_FIELDS = [
    "discipline",
    "starts_on",
    "onset_on",
    "certification_from",
    "certification_through",
    "certified_on",
    "certifying_name",
    "certifying_npi",
    "referring_name",
    "referring_npi",
    "frequency",
    "duration",
]


class PlanOfCareForm(forms.Form):
    """The plan's own fields, with the model's labels, help texts and validators.

    A plain form, not a ModelForm, so the model's period constraint is judged
    once, by the service, whose message names the field.
    """

    version = VersionField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(
            forms.fields_for_model(
                PlanOfCare,
                fields=_PLAN_FIELDS,
                widgets={
                    name: _DATE
                    for name in _PLAN_FIELDS
                    if name.endswith("_on") or name.startswith("certification_")
                },
            )
        )

    def plan_input(self) -> PlanOfCareInput:
        return input_from(PlanOfCareInput, self.cleaned_data)

    @classmethod
    def initial_for(cls, plan: PlanOfCare | None, discipline: str) -> dict[str, Any]:
        """Return the stored plan, or a new one starting today for 90 days."""
        if plan is not None:
            return {
                "version": record_version(plan, values=plan_version_values),
                **{name: getattr(plan, name) for name in _PLAN_FIELDS},
            }
        today = timezone.localdate()
        return {
            "discipline": discipline,
            "starts_on": today,
            "certification_from": today,
            "certification_through": today + dt.timedelta(days=CERTIFICATION_DAYS - 1),
        }


class GoalForm(forms.Form):
    text = forms.CharField(label="Goal", widget=forms.Textarea(attrs={"rows": 1}))
    catalog_code = forms.ChoiceField(label="Measured by", required=False)
    comparison = forms.ChoiceField(
        required=False, choices=[("", "—"), *Goal.Comparison.choices]
    )
    target = forms.DecimalField(
        required=False,
        max_digits=8,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    target_on = forms.DateField(label="By", required=False, widget=_DATE)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["catalog_code"].choices = [
            ("", "No test (goal in words)"),
            *catalog.choices(),
        ]


class BasePlanDiagnosisFormSet(KeptFormsMixin, forms.BaseFormSet):
    """The plan's diagnoses in the order shown: the first is the primary one."""

    required_field = "code"
    row_name = "Diagnosis"

    def plan_diagnosis_inputs(self) -> tuple[PlanDiagnosisInput, ...]:
        return tuple(
            input_from(PlanDiagnosisInput, form.cleaned_data)
            for form in self.kept_forms()
        )


class BaseGoalFormSet(KeptFormsMixin, forms.BaseFormSet):
    required_field = "text"
    row_name = "Goal"

    def goal_inputs(self) -> tuple[GoalInput, ...]:
        return tuple(
            input_from(GoalInput, form.cleaned_data) for form in self.kept_forms()
        )


# Bounded, as every formset is, so one request cannot build thousands of forms.
MAX_GOALS = 20

PlanDiagnosisFormSet = forms.formset_factory(
    DiagnosisForm,
    formset=BasePlanDiagnosisFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_DIAGNOSES,
    absolute_max=MAX_DIAGNOSES,
    validate_max=True,
)
GoalFormSet = forms.formset_factory(
    GoalForm,
    formset=BaseGoalFormSet,
    extra=2,
    can_delete=True,
    max_num=MAX_GOALS,
    absolute_max=MAX_GOALS,
    validate_max=True,
)


class PlanEntry:
    """The plan page's forms as one: the plan, its diagnoses, its goals.

    A new plan starts with the patient's diagnoses, in their order, since a
    plan usually treats what the chart lists.
    """

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        plan: PlanOfCare | None,
        patient: Patient,
        discipline: str,
    ) -> None:
        rows = plan.diagnoses.all() if plan else patient.diagnoses.all()
        self.form = PlanOfCareForm(
            data, initial=PlanOfCareForm.initial_for(plan, discipline)
        )
        self.diagnoses = PlanDiagnosisFormSet(
            data,
            prefix="diagnoses",
            initial=[
                {"code": row.code, "description": row.description} for row in rows
            ],
        )
        self.goals = GoalFormSet(
            data,
            prefix="goals",
            initial=[
                {
                    field.name: getattr(goal, field.name)
                    for field in dataclasses.fields(GoalInput)
                }
                for goal in (plan.goals.all() if plan else ())
            ],
        )

    def cleaned_input(self) -> dict[str, Any] | None:
        """Return plan_of_care_save's arguments as typed, or None while input is malformed."""
        parts = (self.form, self.diagnoses, self.goals)
        if not all([part.is_valid() for part in parts]):
            return None
        return {
            "data": self.form.plan_input(),
            "diagnoses": self.diagnoses.plan_diagnosis_inputs(),
            "goals": self.goals.goal_inputs(),
            "expected_version": self.form.cleaned_data.get("version"),
        }

    def add_errors(self, error: ValidationError) -> None:
        """Put each refusal next to its field: on the plan, or on the row it names."""
        keep_stored_version(self.form, error)
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            rows, _, rest = key.partition(".")
            formset = {"diagnoses": self.diagnoses, "goals": self.goals}.get(rows)
            if formset is None:
                self.form.add_error(key if key in self.form.fields else None, errors)
                continue
            index, _, field = rest.partition(".")
            form = formset.kept_forms()[int(index)]
            form.add_error(field if field in form.fields else None, errors)

    def context(self) -> dict:
        return {"form": self.form, "diagnoses": self.diagnoses, "goals": self.goals}
