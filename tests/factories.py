"""factory_boy factories for Perfnote's models; tests reach them through fixtures.

Defaults describe one ordinary, valid record: a physical therapist in a clinic in
America/Chicago, a Medicare patient, and a finished draft session with one Timed
Up and Go. Use ``.build()`` where a test needs no database.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from assessments.models import (
    Goal,
    PerformedTest,
    PlanDiagnosis,
    PlanOfCare,
    SameDayProcedure,
    TestSession,
)
from billing.models import BillingDecision, Coverage, Payer, PayerRate
from clinic.models import Clinic, ClinicAdmin, Clinician, Diagnosis, Patient

User = get_user_model()

DEFAULT_PASSWORD = "correct-horse-battery-staple"
# A signer as signing.signer_snapshot() records one, for notes built in tests.
SIGNER = {
    "name": "Rosa Diaz",
    "role": "pt",
    "role_label": "Physical therapist",
    "credentials": "PT, DPT",
    "license_number": "070.012345",
    "license_state": "IL",
    "npi": "1457382910",
}


class UserFactory(DjangoModelFactory[User]):
    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")

    class Meta:
        model = User
        skip_postgeneration_save = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEFAULT_PASSWORD)
        if create:
            self.save(update_fields=["password"])


class ClinicFactory(DjangoModelFactory[Clinic]):
    name = factory.Sequence(lambda n: f"Clinic {n}")
    address = "100 Main Street\nSpringfield, IL 62701"
    phone = "217-555-0100"
    npi = factory.Sequence(lambda n: f"{1000000000 + n}")
    time_zone = "America/Chicago"
    # The suite makes a throw-away seal certificate per seal name on first use.
    seal_name = factory.Sequence(lambda n: f"clinic-{n}")

    class Meta:
        model = Clinic


class ClinicianFactory(DjangoModelFactory[Clinician]):
    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)
    role = Clinician.Role.PT
    credentials = "PT, DPT"

    class Meta:
        model = Clinician


class ClinicAdminFactory(DjangoModelFactory[ClinicAdmin]):
    user = factory.SubFactory(UserFactory)
    clinic = factory.SubFactory(ClinicFactory)

    class Meta:
        model = ClinicAdmin


class PayerFactory(DjangoModelFactory[Payer]):
    """A Medicare payer whose rate table pays rate_97750 (default $50.00) for 97750."""

    clinic = factory.SubFactory(ClinicFactory)
    name = factory.Sequence(lambda n: f"Medicare Part B {n}")
    kind = Payer.Kind.MEDICARE
    method = Payer.Method.CMS_8_MINUTE

    class Meta:
        model = Payer
        skip_postgeneration_save = True

    @factory.post_generation
    def rate_97750(self: Payer, create: bool, extracted: Decimal | None) -> None:
        if create:
            PayerRate.objects.create(
                payer=self,
                code="97750",
                expected_payment=Decimal("50.00") if extracted is None else extracted,
            )


class CoverageFactory(DjangoModelFactory[Coverage]):
    patient = factory.SubFactory("tests.factories.PatientFactory", coverage=None)
    payer = factory.SubFactory(
        PayerFactory, clinic=factory.SelfAttribute("..patient.clinic")
    )
    member_id = factory.Sequence(lambda n: f"1EG4-TE5-MK{n:02d}")

    class Meta:
        model = Coverage


class PatientFactory(DjangoModelFactory[Patient]):
    """A patient covered by a Medicare payer of their clinic (``coverage=None``: none)."""

    clinic = factory.SubFactory(ClinicFactory)
    mrn = factory.Sequence(lambda n: f"MRN{n:05d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = dt.date(1950, 3, 14)
    sex = Patient.Sex.FEMALE
    coverage = factory.RelatedFactory(CoverageFactory, factory_related_name="patient")

    class Meta:
        model = Patient
        skip_postgeneration_save = True


class DiagnosisFactory(DjangoModelFactory[Diagnosis]):
    patient = factory.SubFactory(PatientFactory)
    code = "M17.11"
    description = "Unilateral primary osteoarthritis, right knee"
    position = 0

    class Meta:
        model = Diagnosis


class PlanOfCareFactory(DjangoModelFactory[PlanOfCare]):
    """A certified PT plan of care whose certification period runs around today."""

    patient = factory.SubFactory(PatientFactory)
    discipline = TestSession.Discipline.PT
    starts_on = factory.LazyFunction(
        lambda: timezone.localdate() - dt.timedelta(days=30)
    )
    certification_from = factory.SelfAttribute("starts_on")
    certification_through = factory.LazyAttribute(
        lambda plan: plan.starts_on + dt.timedelta(days=89)
    )
    certified_on = factory.LazyAttribute(
        lambda plan: plan.starts_on + dt.timedelta(days=3)
    )
    certifying_name = "Priya Raman, MD"
    certifying_npi = "1876034210"
    referring_name = "Alan Ng, MD"
    referring_npi = "1093817465"
    frequency = "2x/week"
    duration = "12 weeks"

    class Meta:
        model = PlanOfCare


class PlanDiagnosisFactory(DjangoModelFactory[PlanDiagnosis]):
    plan = factory.SubFactory(PlanOfCareFactory)
    code = "M17.11"
    description = "Unilateral primary osteoarthritis, right knee"
    position = 0

    class Meta:
        model = PlanDiagnosis


class GoalFactory(DjangoModelFactory[Goal]):
    """ "TUG under 12 s": a goal measured by the session fixture's test."""

    plan = factory.SubFactory(PlanOfCareFactory)
    text = "Walk safely in the community: TUG under 12 s."
    catalog_code = "timed_up_and_go"
    comparison = Goal.Comparison.AT_MOST
    target = Decimal("12.0")
    target_on = dt.date(2027, 1, 15)
    position = 0

    class Meta:
        model = Goal


