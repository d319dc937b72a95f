"""Time downloading a stored sealed note: it must never render again.

Run from the repository root:
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/note_download_bench.py
It builds a throw-away test database, signs one realistic session (one render
and seal), then times 50 downloads of the stored PDF through the real view
after 5 warm-up requests, and prints the median and p90 next to the time the
one signing took.
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
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

RUNS, WARM_UP = 50, 5


def main():
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    from assessments.notes.signing import session_sign
    from assessments.services import session_billing_refresh
    from tests.factories import (
        DEFAULT_PASSWORD,
        PerformedTestFactory,
        TestSessionFactory,
    )

    # The test settings make the bench clinic's seal when it first signs.
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
    session = TestSessionFactory(
        started_at=start, ended_at=start + dt.timedelta(minutes=60)
    )
    for index, code in enumerate(
        ["timed_up_and_go", "berg_balance_scale", "six_minute_walk", "chair_stand_30s"]
    ):
        PerformedTestFactory(
            session=session,
            catalog_code=code,
            started_at=start + dt.timedelta(minutes=12 * index),
            ended_at=start + dt.timedelta(minutes=12 * index + 10),
            trials={"na": ["12"]},
        )
    session_billing_refresh(session=session)
    began = time.perf_counter()
    version = session_sign(
        session=session,
        clinician=session.clinician,
        password=DEFAULT_PASSWORD,
        now=start + dt.timedelta(hours=2),
    )
    signing_ms = (time.perf_counter() - began) * 1000
    client = Client()
    client.force_login(session.clinician.user)
    url = reverse("assessments:note-download", args=[session.uuid, version.number])
    timings = []
    for run in range(WARM_UP + RUNS):
        began = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - began) * 1000
        assert response.content == bytes(version.pdf)
        if run >= WARM_UP:
            timings.append(elapsed)
    timings.sort()
    print(f"signing (render + seal + store, once): {signing_ms:6.1f} ms")
    print(
        f"download of the stored note ({len(version.pdf):,} bytes): "
        f"median {statistics.median(timings):5.1f} ms, "
        f"p90 {timings[int(len(timings) * 0.9) - 1]:5.1f} ms over {RUNS} requests"
    )


if __name__ == "__main__":
    main()
