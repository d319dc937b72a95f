"""Results stored before migration 0008 read back and print as they did.

A database is taken back to the previous schema (assessments 0007), results
are stored there as the previous code stored them, one session is signed, and
the database is migrated forward: the rows keep the summary they were
reported with (rules version 1), and the note prints no line the old one did
not. This runs the schema change itself, on a locked (signed) session.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import PerformedTest, TestSession
from assessments.notes.content import _test_entry
from assessments.results import session_results
from assessments.selectors import protocol_details, session_summary
from tests.factories import ClinicianFactory, PatientFactory

PREVIOUS = ("assessments", "0007_note_export")
START = dt.datetime(2025, 1, 15, 15, 0, tzinfo=dt.UTC)
# (code, side, trials, result as the previous code printed it, basis)
STORED = [
    ("grip_dynamometry", "both", {"left": ["22.4", "23.0", "21.8"], "right": ["18.2", "19.6", "19.0"]}, {"left": "23.0", "right": "19.6"}, "best of 3"),
    ("functional_reach", "na", {"na": ["6.5", "7.2", "7.0"]}, {"na": "7.2"}, "best of 3"),
    ("manual_muscle_test", "right", {"right": ["4"]}, {"right": "4"}, ""),
    ("berg_balance_scale", "na", {"na": ["44"]}, {"na": "44"}, ""),
    ("ten_metre_walk", "na", {"na": ["0.82", "0.86"]}, {"na": "0.84"}, "mean of 2"),
]  # fmt: skip


@pytest.fixture
def previous_schema(transactional_db):
    """Migrate the test database back to 0007; forward again afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate([PREVIOUS])
    yield executor.loader.project_state([PREVIOUS]).apps
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM perfnote_lock")
    call_command("migrate", "assessments", verbosity=0)


def test_results_stored_before_read_back_and_print_as_they_did(previous_schema):
    # given results stored by the previous schema, in a session then signed,
    # all through that schema's models (today's have columns it lacks)
    clinician = ClinicianFactory()
    patient = PatientFactory(clinic=clinician.clinic)
    old_session = previous_schema.get_model("assessments", "TestSession")
    session = old_session.objects.create(
        patient_id=patient.pk,
        clinician_id=clinician.pk,
        discipline="PT",
        started_at=START,
        ended_at=START + dt.timedelta(hours=1),
        reason="Fall risk.",
    )
    old_performed_test = previous_schema.get_model("assessments", "PerformedTest")
    for position, (code, side, trials, _result, _basis) in enumerate(STORED):
        old_performed_test.objects.create(
            session_id=session.pk,
            catalog_code=code,
            side=side,
            started_at=START + dt.timedelta(minutes=5 * position),
            ended_at=START + dt.timedelta(minutes=5 * position + 4),
            trials=trials,
            position=position,
        )
    old_session.objects.filter(pk=session.pk).update(
        status="signed", signed_at=session.ended_at, signed_by_id=clinician.pk
    )

    # when the database is migrated forward, through 0008 to the latest
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes("assessments"))
    session = TestSession.objects.get(pk=session.pk)

    # then each row keeps the rules it was recorded under and its old result
    tests = list(PerformedTest.objects.filter(session=session))
    assert [(t.rules_version, t.details) for t in tests] == [(1, {})] * len(STORED)
    summary = session_summary(session=session)
    for row, (code, _side, trials, result, basis) in zip(
        summary.rows, STORED, strict=True
    ):
        entry = _test_entry(1, row, dt.UTC, "24", [])
        assert entry["name"] == row.test.test.name
        assert {r["side"]: r["value"] for r in entry["results"]} == result, code
        assert entry["basis"] == basis, code
        assert [t["values"] for t in entry["trials"]] == list(trials.values())
        # and the note prints nothing the previous one did not
        assert protocol_details(row.test) == {}, code
        assert set(entry) == {
            "number", "name", "category", "side", "side_label", "start", "end",
            "minutes", "unit", "basis", "trials", "results", "has_result",
            "notes", "battery_reason",
        }  # fmt: skip
    # nor reads them against norms that assume today's summaries
    readings = session_results(
        session=session, tests=[row.test for row in summary.rows]
    )
    assert readings.entries == {}
    assert readings.references == []
    assert tests[0].results() == {"left": Decimal("23.0"), "right": Decimal("19.6")}
    assert summary.hop_battery_lsi is None
