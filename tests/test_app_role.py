"""The least-privilege role production runs as cannot switch the locks off.

PostgreSQL only: the app connects as a role made by `create_app_role`, which
may read and write rows but not truncate, alter, disable or drop anything.
"""

import datetime as dt

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import mark_signed, one_test_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="roles exist on PostgreSQL only"
    ),
]

ROLE = "perfnote_app_test"


@pytest.fixture
def app_connection(patient, clinician):
    """A connection as the app role, and a signed session in the database."""
    session = one_test_session(
        patient=patient,
        clinician=clinician,
        start=dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC),
        minutes=20,
    )
    mark_signed(session)
    call_command("create_app_role", role=ROLE, password="app-role-test")
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=ROLE,
        password="app-role-test",
        autocommit=True,
    ) as db:
        yield db, session


@pytest.mark.parametrize(
    "statement",
    [
        "TRUNCATE assessments_testsession CASCADE",
        "ALTER TABLE assessments_testsession DISABLE TRIGGER ALL",
        "ALTER TABLE assessments_testsession DISABLE TRIGGER perfnote_session_locked",
        "DROP TRIGGER perfnote_session_locked ON assessments_testsession",
        "SET session_replication_role = replica",
        "DROP TABLE assessments_noteversion CASCADE",
        "CREATE TABLE perfnote_smuggled (id int)",
        "UPDATE clinic_auditevent SET what = 'elsewhere'",
        "DELETE FROM clinic_auditevent",
        "TRUNCATE clinic_auditevent",
        "DELETE FROM clinic_auditchainhead",
        "TRUNCATE clinic_auditchainhead CASCADE",
        "ALTER TABLE clinic_auditevent DISABLE TRIGGER perfnote_audit_append_only",
    ],
)
def test_the_app_role_cannot_switch_the_locks_off(app_connection, statement):
    # given
    db, _session = app_connection
    # when / then
    with pytest.raises(psycopg.errors.Error):
        db.execute(statement)


def test_the_app_role_reads_and_writes_rows_but_not_signed_ones(app_connection):
    # given
    db, session = app_connection
    # when / then
    assert db.execute(
        "SELECT status FROM assessments_testsession WHERE id = %s", [session.pk]
    ).fetchone() == ("signed",)
    db.execute("UPDATE clinic_clinic SET phone = phone")
    with pytest.raises(psycopg.errors.IntegrityConstraintViolation):
        db.execute(
            "UPDATE assessments_testsession SET reason = 'forged' WHERE id = %s",
            [session.pk],
        )


def test_the_app_role_appends_to_the_audit_log(app_connection, patient, clinician):
    # given
    db, _session = app_connection
    # when the app role inserts an event and moves the chain's head
    appended = db.execute(
        "INSERT INTO clinic_auditevent (id, user_id, clinic_id, patient_id, action, "
        "what, query, at, ip_address, prev_hash, hash) VALUES (%s, %s, %s, %s, "
        "'patient', '/', '', now(), NULL, '', '') RETURNING id",
        [10**9, clinician.user.pk, patient.clinic_id, patient.pk],
    ).fetchone()
    db.execute("UPDATE clinic_auditchainhead SET last_id = last_id + 1")
    # then both are allowed; removing the row is not
    assert appended == (10**9,)
    with pytest.raises(psycopg.errors.Error):
        db.execute("DELETE FROM clinic_auditevent WHERE id = %s", [10**9])
