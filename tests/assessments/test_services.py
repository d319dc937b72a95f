"""session_create, session_update, session_delete: the one write path of a session.

The services check every session with the recording rules before they write,
store its tests, procedures and billing decision as one change, and store
nothing when a rule is broken.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assessments.models import PerformedTest, SameDayProcedure, TestSession
from assessments.recording import (
    NO_TESTS,
    SESSION_ENDS_BEFORE_START,
    SESSION_IN_FUTURE,
    TEST_ENDS_BEFORE_START,
    TIMED_PROCEDURE_NEEDS_MINUTES,
    Problem,
    ProcedureInput,
    SessionInput,
    TestInput,
)
from assessments.services import (
    SESSION_NOT_DRAFT,
    SessionRulesError,
    session_billing_refresh,
    session_create,
    session_delete,
    session_update,
)
from billing.models import BillingDecision
from tests.factories import (
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    SameDayProcedureFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 1, 15, 15, 0, tzinfo=dt.UTC)
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
TUG = "Timed Up and Go (TUG)"


def _minutes(count):
    return START + dt.timedelta(minutes=count)


def _test(**fields):
    """A Timed Up and Go 15:05-15:15 UTC with one trial."""
    return TestInput(
        **{
            "catalog_code": "timed_up_and_go",
            "side": "na",
            "started_at": _minutes(5),
            "ended_at": _minutes(15),
            "trials": {"na": ["12.5"]},
            "notes": "",
            **fields,
        }
    )


def _data(tests=None, **fields):
    """A session 15:00-16:00 UTC with one TUG unless other tests are given."""
    return SessionInput(
        **{
            "started_at": START,
            "ended_at": _minutes(60),
            "discipline": "PT",
            "reason": "Fall risk.",
            "interpretation": "Elevated fall risk.",
            "tests": (_test(),) if tests is None else tuple(tests),
            **fields,
        }
    )


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


def _everything():
    """Every stored session, test, procedure and billing decision, column by column."""
    return (
        list(TestSession.objects.values().order_by("pk")),
        list(PerformedTest.objects.values().order_by("pk")),
        list(SameDayProcedure.objects.values().order_by("pk")),
        list(BillingDecision.objects.values().order_by("pk")),
    )


def _nothing_stored():
    return (
        TestSession.objects.count(),
        PerformedTest.objects.count(),
        SameDayProcedure.objects.count(),
        BillingDecision.objects.count(),
    ) == (0, 0, 0, 0)


@pytest.fixture
def stored_draft(session):
    """The conftest draft with its TUG, a procedure and its billing decision."""
    SameDayProcedureFactory(session=session, code="97110", minutes=10)
    session_billing_refresh(session=session)
    session.refresh_from_db()
    return session


# The sessions that break a rule: (case, data, now, the problems reported).
BROKEN_RULES = [
    (
        "ends before it starts",
        _data(ended_at=START),
        NOW,
        (Problem(message=SESSION_ENDS_BEFORE_START, field="ended_at"),),
    ),
    (
        "ends in the future",
        _data(),
        _minutes(30),
        (Problem(message=SESSION_IN_FUTURE, field="ended_at"),),
    ),
    (
        "no tests",
        _data([]),
        NOW,
        (Problem(message=NO_TESTS, field="tests"),),
    ),
    (
        "test outside the window",
        _data([_test(started_at=_minutes(55), ended_at=_minutes(65))]),
        NOW,
        (
            Problem(
                message=(
                    "This test (15:55:00–16:05:00) falls outside the session's "
                    "time in–time out (15:00:00–16:00:00)."
                ),
                field="started_at",
                test=0,
            ),
        ),
    ),
    (
        "overlapping tests",
        _data([_test(), _test(started_at=_minutes(10), ended_at=_minutes(20))]),
        NOW,
        (
            Problem(
                message=f"{TUG} (15:05:00–15:15:00) overlaps {TUG} (15:10:00–15:20:00).",
                field="started_at",
                test=0,
            ),
            Problem(
                message=f"{TUG} (15:10:00–15:20:00) overlaps {TUG} (15:05:00–15:15:00).",
                field="started_at",
                test=1,
            ),
        ),
    ),
    (
        "test with an unknown code",
        _data([_test(), _test(catalog_code="moon_walk", started_at=_minutes(20))]),
        NOW,
        (
            Problem(
                message="moon_walk is not a test in the catalog.",
                field="catalog_code",
                test=1,
            ),
        ),
    ),
    (
        "test that stops before it starts",
        _data([_test(ended_at=_minutes(5))]),
        NOW,
        (Problem(message=TEST_ENDS_BEFORE_START, field="ended_at", test=0),),
    ),
    (
        "test on a side it does not have",
        _data([_test(side="left", trials={"left": ["12.5"]})]),
        NOW,
        (
            Problem(
                message=f"{TUG} is not done per side: choose not applicable.",
                field="side",
                test=0,
            ),
        ),
    ),
    (
        "test on an unknown side",
        _data([_test(side="up")]),
        NOW,
        (
            Problem(
                message=f"{TUG} is not done per side: choose not applicable.",
                field="side",
                test=0,
            ),
        ),
    ),
    (
        "too many trials",
        _data([_test(trials={"na": ["12.5", "13.0"]})]),
        NOW,
        (
            Problem(
                message=f"{TUG} records at most 1 trial(s).",
                field="trials",
                test=0,
                side="na",
                trial=2,
            ),
        ),
    ),
    (
        "untimed procedure with minutes",
        _data(procedures=(ProcedureInput(code="97161", minutes=30),)),
        NOW,
        (
            Problem(
                message=(
                    "97161 is untimed: it is one unit whatever its length, "
                    "so it has no minutes."
                ),
                field="minutes",
                procedure=0,
            ),
        ),
    ),
    (
        "timed procedure without minutes",
        _data(procedures=(ProcedureInput(code="97110"),)),
        NOW,
        (Problem(message=TIMED_PROCEDURE_NEEDS_MINUTES, field="minutes", procedure=0),),
    ),
]


# --- session_create ----------------------------------------------------------------


def test_creates_a_draft_with_its_tests_in_the_order_they_were_done(patient, clinician):
    """The session, its tests by start time, its procedures and a draft decision are stored."""
    # given: the later test comes first
    grip = _test(
        catalog_code="grip_dynamometry",
        side="right",
        started_at=_minutes(20),
        ended_at=_minutes(30),
        trials={"right": ["30.0", "31.5", "29"]},
        notes="Dominant hand.",
    )
    data = _data(
        [grip, _test()],
        procedures=(
            ProcedureInput(code="97161"),
            ProcedureInput(code="97110", minutes=12),
        ),
    )

    # when
    session = session_create(patient=patient, clinician=clinician, data=data, now=NOW)

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
    assert list(session.same_day_procedures.values_list("code", "minutes")) == [
        ("97110", 12),
        ("97161", 0),
    ]
    decision = session.billing_decision
    assert (
        decision.status,
        decision.patient,
        decision.rendering_clinician,
        decision.payer,
        decision.date_of_service,
        decision.service_start,
        decision.computed_at,
    ) == (
        BillingDecision.Status.DRAFT,
        patient,
        clinician,
        patient.coverage.payer,
        dt.date(2025, 1, 15),
        START,
        NOW,
    )


def test_a_session_of_a_patient_without_coverage_still_gets_a_decision(clinician):
    """Without a payer the decision is stored empty: no payer, not qualifying, no outputs."""
    # given
    patient = PatientFactory(clinic=clinician.clinic, coverage=None)

    # when
    session = session_create(
        patient=patient, clinician=clinician, data=_data(), now=NOW
    )

    # then
    decision = BillingDecision.objects.get()
    assert session.billing_decision == decision
    assert (decision.payer, decision.qualifies, decision.outputs, decision.method) == (
        None,
        False,
        {},
        "",
    )


def test_notes_are_optional(patient, clinician):
    """A test given without notes is stored with empty notes."""
    # given
    test = TestInput(
        catalog_code="timed_up_and_go",
        side="na",
        started_at=_minutes(5),
        ended_at=_minutes(15),
        trials={"na": ["12.5"]},
    )

    # when
    session = session_create(
        patient=patient, clinician=clinician, data=_data([test]), now=NOW
    )

    # then
    assert session.tests.get().notes == ""


@pytest.mark.parametrize(("_case", "data", "now", "problems"), BROKEN_RULES)
def test_create_refuses_a_session_that_breaks_a_rule_and_stores_nothing(
    patient, clinician, _case, data, now, problems
):
    """SessionRulesError (a ValidationError) names each problem; no row is written."""
    # when
    with pytest.raises(ValidationError) as error:
        session_create(patient=patient, clinician=clinician, data=data, now=now)

    # then
    assert isinstance(error.value, SessionRulesError)
    assert error.value.problems == problems
    assert error.value.messages == [problem.message for problem in problems]
    assert _nothing_stored()


def test_create_refuses_a_blank_reason_and_stores_nothing(patient, clinician):
    """The model's own checks still run: a blank reason is named on its field."""
    # when
    with pytest.raises(ValidationError) as error:
        session_create(
            patient=patient, clinician=clinician, data=_data(reason=""), now=NOW
        )

    # then
    assert error.value.message_dict == {"reason": ["This field cannot be blank."]}
    assert _nothing_stored()


