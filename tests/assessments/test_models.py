"""What the models and the database themselves guarantee, even when forms are bypassed.

Each database refusal runs in its own ``transaction.atomic()`` block, so on
PostgreSQL the failed statement rolls back to a savepoint and the test's own
transaction stays usable for the checks that follow.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from assessments.models import PerformedTest, TestSession
from billing.models import Payer, PayerRate
from clinic.models import (
    DOB_IN_FUTURE,
    DOB_TOO_OLD,
    Clinician,
    Diagnosis,
    Patient,
    years_before,
)
from tests.factories import (
    ClinicFactory,
    ClinicianFactory,
    DiagnosisFactory,
    PatientFactory,
    PayerFactory,
    PerformedTestFactory,
    SameDayProcedureFactory,
    TestSessionFactory,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 1, 15, 15, 0, tzinfo=dt.UTC)


# --- the database refuses impossible rows -------------------------------------------


@pytest.mark.parametrize(
    ("_case", "ended_at"),
    [
        ("ends when it starts", START),
        ("ends before it starts", START - dt.timedelta(1)),
    ],
)
def test_database_refuses_a_session_that_does_not_end_after_it_starts(
    patient, clinician, _case, ended_at
):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        TestSession.objects.create(
            patient=patient,
            clinician=clinician,
            discipline="PT",
            started_at=START,
            ended_at=ended_at,
            reason="Balance.",
        )
    assert TestSession.objects.count() == 0


def test_database_refuses_an_update_that_ends_a_session_before_it_starts(session):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        TestSession.objects.filter(pk=session.pk).update(
            ended_at=F("started_at") - dt.timedelta(minutes=1)
        )
    stored = TestSession.objects.get(pk=session.pk)
    assert stored.ended_at == session.ended_at


@pytest.mark.parametrize(
    ("_case", "minutes"), [("stops when it starts", 0), ("stops before", -3)]
)
def test_database_refuses_a_test_that_does_not_stop_after_it_starts(
    session, _case, minutes
):
    # given
    started_at = session.started_at + dt.timedelta(minutes=20)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PerformedTest.objects.create(
            session=session,
            catalog_code="timed_up_and_go",
            side="na",
            started_at=started_at,
            ended_at=started_at + dt.timedelta(minutes=minutes),
            trials={"na": ["12.5"]},
        )
    assert session.tests.count() == 1


def test_database_refuses_an_unknown_side(session):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        session.tests.update(side="up")
    assert list(session.tests.values_list("side", flat=True)) == ["na"]


@pytest.mark.parametrize(
    ("_case", "first", "second"),
    [("same case", "A-1001", "A-1001"), ("different case", "a-1001", "A-1001")],
)
def test_database_refuses_a_duplicate_mrn_in_one_clinic(clinic, _case, first, second):
    # given
    PatientFactory(clinic=clinic, mrn=first)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PatientFactory(clinic=clinic, mrn=second)
    assert list(Patient.objects.values_list("mrn", flat=True)) == [first]


def test_database_allows_the_same_mrn_in_two_clinics(clinic, other_clinic):
    # given
    PatientFactory(clinic=clinic, mrn="A-1001")

    # when
    PatientFactory(clinic=other_clinic, mrn="a-1001")

    # then
    assert Patient.objects.filter(mrn__iexact="A-1001").count() == 2


def test_database_refuses_a_payer_with_a_negative_rate(clinic):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PayerFactory(clinic=clinic, rate_97750=Decimal("-0.01"))
    assert Payer.objects.count() == 0


def test_database_refuses_an_unknown_unit_counting_method(clinic):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PayerFactory(clinic=clinic, method="rounded_up")
    assert Payer.objects.count() == 0


def test_database_refuses_the_same_diagnosis_twice_for_a_patient(patient):
    # given
    DiagnosisFactory(patient=patient, code="M17.11")

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        DiagnosisFactory(patient=patient, code="M17.11")
    assert Diagnosis.objects.count() == 1


def test_database_refuses_the_same_procedure_twice_in_a_session(session):
    """A same-day procedure code is listed once per session, whatever its minutes."""
    # given
    SameDayProcedureFactory(session=session, code="97110", minutes=10)

    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        SameDayProcedureFactory(session=session, code="97110", minutes=5)
    assert list(session.same_day_procedures.values_list("code", "minutes")) == [
        ("97110", 10)
    ]


# --- full_clean reports the same rules as messages ------------------------------------


def test_full_clean_reports_a_session_ending_before_it_starts():
    # given
    session = TestSessionFactory.build(started_at=START, ended_at=START)

    # when
    with pytest.raises(ValidationError) as error:
        session.full_clean(exclude=["patient", "clinician"])

    # then
    assert error.value.messages == ["Time out must be after time in."]


def test_full_clean_reports_a_test_stopping_before_it_starts():
    # given
    test = PerformedTestFactory.build(started_at=START, ended_at=START)

    # when
    with pytest.raises(ValidationError) as error:
        test.full_clean(exclude=["session"])

    # then
    assert error.value.messages == ["Stop must be after start."]


def test_full_clean_reports_a_code_missing_from_the_catalog():
    # given
    test = PerformedTestFactory.build(catalog_code="moon_walk")

    # when
    with pytest.raises(ValidationError) as error:
        test.full_clean(exclude=["session"])

    # then
    assert error.value.message_dict == {
        "catalog_code": ["moon_walk is not a test in the catalog."]
    }


def test_full_clean_reports_a_duplicate_mrn_whatever_the_case(clinic):
    # given
    PatientFactory(clinic=clinic, mrn="A-1001")
    duplicate = PatientFactory.build(clinic=clinic, mrn="a-1001", coverage=None)

    # when
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    # then
    assert error.value.messages == ["Another patient of this clinic has this MRN."]


def test_full_clean_reports_a_negative_rate(clinic):
    # given
    rate = PayerRate(
        payer=PayerFactory(clinic=clinic), code="97750", expected_payment=Decimal("-1")
    )

    # when
    with pytest.raises(ValidationError) as error:
        rate.full_clean()

    # then
    assert error.value.message_dict["expected_payment"] == [
        "Ensure this value is greater than or equal to 0.00."
    ]


@pytest.mark.parametrize(
    ("_case", "days_from_today", "message"),
    [
        ("tomorrow", 1, DOB_IN_FUTURE),
        ("one day too old", -1, DOB_TOO_OLD),
    ],
)
def test_patient_date_of_birth_must_be_plausible(_case, days_from_today, message):
    # given
    today = timezone.localdate()
    base = today if days_from_today > 0 else years_before(today, 120)
    patient = PatientFactory.build(
        date_of_birth=base + dt.timedelta(days=days_from_today)
    )

    # when
    with pytest.raises(ValidationError) as error:
        patient.clean()

    # then
    assert error.value.message_dict == {"date_of_birth": [message]}


def test_clinic_time_zone_must_be_an_iana_name():
    # given
    clinic = ClinicFactory.build(time_zone="Central Time")

    # when
    with pytest.raises(ValidationError) as error:
        clinic.full_clean()

    # then
    assert error.value.message_dict == {
        "time_zone": ["Central Time is not an IANA time zone such as America/Chicago."]
    }


def test_clinic_npi_must_be_ten_digits():
    # given
    clinic = ClinicFactory.build(npi="12345")

    # when
    with pytest.raises(ValidationError) as error:
        clinic.full_clean()

    # then
    assert error.value.message_dict == {"npi": ["An NPI is exactly 10 digits."]}


# --- derived values --------------------------------------------------------------------


def test_years_before_a_leap_day_falls_back_to_28_february():
    assert years_before(dt.date(2024, 2, 29), 1) == dt.date(2023, 2, 28)
    assert years_before(dt.date(2024, 2, 29), 4) == dt.date(2020, 2, 29)


def test_session_total_minutes_are_whole_minutes_floored():
    # given
    session = TestSessionFactory.build(
        started_at=START, ended_at=START + dt.timedelta(minutes=44, seconds=59)
    )

    # then
    assert session.total_minutes == 44
    assert session.is_draft is True


def test_test_minutes_trial_values_and_results():
    # given: grip reports the mean of its trials per side (ASHT)
    test = PerformedTestFactory.build(
        catalog_code="grip_dynamometry",
        side="both",
        started_at=START,
        ended_at=START + dt.timedelta(minutes=7, seconds=30),
        trials={"left": ["24.0", "25.5"], "right": ["30"]},
    )

    # then
    assert test.minutes == 7
    assert test.trial_values() == {
        "left": [Decimal("24.0"), Decimal("25.5")],
        "right": [Decimal("30")],
    }
    assert test.results() == {"left": Decimal("24.8"), "right": Decimal("30.0")}


def test_a_result_recorded_under_rules_version_1_keeps_its_best_trial():
    """Grip reported its best trial before the protocol review; such rows still do."""
    # given
    test = PerformedTestFactory.build(
        catalog_code="grip_dynamometry",
        side="both",
        trials={"left": ["24.0", "25.5"], "right": ["30"]},
        rules_version=1,
    )

    # then
    assert test.results() == {"left": Decimal("25.5"), "right": Decimal("30")}
    assert test.has_result is True
    assert str(test) == "Grip strength (Jamar dynamometer) (Both)"


def test_test_without_trials_has_no_result():
    # given
    test = PerformedTestFactory.build(trials={})

    # then
    assert (test.results(), test.has_result) == ({}, False)


def test_assistants_are_flagged_by_role():
    # given
    roles = [role for role, _label in Clinician.Role.choices]

    # when
    assistants = [
        role for role in roles if ClinicianFactory.build(role=role).is_assistant
    ]

    # then
    assert assistants == ["pta", "ota"]


def test_names_as_printed():
    """Clinician and patient names read as lists, notes and claims print them."""
    # given
    clinician = ClinicianFactory.build(
        user__first_name="Rosa", user__last_name="Diaz", credentials="PT, DPT"
    )
    patient = PatientFactory.build(first_name="Maria", last_name="Lopez", mrn="A-1")

    # then
    assert (str(clinician), clinician.display_name) == (
        "Rosa Diaz, PT, DPT",
        "Rosa Diaz",
    )
    assert (str(patient), patient.full_name, patient.last_first) == (
        "Lopez, Maria (MRN A-1)",
        "Maria Lopez",
        "Lopez, Maria",
    )


def test_a_clinician_without_a_name_is_shown_by_username():
    """display_name falls back to the username when no name was given."""
    # given
    clinician = ClinicianFactory.build(
        user__username="rdiaz", user__first_name="", user__last_name=""
    )

    # then
    assert clinician.display_name == "rdiaz"
