"""Time saving one draft session of a patient who has many draft sessions.

Run from the repository root:
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/save_bench.py [drafts]

It builds a throw-away test database (SQLite unless DATABASE_URL names another),
gives one Medicare patient `drafts` (default 200) draft sessions on as many
dates of service, one 20-minute test each, then saves the newest one again
through assessments.services.session_update, as the session form does, 3
warm-up and 15 timed times. It prints the median and p90 time of a save and
the queries one save makes. A save recomputes only the dates of service it
touches, so neither should grow with the number of drafts.
"""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

RUNS, WARM_UP = 15, 3


def main(drafts: int) -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        median, p90, queries = save_timings(drafts)
        print(
            f"{connection.vendor}, {drafts} drafts: one save median {median:6.1f} ms, "
            f"p90 {p90:6.1f} ms, {queries} queries"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def save_timings(drafts: int) -> tuple[float, float, int]:
    """Return the median and p90 ms of one save, and its queries (bench/scale.py too)."""
    from assessments.selectors import session_input_get
    from assessments.services import session_billing_refresh, session_update
    from tests.factories import (
        ClinicianFactory,
        PatientFactory,
        PerformedTestFactory,
        TestSessionFactory,
    )

    patient = PatientFactory()
    clinician = ClinicianFactory(clinic=patient.clinic)
    first = dt.datetime(2026, 1, 5, 15, tzinfo=dt.UTC)
    for day in range(drafts):
        start = first + dt.timedelta(days=day)
        session = TestSessionFactory(
            patient=patient,
            clinician=clinician,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=30),
        )
        PerformedTestFactory(
            session=session,
            started_at=start + dt.timedelta(minutes=5),
            ended_at=start + dt.timedelta(minutes=25),
        )
        session_billing_refresh(session=session)
    now = first + dt.timedelta(days=drafts + 1)
    timings = []
    editor = session.clinician.user
    for run in range(WARM_UP + RUNS):
        data = session_input_get(session=session)
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            session_update(session=session, data=data, editor=editor, now=now)
        elapsed = (time.perf_counter() - began) * 1000
        if run >= WARM_UP:
            timings.append(elapsed)
    timings.sort()
    return (
        statistics.median(timings),
        timings[int(len(timings) * 0.9) - 1],
        len(queries),
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