def test_a_test_without_values_is_kept_for_billing_to_flag(patient, clinician):
    """A test the patient could not do is stored without trials and without a result."""
    # when
    session = session_create(
        patient=patient,
        clinician=clinician,
        data=_data([_test(trials={}, notes="Declined: knee pain.")]),
        now=NOW,
    )

    # then
    stored = session.tests.get()
    assert (stored.trials, stored.has_result) == ({}, False)


# --- session_update ----------------------------------------------------------------


def test_editing_a_draft_replaces_fields_tests_and_procedures(stored_draft):
    """The draft keeps its patient, clinician and decision; everything else is replaced."""
    # given
    old_test_ids = list(stored_draft.tests.values_list("pk", flat=True))
    patient, clinician = stored_draft.patient, stored_draft.clinician
    decision_id = stored_draft.billing_decision_id

    # when
    saved = session_update(
        session=stored_draft,
        editor=stored_draft.clinician.user,
        data=_data(
            [_test(trials={"na": ["11.0"]})],
            discipline="OT",
            reason="Grip after wrist fracture.",
            procedures=(ProcedureInput(code="97530", minutes=8),),
        ),
        now=NOW,
    )

    # then
    assert saved.pk == stored_draft.pk
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
    assert list(stored.same_day_procedures.values_list("code", "minutes")) == [
        ("97530", 8)
    ]
    assert not PerformedTest.objects.filter(pk__in=old_test_ids).exists()
    # the PT day lost its only session: its draft is gone; the OT day has one
    decision = BillingDecision.objects.get()
    assert decision.pk != decision_id
    assert stored.billing_decision_id == decision.pk
    assert (decision.date_of_service, decision.discipline, decision.computed_at) == (
        dt.date(2025, 1, 15),
        "OT",
        NOW,
    )


