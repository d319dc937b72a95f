"""Writes to test sessions and patient charts: every page, the admin and seed_demo."""

from dataclasses import asdict, dataclass
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from billing.models import BillingDecision
from billing.selectors import day_decision_get, patient_version_values
from billing.services import (
    CoverageInput,
    coverage_save,
    day_decision_record,
    decision_finalize,
)
from clinic.models import Clinic, Clinician, Patient
from clinic.services import (
    ClinicianInput,
    DiagnosisInput,
    PatientInput,
    clinician_save,
    patient_diagnoses_set,
    patient_lock,
    patient_save,
)
from clinic.versions import check_version, lock_version, stamp

from .models import (
    PerformedTest,
    PlanOfCare,
    SameDayProcedure,
    TestBattery,
    TestSession,
)
from .recording import Problem, SessionInput, session_problems
from .roles import check_may_edit, check_may_record
from .selectors import (
    DayKey,
    day_of,
    day_sessions,
    session_version_values,
    visit_facts_get,
)

SESSION_NOT_DRAFT = "This session is signed; it can no longer be changed."
PLAN_NOT_THE_PATIENTS = "This plan of care is not this patient's."
PLAN_OTHER_DISCIPLINE = "This plan of care is for {plan}; the session is {session}."


class SessionRulesError(ValidationError):
    """The session breaks the recording rules; ``problems`` says where and why."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__([problem.message for problem in problems])
        self.problems = problems


@dataclass(frozen=True, kw_only=True)
class ChartInput:
    """What the patient form saves: identity, diagnoses in order, and coverage."""

    patient: PatientInput
    diagnoses: tuple[DiagnosisInput, ...]
    coverage: CoverageInput | None


@dataclass(frozen=True, kw_only=True)
class BatteryInput:
    """A clinic's test battery: its name and catalog codes in the order added."""

    name: str
    codes: tuple[str, ...]


def battery_save(
    *,
    battery: TestBattery | None,
    clinic: Clinic,
    data: BatteryInput,
    editor: AbstractBaseUser | None = None,
) -> TestBattery:
    """Save a clinic's test battery; unknown codes and repeated names are refused.

    ``editor`` is recorded as who saved it, with the time: its new version.
    """
    battery = battery or TestBattery(clinic=clinic)
    battery.name = data.name.strip()
    battery.codes = list(dict.fromkeys(data.codes))
    battery.full_clean()
    stamp(battery, editor=editor, now=timezone.now())
    battery.save()
    return battery


def batteries_delete(*, batteries: QuerySet[TestBattery]) -> None:
    """Remove test batteries; sessions keep their tests, which store codes only."""
    batteries.delete()


@transaction.atomic
def patient_chart_save(
    *,
    patient: Patient | None,
    clinic: Clinic,
    data: ChartInput,
    editor: AbstractBaseUser | None = None,
    expected_version: str | None = None,
) -> Patient:
    """Save a patient, their diagnoses and their coverage as one change.

    Each record keeps its own write path (clinic.services for the patient and
    diagnoses, billing.services for the coverage, which recomputes the drafts).
    expected_version is the version the editor's form was opened at: a chart
    saved by someone else since is refused (clinic.versions.StaleEditError).
    """
    if patient is not None:
        lock_version(
            patient,
            expected=expected_version,
            noun="patient",
            values=patient_version_values,
        )
    patient = patient_save(
        patient=patient, clinic=clinic, data=data.patient, editor=editor
    )
    patient_diagnoses_set(patient=patient, diagnoses=data.diagnoses)
    coverage_save(patient=patient, data=data.coverage)
    return patient


@transaction.atomic
def clinician_record_save(
    *,
    clinician: Clinician,
    data: ClinicianInput,
    editor: AbstractBaseUser | None = None,
) -> Clinician:
    """Save a clinician and recompute the billing of their draft sessions.

    The performer's role (an assistant cannot bill 97750) and credentials (the
    signer must have them) are billing facts, so a draft's decision would
    otherwise keep the old ones until the session is saved again.
    """
    clinician = clinician_save(clinician=clinician, data=data, editor=editor)
    drafts = clinician.sessions.filter(status=TestSession.Status.DRAFT).select_related(
        "patient__clinic"
    )
    for day in dict.fromkeys(day_of(session=session) for session in drafts):
        day_billing_refresh(day=day)
    return clinician


def session_create(
    *,
    patient: Patient,
    clinician: Clinician,
    data: SessionInput,
    now: datetime | None = None,
) -> TestSession:
    """Record a new draft session of the patient, performed (and saved) by the clinician.

    An assistant is refused: formal testing is not within their scope.
    """
    session = TestSession(patient=patient, clinician=clinician)
    return _session_write(
        session=session, data=data, editor=clinician.user, now=now or timezone.now()
    )


