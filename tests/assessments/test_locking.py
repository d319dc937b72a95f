"""The database itself refuses every change to a signed session, whatever the path."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from assessments.models import Addendum, NoteVersion, PerformedTest, TestSession
from billing.models import BillingDecision, SameDayService
from billing.services import decision_compute
from tests.factories import PerformedTestFactory, mark_signed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _records_locked():
    """Make sure SQLite's lock switch is on (a browser test may have flushed it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT OR IGNORE INTO perfnote_lock (locked) VALUES (1)")


@pytest.fixture
def signed(session):
    decision_compute(session=session)
    SameDayService.objects.create(session=session, code="97110", minutes=10)
    return mark_signed(session)


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
        list(BillingDecision.objects.filter(session=session).values()),
        list(SameDayService.objects.filter(session=session).values()),
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
        (
            "decision update()",
            lambda s: BillingDecision.objects.filter(session=s).update(units=9),
        ),
        (
            "decision delete()",
            lambda s: BillingDecision.objects.filter(session=s).delete(),
        ),
        (
            "service added",
            lambda s: SameDayService.objects.create(session=s, code="97530", minutes=5),
        ),
        (
            "service update()",
            lambda s: SameDayService.objects.filter(session=s).update(minutes=50),
        ),
        (
            "service delete()",
            lambda s: SameDayService.objects.filter(session=s).delete(),
        ),
    ],
)
def test_signed_session_refuses_writes(signed, _case, write):
    # given
    before = _snapshot(signed)

    # when / then
    _refused(lambda: write(signed))
    assert _snapshot(signed) == before


def test_draft_session_can_still_change(session):
    # when
    TestSession.objects.filter(pk=session.pk).update(reason="Changed.")
    PerformedTest.objects.filter(session=session).delete()

    # then
    session.refresh_from_db()
    assert session.reason == "Changed."
    assert session.tests.count() == 0


def test_note_versions_and_addenda_are_append_only(signed):
    # given a stored version and an addendum
    now = dt.datetime(2026, 11, 20, 18, tzinfo=dt.UTC)
    addendum = Addendum.objects.create(
        session=signed, text="Typo.", author=signed.clinician, signer={}, signed_at=now
    )
    version = NoteVersion.objects.create(
        session=signed,
        number=1,
        document_id="PN-TEST-V1",
        pdf=b"%PDF-1.7 sealed",
        sha256="a" * 64,
        context={},
        created_at=now,
    )

    # when / then
    _refused(lambda: NoteVersion.objects.filter(pk=version.pk).update(pdf=b"forged"))
    _refused(lambda: NoteVersion.objects.filter(pk=version.pk).delete())
    _refused(lambda: Addendum.objects.filter(pk=addendum.pk).update(text="Rewritten."))
    _refused(lambda: Addendum.objects.filter(pk=addendum.pk).delete())
    version.refresh_from_db()
    assert bytes(version.pdf) == b"%PDF-1.7 sealed"
    assert Addendum.objects.get(pk=addendum.pk).text == "Typo."