def test_editing_a_draft_can_change_its_clinician(stored_draft):
    """A clinician given to session_update performs the session and renders its decision."""
    # given
    other = ClinicianFactory(clinic=stored_draft.patient.clinic)

    # when
    session_update(
        session=stored_draft,
        data=_data(),
        clinician=other,
        editor=stored_draft.clinician.user,
        now=NOW,
    )

    # then
    stored = TestSession.objects.get()
    assert (stored.clinician, stored.billing_decision.rendering_clinician) == (
        other,
        other,
    )


def test_refuses_to_change_a_signed_session(stored_draft):
    """A signed session changes only by addendum: SESSION_NOT_DRAFT, nothing changed."""
    # given
    mark_signed(stored_draft)
    before = _everything()

    # when
    with pytest.raises(ValidationError) as error:
        session_update(
            session=stored_draft,
            editor=stored_draft.clinician.user,
            data=_data(
                [_test(trials={"na": ["99.0"]})], reason="Changed after signing."
            ),
            now=NOW,
        )

    # then
    assert error.value.messages == [SESSION_NOT_DRAFT]
    assert SESSION_NOT_DRAFT == "This session is signed; it can no longer be changed."
    assert _everything() == before


@pytest.mark.parametrize(("_case", "data", "now", "problems"), BROKEN_RULES)
def test_update_refuses_a_session_that_breaks_a_rule_and_leaves_the_draft_as_it_was(
    stored_draft, _case, data, now, problems
):
    """SessionRulesError names each problem; the stored session, tests, procedures and decision stay."""
    # given
    before = _everything()

    # when
    with pytest.raises(ValidationError) as error:
        session_update(
            session=stored_draft,
            data=data,
            editor=stored_draft.clinician.user,
            now=now,
        )

    # then
    assert isinstance(error.value, SessionRulesError)
    assert error.value.problems == problems
    assert error.value.messages == [problem.message for problem in problems]
    assert _everything() == before


def test_update_refuses_a_blank_reason_and_leaves_the_draft_as_it_was(stored_draft):
    """A model check failing after the rules passed still writes nothing."""
    # given
    before = _everything()

    # when
    with pytest.raises(ValidationError) as error:
        session_update(
            session=stored_draft,
            data=_data(reason=""),
            editor=stored_draft.clinician.user,
            now=NOW,
        )

    # then
    assert error.value.message_dict == {"reason": ["This field cannot be blank."]}
    assert _everything() == before


def test_other_sessions_keep_their_tests(session, patient, clinician):
    """Replacing one draft's tests leaves every other session's tests alone."""
    # given
    other = TestSessionFactory(patient=patient, clinician=clinician)
    PerformedTestFactory.create_batch(2, session=other)

    # when
    session_update(session=session, data=_data(), editor=clinician.user, now=NOW)

    # then
    assert other.tests.count() == 2


# --- session_delete ----------------------------------------------------------------


def test_deleting_a_draft_deletes_its_tests_procedures_and_decision(
    stored_draft, patient, clinician
):
    """A draft goes with everything it holds; other sessions stay."""
    # given
    other = session_create(patient=patient, clinician=clinician, data=_data(), now=NOW)

    # when
    session_delete(session=stored_draft)

    # then
    assert list(TestSession.objects.all()) == [other]
    assert list(PerformedTest.objects.values_list("session", flat=True)) == [other.pk]
    assert SameDayProcedure.objects.count() == 0
    assert list(BillingDecision.objects.all()) == [other.billing_decision]


def test_deleting_a_draft_without_a_decision_deletes_it(session):
    """A draft written without the services has no decision; it is deleted all the same."""
    # when
    session_delete(session=session)

    # then
    assert (TestSession.objects.count(), PerformedTest.objects.count()) == (0, 0)


def test_refuses_to_delete_a_signed_session(stored_draft):
    """A signed session and its final decision stay on record."""
    # given
    mark_signed(stored_draft)
    before = _everything()

    # when
    with pytest.raises(ValidationError) as error:
        session_delete(session=stored_draft)

    # then
    assert error.value.messages == [SESSION_NOT_DRAFT]
    assert _everything() == before
