"""Writes to plans of care: the plan pages, the admin, seed_demo and the tests come here.

A plan is saved whole (its fields, its diagnoses in order and its goals in
order) by ``plan_of_care_save``, which checks everything first and stores
nothing when anything is wrong. The checks that need no database are plain
functions (``goals.goal_problems`` among them), so the admin's goal rows show
the same messages next to their fields before anything is saved.
"""

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from clinic.models import Patient
from clinic.services import patient_lock
from clinic.versions import field_values, lock_version, stamp

from .goals import goal_problems
from .models import Goal, PlanDiagnosis, PlanOfCare, TestSession
from .services import session_billing_refresh

CERTIFICATION_ENDS_BEFORE_START = "The certification period ends before it starts."
PLAN_DIAGNOSIS_LISTED_TWICE = "{code} is listed twice."
DISCIPLINE_HAS_SESSIONS = (
    "Sessions are recorded under this {discipline} plan of care, so its "
    "discipline cannot change; start a new plan of care instead."
)


@dataclass(frozen=True, kw_only=True)
class PlanOfCareInput:
    """A plan's own fields as typed on the plan form or in the admin."""

    discipline: str
    starts_on: date
    certification_from: date
    certification_through: date
    frequency: str
    duration: str
    onset_on: date | None = None
    certified_on: date | None = None
    certifying_name: str = ""
    certifying_npi: str = ""
    referring_name: str = ""
    referring_npi: str = ""


@dataclass(frozen=True, kw_only=True)
class PlanDiagnosisInput:
    """One ICD-10-CM diagnosis of the plan; the first one given is the primary."""

    code: str
    description: str


@dataclass(frozen=True, kw_only=True)
class GoalInput:
    """One goal in words; with a catalog test, also its comparison, target and date."""

    text: str
    catalog_code: str = ""
    comparison: str = ""
    target: Decimal | None = None
    target_on: date | None = None


def plan_period_problems(data: PlanOfCareInput) -> dict[str, str]:
    """Return {field: message} when the certification period runs backwards."""
    if data.certification_through < data.certification_from:
        return {"certification_through": CERTIFICATION_ENDS_BEFORE_START}
    return {}


def plan_diagnosis_problems(
    diagnoses: tuple[PlanDiagnosisInput, ...],
) -> dict[int, dict[str, str]]:
    """Return {index: {field: message}} for each diagnosis listed a second time."""
    codes = [diagnosis.code.strip() for diagnosis in diagnoses]
    return {
        index: {"code": PLAN_DIAGNOSIS_LISTED_TWICE.format(code=code)}
        for index, code in enumerate(codes)
        if code in codes[:index]
    }


@transaction.atomic
def plan_of_care_save(
    *,
    plan: PlanOfCare | None,
    patient: Patient,
    data: PlanOfCareInput,
    diagnoses: tuple[PlanDiagnosisInput, ...],
    goals: tuple[GoalInput, ...],
    editor: AbstractBaseUser | None = None,
    expected_version: str | None = None,
) -> PlanOfCare:
    """Create or change a patient's plan of care with its diagnoses and goals; return it.

    Refused with a ValidationError whose keys name the fields: a plan field
    ("certification_through"), or a row as ``diagnoses.<index>.<field>`` and
    ``goals.<index>.<field>`` (index into the tuples given). A plan with
    sessions keeps its discipline, since each session is of its plan's
    discipline. The draft sessions done under the plan get their billing
    recomputed, because billing reads the plan (its certification).

    ``editor`` is recorded as who saved it. expected_version is the version
    the editor's form was opened at: a plan saved by someone else since is
    refused (clinic.versions.StaleEditError), not overwritten.
    """
    patient_lock(patient=patient)
    if plan is None:
        plan = PlanOfCare(patient=patient)
    elif plan.pk is not None:
        lock_version(
            plan,
            expected=expected_version,
            noun="plan of care",
            values=plan_version_values,
        )
    old_discipline = plan.discipline
    for field in fields(data):
        setattr(plan, field.name, getattr(data, field.name))
    for name in ("frequency", "duration", "certifying_name", "referring_name"):
        setattr(plan, name, getattr(plan, name).strip())
    errors = _plan_errors(plan, data, diagnoses, goals)
    if plan.pk and old_discipline != data.discipline and plan.sessions.exists():
        errors.setdefault("discipline", []).append(
            DISCIPLINE_HAS_SESSIONS.format(discipline=old_discipline)
        )
    if errors:
        raise ValidationError(errors)
    stamp(plan, editor=editor, now=timezone.now())
    plan.save()
    # A plan is a living document whose rows no note points at (the note keeps
    # its own copy), so its lists are replaced whole, in the order given.
    plan.diagnoses.all().delete()
    PlanDiagnosis.objects.bulk_create(_diagnosis_rows(plan, diagnoses))
    plan.goals.all().delete()
    Goal.objects.bulk_create(_goal_rows(plan, goals))
    drafts = plan.sessions.filter(status=TestSession.Status.DRAFT).select_related(
        "patient__clinic", "clinician", "billing_decision"
    )
    for session in drafts:
        session_billing_refresh(session=session)
    return plan