@transaction.atomic
def session_update(
    *,
    session: TestSession,
    data: SessionInput,
    editor: AbstractBaseUser,
    clinician: Clinician | None = None,
    now: datetime | None = None,
    expected_version: str | None = None,
) -> TestSession:
    """Replace a draft's fields, tests and procedures; change its clinician if given.

    ``editor`` saves it and is named as its last editor: the performer, or a
    front-office user in the admin; another clinician is refused (only the
    performer writes and signs the note), and so is an assistant as performer.

    Tests and procedures are replaced as a whole because every caller sends the
    full lists. A signed session is refused: it changes only by addendum. The
    row is re-read locked, so a note signed a moment ago is refused here, never
    written to. expected_version is the version the editor's form was opened
    at: a draft saved by someone else since is refused (StaleEditError)
    instead of being silently overwritten.
    """
    patient_lock(patient=session.patient)
    current = TestSession.objects.select_for_update().get(pk=session.pk)
    if not current.is_draft:
        raise ValidationError(SESSION_NOT_DRAFT)
    check_may_edit(session=current, user=editor)
    check_version(
        current,
        expected=expected_version,
        noun="session",
        values=session_version_values,
        saved_by="last_edited_by",
    )
    if clinician is not None:
        session.clinician = clinician
    return _session_write(
        session=session, data=data, editor=editor, now=now or timezone.now()
    )


@transaction.atomic
def session_delete(*, session: TestSession) -> None:
    """Delete a draft session and recompute its day; signed ones stay on record."""
    patient_lock(patient=session.patient)
    session.refresh_from_db(fields=["status"])
    if not session.is_draft:
        raise ValidationError(SESSION_NOT_DRAFT)
    day = day_of(session=session)
    session.delete()
    day_billing_refresh(day=day)


@transaction.atomic
def session_billing_refresh(
    *, session: TestSession, now: datetime | None = None
) -> TestSession:
    """Recompute the billing of the session's date of service; return the session
    with its decision."""
    day_billing_refresh(day=day_of(session=session), now=now)
    session.refresh_from_db(fields=["billing_decision"])
    return session


@transaction.atomic
def day_billing_refresh(
    *, day: DayKey, now: datetime | None = None
) -> BillingDecision | None:
    """Hand billing the documented facts of every session of a patient's day.

    Units are counted per date of service and plan-of-care discipline, so the
    day's sessions, signed and draft, are decided together; the draft sessions
    are pointed at the day's decision. When no draft is left the decision is
    final: its notes are all signed. Other days are not touched: only signing
    a day changes what later days count (KX, testing frequency).

    The patient is locked first (clinic.services.patient_lock), so the day's
    sessions read here stay as read until the transaction ends: none is
    signed meanwhile, and two days' writers never wait on each other's rows.
    """
    patient_lock(patient=day.patient)
    sessions = list(day_sessions(day=day))
    drafts = [session.pk for session in sessions if session.is_draft]
    current = day_decision_get(
        patient=day.patient,
        date_of_service=day.date_of_service,
        discipline=day.discipline,
    )
    if sessions and not drafts and current is not None and not current.is_draft:
        # Every note of the day is signed and its decision frozen.
        return current
    decision = day_decision_record(
        patient=day.patient,
        date_of_service=day.date_of_service,
        discipline=day.discipline,
        visits=[
            (session.clinician, visit_facts_get(session=session))
            for session in sessions
        ],
        now=now,
    )
    if decision is None:
        return None
    if drafts:
        TestSession.objects.filter(pk__in=drafts).exclude(
            billing_decision=decision
        ).update(billing_decision=decision)
    elif decision.is_draft:
        decision = decision_finalize(decision=decision, now=now or timezone.now())
    return decision


@transaction.atomic
def _session_write(
    *, session: TestSession, data: SessionInput, editor: AbstractBaseUser, now: datetime
) -> TestSession:
    patient_lock(patient=session.patient)
    check_may_record(clinician=session.clinician)
    problems = session_problems(data, now=now) + _plan_problems(session, data)
    if problems:
        raise SessionRulesError(problems)
    before = day_of(session=session) if session.pk else None
    session.plan_of_care_id = data.plan_of_care_id
    session.started_at = data.started_at
    session.ended_at = data.ended_at
    session.discipline = data.discipline
    session.reason = data.reason
    session.interpretation = data.interpretation
    session.distinct_service_reason = data.distinct_service_reason
    session.last_edited_by = editor
    session.last_edited_at = now
    session.full_clean(exclude=["billing_decision"])
    session.save()
    session.tests.all().delete()
    tests = sorted(data.tests, key=lambda test: test.started_at)
    PerformedTest.objects.bulk_create(
        PerformedTest(session=session, position=position, **asdict(test))
        for position, test in enumerate(tests)
    )
    session.same_day_procedures.all().delete()
    SameDayProcedure.objects.bulk_create(
        SameDayProcedure(
            session=session, code=procedure.code, minutes=procedure.minutes
        )
        for procedure in data.procedures
    )
    session = session_billing_refresh(session=session, now=now)
    if before is not None and before != day_of(session=session):
        # The session moved to another day or discipline: its old day loses it.
        day_billing_refresh(day=before, now=now)
    return session


def _plan_problems(session: TestSession, data: SessionInput) -> tuple[Problem, ...]:
    """Refuse a plan of care of another patient, or of the other discipline.

    A session belongs to one plan of care of its own discipline: a PT session
    billed under an OT plan is not covered by it.
    """
    if data.plan_of_care_id is None:
        return ()
    plan = PlanOfCare.objects.filter(pk=data.plan_of_care_id).first()
    if plan is None or plan.patient_id != session.patient_id:
        message = PLAN_NOT_THE_PATIENTS
    elif plan.discipline != data.discipline:
        message = PLAN_OTHER_DISCIPLINE.format(
            plan=plan.discipline, session=data.discipline
        )
    else:
        return ()
    return (Problem(message=message, field="plan_of_care"),)