def _a_day_ago():
    return timezone.now().replace(microsecond=0) - dt.timedelta(days=1)


class TestSessionFactory(DjangoModelFactory[TestSession]):
    __test__ = False  # a factory, not a pytest test class

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(
        ClinicianFactory, clinic=factory.SelfAttribute("..patient.clinic")
    )
    started_at = factory.LazyFunction(_a_day_ago)
    ended_at = factory.LazyAttribute(
        lambda session: session.started_at + dt.timedelta(minutes=45)
    )
    discipline = TestSession.Discipline.PT
    reason = "Fall risk after right total knee replacement."
    interpretation = "Gait speed and TUG show an elevated fall risk."

    class Meta:
        model = TestSession


class PerformedTestFactory(DjangoModelFactory[PerformedTest]):
    __test__ = False

    session = factory.SubFactory(TestSessionFactory)
    catalog_code = "timed_up_and_go"
    side = PerformedTest.Side.NOT_APPLICABLE
    started_at = factory.LazyAttribute(
        lambda test: test.session.started_at + dt.timedelta(minutes=5)
    )
    ended_at = factory.LazyAttribute(
        lambda test: test.started_at + dt.timedelta(minutes=10)
    )
    trials = factory.LazyFunction(lambda: {"na": ["12.5"]})
    notes = ""
    position = 0

    class Meta:
        model = PerformedTest


class SameDayProcedureFactory(DjangoModelFactory[SameDayProcedure]):
    session = factory.SubFactory(TestSessionFactory)
    code = SameDayProcedure.Code.THERAPEUTIC_EXERCISE
    minutes = 10

    class Meta:
        model = SameDayProcedure


def one_test_session(*, patient, clinician, start, minutes):
    """Return a draft session with one test of ``minutes`` minutes from ``start``.

    The session runs five minutes longer than its test, as a real visit does.
    """
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes + 5),
    )
    PerformedTestFactory(
        session=session,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes),
    )
    return session


def mark_signed(session, *, at=None):
    """Lock a session as signed in the database, without a rendered note.

    For tests about what a signed session refuses; signing itself, with its
    sealed PDF, is assessments.notes.signing.session_sign.
    """
    TestSession.objects.filter(pk=session.pk).update(
        status=TestSession.Status.SIGNED,
        signed_at=at or session.ended_at,
        signed_by=session.clinician,
        signer={"name": str(session.clinician), "credentials": "PT, DPT"},
    )
    BillingDecision.objects.filter(pk=session.billing_decision_id).update(
        status=BillingDecision.Status.FINAL
    )
    session.refresh_from_db()
    return session