def _plan_errors(
    plan: PlanOfCare,
    data: PlanOfCareInput,
    diagnoses: tuple[PlanDiagnosisInput, ...],
    goals: tuple[GoalInput, ...],
) -> dict[str, list[str]]:
    """Collect every problem of the plan and its rows, so all show at once."""
    errors: dict[str, list[str]] = {}
    _merge(errors, "", _model_errors(plan, exclude=["patient"]))
    _merge(errors, "", {k: [v] for k, v in plan_period_problems(data).items()})
    for index, row in enumerate(_diagnosis_rows(plan, diagnoses)):
        _merge(errors, f"diagnoses.{index}.", _model_errors(row, exclude=["plan"]))
    for index, problems in plan_diagnosis_problems(diagnoses).items():
        _merge(errors, f"diagnoses.{index}.", {k: [v] for k, v in problems.items()})
    for index, (goal, row) in enumerate(
        zip(goals, _goal_rows(plan, goals), strict=True)
    ):
        _merge(errors, f"goals.{index}.", _model_errors(row, exclude=["plan"]))
        problems = goal_problems(
            catalog_code=goal.catalog_code,
            comparison=goal.comparison,
            target=goal.target,
        )
        _merge(errors, f"goals.{index}.", {k: [v] for k, v in problems.items()})
    return errors


def _model_errors(row: Model, *, exclude: list[str]) -> dict[str, list[str]]:
    try:
        row.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as exc:
        return exc.message_dict
    return {}


def _merge(errors: dict[str, list[str]], prefix: str, found: dict) -> None:
    """Add ``found`` messages under prefixed keys, each message once per key."""
    for field, messages in found.items():
        for message in messages:
            if message not in errors.setdefault(prefix + field, []):
                errors[prefix + field].append(message)


def _diagnosis_rows(
    plan: PlanOfCare, diagnoses: tuple[PlanDiagnosisInput, ...]
) -> list[PlanDiagnosis]:
    return [
        PlanDiagnosis(
            plan=plan,
            code=diagnosis.code.strip(),
            description=diagnosis.description.strip(),
            position=position,
        )
        for position, diagnosis in enumerate(diagnoses)
    ]


def _goal_rows(plan: PlanOfCare, goals: tuple[GoalInput, ...]) -> list[Goal]:
    return [
        Goal(
            plan=plan,
            text=goal.text.strip(),
            catalog_code=goal.catalog_code,
            comparison=goal.comparison,
            target=goal.target,
            target_on=goal.target_on,
            position=position,
        )
        for position, goal in enumerate(goals)
    ]


def plan_of_care_inputs(
    *, plan: PlanOfCare
) -> tuple[PlanOfCareInput, tuple[PlanDiagnosisInput, ...], tuple[GoalInput, ...]]:
    """Return a stored plan as plan_of_care_save takes it: fields, diagnoses, goals.

    For callers that change one part (the admin saves the plan and each inline
    in turn) and hand the rest back unchanged. A plan not saved yet has no rows.
    """
    data = PlanOfCareInput(
        **{field.name: getattr(plan, field.name) for field in fields(PlanOfCareInput)}
    )
    if plan.pk is None:
        return data, (), ()
    return (
        data,
        tuple(
            PlanDiagnosisInput(code=row.code, description=row.description)
            for row in plan.diagnoses.all()
        ),
        tuple(
            GoalInput(
                **{field.name: getattr(row, field.name) for field in fields(GoalInput)}
            )
            for row in plan.goals.all()
        ),
    )


def plan_version_values(plan: PlanOfCare) -> dict[str, object]:
    """Return what a plan's version fingerprints: its fields, diagnoses and goals."""
    _data, diagnoses, goals = plan_of_care_inputs(plan=plan)
    return {
        **field_values(plan, (field.name for field in fields(PlanOfCareInput))),
        "diagnoses": diagnoses,
        "goals": goals,
    }
