"""Time appending to the audit log and verifying its hash chain.

Run from the repository root (PostgreSQL, as production):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/audit_bench \\
        .venv/bin/python bench/audit_bench.py [events]
It builds a throw-away test database, appends ``events`` (default 100,000)
one at a time through clinic.audit.audit_record, each in its own transaction
as a page's is (lock the chain's head, insert, move the head), then walks the
whole chain with audit_log_verify, and prints both times with the rates.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

EVENTS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000


def main():
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from clinic.audit import audit_log_verify, audit_record
    from clinic.models import AuditEvent
    from tests.factories import ClinicianFactory, PatientFactory

    clinician = ClinicianFactory()
    patients = [PatientFactory(clinic=clinician.clinic) for _ in range(50)]
    user = clinician.user

    started = time.perf_counter()
    for number in range(EVENTS):
        audit_record(
            user, AuditEvent.Action.VIEWED_PATIENT, patient=patients[number % 50]
        )
    written = time.perf_counter() - started

    started = time.perf_counter()
    check = audit_log_verify()
    verified = time.perf_counter() - started

    assert check.intact, check.breaks
    assert check.count == EVENTS
    print(f"{connection.vendor}: {EVENTS:,} events")
    print(
        f"append: {written:.1f} s, {EVENTS / written:,.0f} events/s, "
        f"{written / EVENTS * 1000:.2f} ms each"
    )
    print(f"verify: {verified:.1f} s, {EVENTS / verified:,.0f} rows/s")
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)


if __name__ == "__main__":
    main()
