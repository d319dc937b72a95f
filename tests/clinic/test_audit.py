"""The audit log: appended through one service, hash-chained, refused any other write,
and checked by ``verify_audit_log``, which finds a changed, inserted or deleted row."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, connections, transaction
from django.test import RequestFactory

from clinic.audit import (
    GENESIS,
    HASHED,
    audit_log_verify,
    audit_record,
    audit_record_many,
    event_digest,
)
from clinic.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db

VIEWED = AuditEvent.Action.VIEWED_PATIENT


@pytest.fixture(autouse=True)
def _records_locked():
    """Make sure SQLite's lock switch is on (a browser test may have flushed it)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT OR IGNORE INTO perfnote_lock (locked) VALUES (1)")


@contextmanager
def _locks_off():
    """Write around the triggers, as someone with the owner's rights could.

    SQLite: the ``perfnote_lock`` row; PostgreSQL: replica mode, for this
    transaction only (the app's role may not set it: tests/test_app_role.py).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM perfnote_lock")
        else:
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor == "sqlite":
            cursor.execute("INSERT INTO perfnote_lock (locked) VALUES (1)")


@pytest.fixture
def chain(clinician, patient):
    """Three events of the clinician looking at the patient."""
    return [audit_record(clinician.user, VIEWED, patient=patient) for _ in range(3)]


def _verify_command():
    """Run verify_audit_log; return (exit code, what it printed)."""
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit_log", stdout=out, stderr=err)
    except CommandError as exc:
        return 1, err.getvalue() + str(exc)
    return 0, out.getvalue()


def test_events_form_one_chain_from_the_head(chain, clinician, patient):
    # then each row links to the one before, and the head names the last
    first, second, third = chain
    assert [event.pk for event in chain] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    head = AuditChainHead.objects.get()
    assert (head.last_id, head.last_hash) == (3, third.hash)
    stored = AuditEvent.objects.get(pk=2)
    assert (stored.user, stored.patient, stored.clinic) == (
        clinician.user,
        patient,
        patient.clinic,
    )
    assert stored.at.tzinfo is not None


def test_an_intact_log_verifies_and_the_command_exits_zero(chain):
    # when
    check = audit_log_verify()
    code, printed = _verify_command()
    # then
    assert check.intact
    assert check.count == 3
    assert check.head_hash == chain[-1].hash
    assert code == 0
    assert "3 audit rows verified" in printed
    assert chain[-1].hash in printed


def test_an_empty_log_verifies():
    assert _verify_command()[0] == 0


def test_a_changed_row_is_named(chain):
    # given row 2 changed in SQL, around the triggers
    with _locks_off() as cursor:
        cursor.execute("UPDATE clinic_auditevent SET what = 'elsewhere' WHERE id = 2")
    # when
    check = audit_log_verify()
    code, printed = _verify_command()
    # then
    assert check.breaks[0].event_id == 2
    assert "changed" in check.breaks[0].problem
    assert code == 1
    assert "Row 2:" in printed


def test_a_row_changed_with_its_hash_recomputed_breaks_the_next_link(chain):
    # given row 2 changed and given the hash of its new fields, as a careful
    # forger would
    event = AuditEvent.objects.get(pk=2)
    row = {name: getattr(event, name) for name in HASHED} | {"what": "elsewhere"}
    with _locks_off() as cursor:
        cursor.execute(
            "UPDATE clinic_auditevent SET what = %s, hash = %s WHERE id = 2",
            ["elsewhere", event_digest(row)],
        )
    # when
    check = audit_log_verify()
    # then row 2 matches its hash, but row 3 no longer follows it
    assert check.breaks[0].event_id == 3
    assert "previous hash" in check.breaks[0].problem


def test_a_deleted_row_is_a_break_in_the_chain(chain):
    # given
    with _locks_off() as cursor:
        cursor.execute("DELETE FROM clinic_auditevent WHERE id = 2")
    # when
    check = audit_log_verify()
    code, printed = _verify_command()
    # then
    assert check.breaks[0].event_id == 3
    assert "deleted" in check.breaks[0].problem
    assert code == 1
    assert "Row 3:" in printed


def test_a_row_deleted_from_the_end_shows_at_the_head(chain):
    # given
    with _locks_off() as cursor:
        cursor.execute("DELETE FROM clinic_auditevent WHERE id = 3")
    # when
    check = audit_log_verify()
    # then
    assert [broken.event_id for broken in check.breaks] == [3]
    assert "head" in check.breaks[0].problem
    assert _verify_command()[0] == 1


def test_a_row_inserted_around_the_service_is_named(chain, clinician, patient):
    # given a row copied from row 3 with the next id, not through audit_record
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO clinic_auditevent (id, user_id, clinic_id, patient_id, "
            "action, what, query, at, ip_address, prev_hash, hash) "
            "SELECT 4, user_id, clinic_id, patient_id, action, 'forged', query, "
            "at, ip_address, hash, hash FROM clinic_auditevent WHERE id = 3"
        )
    # when
    check = audit_log_verify()
    # then
    assert check.breaks[0].event_id == 4
    assert _verify_command()[0] == 1


def _refused(write):
    with (
        pytest.raises(IntegrityError, match="the audit log is append-only"),
        transaction.atomic(),
    ):
        write()


def test_the_database_refuses_to_change_or_delete_an_event(chain):
    rows = AuditEvent.objects.filter(pk=2)
    _refused(lambda: rows.update(what="elsewhere"))
    _refused(lambda: rows.delete())
    assert audit_log_verify().intact


def test_the_head_only_moves_forward(chain):
    head = AuditChainHead.objects.filter(pk=1)
    _refused(lambda: head.update(last_id=2))
    _refused(lambda: head.delete())
    assert audit_log_verify().intact


def test_many_events_go_in_one_append(clinician, patient, other_patient):
    # when
    events = audit_record_many(
        clinician.user,
        AuditEvent.Action.EXPORTED,
        subjects=[(patient, None), (other_patient, None)],
    )
    # then
    assert [event.patient for event in events] == [patient, other_patient]
    assert [event.clinic for event in events] == [
        patient.clinic,
        other_patient.clinic,
    ]
    assert audit_log_verify().intact
    assert audit_record_many(clinician.user, VIEWED, subjects=[]) == []


def test_one_append_is_three_queries(clinician, patient, django_assert_num_queries):
    # given the clinician's clinic already read, as a page has
    user = clinician.user
    # when / then: lock the head, insert, move the head
    with django_assert_num_queries(3):
        audit_record(user, VIEWED, patient=patient)


def test_a_request_gives_the_page_and_the_address_axes_counts(clinician, patient):
    # given
    request = RequestFactory().get(
        f"/patients/{patient.uuid}/", REMOTE_ADDR="203.0.113.9"
    )
    request.user = clinician.user
    # when
    event = audit_record(request, VIEWED, patient=patient)
    # then
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.what == f"/patients/{patient.uuid}/"
    assert stored.ip_address == "203.0.113.9"
    assert audit_log_verify().intact


def test_a_command_without_a_user_is_recorded_with_none(patient):
    event = audit_record(None, AuditEvent.Action.EXPORTED, patient=patient, obj=patient)
    assert event.user is None
    assert event.what == f"patient {patient.uuid}"
    assert event.clinic == patient.clinic


def test_times_hash_the_same_in_any_zone(clinician, patient, settings):
    # given an event written while the page ran in the clinic's zone
    settings.TIME_ZONE = "America/Chicago"
    audit_record(clinician.user, VIEWED, patient=patient)
    # when it is read back in UTC
    settings.TIME_ZONE = "UTC"
    # then
    assert audit_log_verify().intact
    assert AuditEvent.objects.get().at <= dt.datetime.now(dt.UTC)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises every write"
)
def test_concurrent_appends_form_one_chain(clinician, patient):
    # given eight connections appending at once, as eight gunicorn threads would
    def append(_worker):
        try:
            for _ in range(25):
                audit_record(clinician.user, VIEWED, patient=patient)
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(append, range(8)))
    # then the head's lock queued them into one unbroken chain
    check = audit_log_verify()
    assert check.intact, check.breaks
    assert check.count == 200
