"""session_save: the one way a session and its tests are written."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments.models import PerformedTest, TestSession
from assessments.services import SESSION_NOT_DRAFT, session_save
from tests.factories import PerformedTestFactory, TestSessionFactory, mark_signed

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 1, 15, 15, 0, tzinfo=dt.UTC)


def _minutes(count):
    return START + dt.timedelta(minutes=count)


def _data(**fields):
    return {
        "started_at": START,
        "ended_at": _minutes(60),
        "discipline": "PT",
        "reason": "Fall risk.",
        "interpretation": "Elevated fall risk.",
        **fields,
    }


def _test(**fields):
    return {
        "catalog_code": "timed_up_and_go",
        "side": "na",
        "started_at": _minutes(5),
        "ended_at": _minutes(15),
        "trials": {"na": ["12.5"]},
        "notes": "",
        **fields,
    }


def _stored(session):
    return list(
        session.tests.values_list(
            "catalog_code",
            "side",
            "started_at",
            "ended_at",
            "trials",
            "notes",
            "position",
        )
    )


def test_creates_a_draft_with_its_tests_in_the_given_order(patient, clinician):
    # given
    tests = [
        _test(),
        _test(
            catalog_code="grip_dynamometry",
            side="right",
            started_at=_minutes(20),
            ended_at=_minutes(30),
            trials={"right": ["30.0", "31.5", "29"]},
            notes="Dominant hand.",
        ),
    ]

    # when
    session = session_save(
        patient=patient, clinician=clinician, data=_data(), tests=tests
    )

    # then
    session = TestSession.objects.get(pk=session.pk)
    assert (
        session.patient,
        session.clinician,
        session.started_at,
        session.ended_at,
        session.discipline,
        session.reason,
        session.interpretation,
        session.status,
    ) == (
        patient,
        clinician,
        START,
        _minutes(60),
        "PT",
        "Fall risk.",
        "Elevated fall risk.",
        "draft",
    )
    assert _stored(session) == [
        ("timed_up_and_go", "na", _minutes(5), _minutes(15), {"na": ["12.5"]}, "", 0),
        (
            "grip_dynamometry",
            "right",
            _minutes(20),
            _minutes(30),
            {"right": ["30.0", "31.5", "29"]},
            "Dominant hand.",
            1,
        ),
    ]


def test_notes_are_optional(patient, clinician):
    # given
    test = _test()
    del test["notes"]

    # when
    session = session_save(
        patient=patient, clinician=clinician, data=_data(), tests=[test]
    )

    # then
    assert session.tests.get().notes == ""


def test_editing_a_draft_replaces_fields_and_tests(session):
    # given
    old_test_ids = list(session.tests.values_list("pk", flat=True))
    patient, clinician = session.patient, session.clinician

    # when
    saved = session_save(
        session=session,
        data=_data(discipline="OT", reason="Grip after wrist fracture."),
        tests=[_test(trials={"na": ["11.0"]})],
    )

    # then
    assert saved.pk == session.pk
    stored = TestSession.objects.get()
    assert (
        stored.patient,
        stored.clinician,
        stored.started_at,
        stored.discipline,
        stored.reason,
    ) == (patient, clinician, START, "OT", "Grip after wrist fracture.")
    assert _stored(stored) == [
        ("timed_up_and_go", "na", _minutes(5), _minutes(15), {"na": ["11.0"]}, "", 0)
    ]
    assert not PerformedTest.objects.filter(pk__in=old_test_ids).exists()


def test_refuses_to_change_a_signed_session(session):
    # given
    mark_signed(session)
    session.refresh_from_db()
    before = _stored(session)

    # when
    with pytest.raises(ValidationError) as error:
        session_save(
            session=session,
            data=_data(reason="Changed after signing."),
            tests=[_test(trials={"na": ["99.0"]})],
        )

    # then
    assert error.value.messages == [SESSION_NOT_DRAFT]
    assert SESSION_NOT_DRAFT == "This session is signed; it can no longer be changed."
    session.refresh_from_db()
    assert session.reason == "Fall risk after right total knee replacement."
    assert _stored(session) == before


def test_refuses_a_session_that_ends_before_it_starts(patient, clinician):
    # when
    with pytest.raises(ValidationError) as error:
        session_save(
            patient=patient,
            clinician=clinician,
            data=_data(ended_at=START),
            tests=[_test()],
        )

    # then
    assert error.value.messages == ["Time out must be after time in."]
    assert TestSession.objects.count() == 0


def test_refuses_a_blank_reason(patient, clinician):
    # when
    with pytest.raises(ValidationError) as error:
        session_save(
            patient=patient, clinician=clinician, data=_data(reason=""), tests=[_test()]
        )

    # then
    assert error.value.message_dict == {"reason": ["This field cannot be blank."]}
    assert TestSession.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "test", "expected"),
    [
        (
            "unknown code",
            _test(catalog_code="moon_walk"),
            {"catalog_code": ["moon_walk is not a test in the catalog."]},
        ),
        (
            "stops before it starts",
            _test(ended_at=_minutes(5)),
            {"__all__": ["Stop must be after start."]},
        ),
        (
            "unknown side",
            _test(side="up"),
            {"side": ["Value 'up' is not a valid choice."]},
        ),
    ],
)
def test_refuses_a_bad_test_and_keeps_nothing(
    patient, clinician, _case, test, expected
):
    # when
    with pytest.raises(ValidationError) as error:
        session_save(
            patient=patient, clinician=clinician, data=_data(), tests=[_test(), test]
        )

    # then: the session row written first is rolled back with the tests
    assert error.value.message_dict == expected
    assert (TestSession.objects.count(), PerformedTest.objects.count()) == (0, 0)


def test_a_bad_test_leaves_an_edited_draft_as_it_was(session):
    # given
    before = _stored(session)

    # when
    with pytest.raises(ValidationError):
        session_save(
            session=session,
            data=_data(reason="Changed."),
            tests=[_test(catalog_code="moon_walk")],
        )

    # then
    stored = TestSession.objects.get()
    assert stored.reason == "Fall risk after right total knee replacement."
    assert _stored(stored) == before


def test_a_test_without_values_is_kept_for_billing_to_flag(patient, clinician):
    # when
    session = session_save(
        patient=patient,
        clinician=clinician,
        data=_data(),
        tests=[_test(trials={}, notes="Declined: knee pain.")],
    )

    # then
    stored = session.tests.get()
    assert (stored.trials, stored.has_result) == ({}, False)


def test_other_sessions_keep_their_tests(session, patient, clinician):
    # given
    other = TestSessionFactory(patient=patient, clinician=clinician)
    PerformedTestFactory.create_batch(2, session=other)

    # when
    session_save(session=session, data=_data(), tests=[_test()])

    # then
    assert other.tests.count() == 2
