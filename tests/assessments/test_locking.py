"""The database itself refuses every change to a signed session, whatever the path."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from assessments.models import (
    Addendum,
    NoteAccessEvent,
    NoteVersion,
    PerformedTest,
    SameDayProcedure,
    TestSession,
)
from assessments.services import session_billing_refresh
from billing.models import BillingDecision
from billing.services import decision_finalize
from clinic.models import Patient
from tests.factories import PerformedTestFactory, SameDayProcedureFactory, mark_signed

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _records_locked():
    """Make sure SQLite's lock switch is on (a browser test may have flushed it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT OR IGNORE INTO perfnote_lock (locked) VALUES (1)")


@pytest.fixture
def draft(session):
    """The ``session`` draft with a same-day 97110 and its draft billing decision."""
    SameDayProcedureFactory(session=session, code="97110", minutes=10)
    return session_billing_refresh(session=session)


@pytest.fixture
def signed(draft):
    """The draft, signed: its billing decision is final."""
    return mark_signed(draft)


def _refused(write):
    with (
        pytest.raises(IntegrityError, match="signed notes cannot be changed"),
        transaction.atomic(),
    ):
        write()


def _snapshot(session):
    return (
        list(TestSession.objects.filter(pk=session.pk).values()),
        list(PerformedTest.objects.filter(session=session).values()),
        list(BillingDecision.objects.filter(pk=session.billing_decision_id).values()),
        list(SameDayProcedure.objects.filter(session=session).values()),
    )


def _decision(session):
    return BillingDecision.objects.filter(pk=session.billing_decision_id)


def _decision_deleted_in_sql(session):
    # The ORM refuses first (a session PROTECTs its decision); SQL reaches the row.
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM billing_billingdecision WHERE id = %s",
            [session.billing_decision_id],
        )


@pytest.mark.parametrize(
    ("_case", "write"),
    [
        (
            "session update()",
            lambda s: TestSession.objects.filter(pk=s.pk).update(reason="x"),
        ),
        ("session save()", lambda s: TestSession.objects.get(pk=s.pk).save()),
        ("session delete()", lambda s: TestSession.objects.filter(pk=s.pk).delete()),
        (
            "status back to draft",
            lambda s: TestSession.objects.filter(pk=s.pk).update(
                status="draft", signed_at=None, signed_by=None
            ),
        ),
        (
            "test update()",
            lambda s: PerformedTest.objects.filter(session=s).update(notes="x"),
        ),
        ("test delete()", lambda s: PerformedTest.objects.filter(session=s).delete()),
        ("test added", lambda s: PerformedTestFactory(session=s)),
        ("decision update()", lambda s: _decision(s).update(units=9)),
        ("decision save()", lambda s: _decision(s).get().save()),
        ("decision back to draft", lambda s: _decision(s).update(status="draft")),
        ("decision deleted in SQL", _decision_deleted_in_sql),
        (
            "procedure added",
            lambda s: SameDayProcedureFactory(session=s, code="97530", minutes=5),
        ),
        (
            "procedure update()",
            lambda s: SameDayProcedure.objects.filter(session=s).update(minutes=50),
        ),
        (
            "procedure delete()",
            lambda s: SameDayProcedure.objects.filter(session=s).delete(),
        ),
    ],
)
def test_signed_session_refuses_writes(signed, _case, write):
    """Every write to a signed session, its tests, procedures or decision is refused."""
    # given
    before = _snapshot(signed)

    # when / then
    _refused(lambda: write(signed))
    assert _snapshot(signed) == before


@pytest.mark.parametrize(
    ("_case", "write"),
    [
        (
            "decision update()",
            lambda d: BillingDecision.objects.filter(pk=d.pk).update(units=9),
        ),
        ("decision save()", lambda d: BillingDecision.objects.get(pk=d.pk).save()),
        (
            "decision delete()",
            lambda d: BillingDecision.objects.filter(pk=d.pk).delete(),
        ),
    ],
)
def test_final_decision_refuses_writes_on_its_own(draft, _case, write):
    """A final decision is locked by its own status, even with no session pointing at it."""
    # given a final decision that no session points at any more
    decision = decision_finalize(decision=draft.billing_decision, now=NOW)
    TestSession.objects.filter(pk=draft.pk).update(billing_decision=None)
    before = list(BillingDecision.objects.filter(pk=decision.pk).values())

    # when / then
    _refused(lambda: write(decision))
    assert list(BillingDecision.objects.filter(pk=decision.pk).values()) == before


def _draft_deleted_with_its_decision(session):
    TestSession.objects.filter(pk=session.pk).delete()
    BillingDecision.objects.filter(pk=session.billing_decision_id).delete()


@pytest.mark.parametrize(
    ("_case", "write", "changed"),
    [
        (
            "session update()",
            lambda s: TestSession.objects.filter(pk=s.pk).update(reason="Changed."),
            lambda s: TestSession.objects.get(pk=s.pk).reason == "Changed.",
        ),
        (
            "test update()",
            lambda s: PerformedTest.objects.filter(session=s).update(notes="x"),
            lambda s: (
                [t.notes for t in PerformedTest.objects.filter(session=s)] == ["x"]
            ),
        ),
        (
            "test delete()",
            lambda s: PerformedTest.objects.filter(session=s).delete(),
            lambda s: PerformedTest.objects.filter(session=s).exists() is False,
        ),
        (
            "test added",
            lambda s: PerformedTestFactory(session=s),
            lambda s: PerformedTest.objects.filter(session=s).count() == 2,
        ),
        (
            "decision update()",
            lambda s: _decision(s).update(units=9),
            lambda s: _decision(s).get().units == 9,
        ),
        (
            "decision deleted with its session",
            _draft_deleted_with_its_decision,
            lambda s: _decision(s).exists() is False,
        ),
        (
            "procedure added",
            lambda s: SameDayProcedureFactory(session=s, code="97530", minutes=5),
            lambda s: (
                sorted(s.same_day_procedures.values_list("code", flat=True))
                == ["97110", "97530"]
            ),
        ),
        (
            "procedure update()",
            lambda s: SameDayProcedure.objects.filter(session=s).update(minutes=50),
            lambda s: (
                list(s.same_day_procedures.values_list("minutes", flat=True)) == [50]
            ),
        ),
        (
            "procedure delete()",
            lambda s: SameDayProcedure.objects.filter(session=s).delete(),
            lambda s: s.same_day_procedures.exists() is False,
        ),
    ],
)
def test_draft_session_can_still_change(draft, _case, write, changed):
    """A draft session, its tests, procedures and draft decision can still change."""
    # given
    assert _decision(draft).get().status == BillingDecision.Status.DRAFT

    # when
    write(draft)

    # then
    assert changed(draft) is True


def test_note_versions_and_addenda_are_append_only(signed):
    """Sealed note versions and addenda can be added but never changed or deleted."""
    # given a stored version and an addendum
    addendum = Addendum.objects.create(
        session=signed, text="Typo.", author=signed.clinician, signer={}, signed_at=NOW
    )
    version = NoteVersion.objects.create(
        session=signed,
        number=1,
        document_id="PN-TEST-V1",
        pdf=b"%PDF-1.7 sealed",
        sha256="a" * 64,
        context={},
        created_at=NOW,
    )

    # when / then
    _refused(lambda: NoteVersion.objects.filter(pk=version.pk).update(pdf=b"forged"))
    _refused(lambda: NoteVersion.objects.filter(pk=version.pk).delete())
    _refused(lambda: Addendum.objects.filter(pk=addendum.pk).update(text="Rewritten."))
    _refused(lambda: Addendum.objects.filter(pk=addendum.pk).delete())
    version.refresh_from_db()
    assert bytes(version.pdf) == b"%PDF-1.7 sealed"
    assert Addendum.objects.get(pk=addendum.pk).text == "Typo."


def _version(session, number, previous="", digest=None):
    return NoteVersion.objects.create(
        session=session,
        number=number,
        document_id=f"PN-TEST-{session.pk}-V{number}",
        pdf=b"%PDF-1.7 sealed",
        sha256=digest or f"{number:064x}",
        previous_sha256=previous,
        context={},
        created_at=NOW,
    )


def test_note_versions_are_only_appended_in_sequence(signed, draft_elsewhere):
    """A forged 'v99', a wrong previous hash or a draft's version is refused."""
    # given the first version
    first = _version(signed, 1)
    # when / then
    _refused(lambda: _version(signed, 99, previous=first.sha256))
    _refused(lambda: _version(signed, 2, previous="f" * 64))
    _refused(lambda: _version(signed, 1, digest="e" * 64))
    _refused(lambda: _version(draft_elsewhere, 1))
    second = _version(signed, 2, previous=first.sha256)
    assert [v.number for v in signed.note_versions.all()] == [1, second.number]


@pytest.fixture
def draft_elsewhere(session, clinician):
    from tests.factories import TestSessionFactory

    return TestSessionFactory(patient=session.patient, clinician=clinician)


def test_the_note_access_log_is_append_only(signed, clinician):
    # given
    version = _version(signed, 1)
    event = NoteAccessEvent.objects.create(
        note_version=version, user=clinician.user, action="download", at=NOW
    )
    # when / then
    _refused(lambda: NoteAccessEvent.objects.filter(pk=event.pk).update(detail="x"))
    _refused(lambda: NoteAccessEvent.objects.filter(pk=event.pk).delete())


def test_a_patient_never_changes_clinic(patient, other_clinic):
    with (
        pytest.raises(IntegrityError, match="a patient never changes clinic"),
        transaction.atomic(),
    ):
        Patient.objects.filter(pk=patient.pk).update(clinic=other_clinic)
    patient.refresh_from_db()
    assert patient.clinic != other_clinic
