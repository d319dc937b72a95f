"""Time exporting 10,000 claims as one 837P file, and the memory it takes.

Run from the repository root:
    .venv/bin/python bench/claims_bench.py [claims]

It builds a throw-away test database (SQLite unless DATABASE_URL names another),
bulk-creates `claims` (default 10,000) one-line claims for 100 patients, then
exports them all with billing.claim_files.claims_export to a temporary file and
prints the time, the file's size and the peak of Python memory allocated during
the export (tracemalloc). The file is written a chunk of 500 claims at a time
and nothing is kept after it, but the peak is not flat: each chunk's claims
and their prefetched lines form reference cycles that wait for Python's cycle
collector, so the peak grows with the export (measured on 12-06: 36.7 MB for
10,000 claims and a 4.3 MB file, 59.0 MB for 20,000; 0.09 MB once
gc.collect() has run after the export).
"""

import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402


def main(count: int) -> None:
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _measure(count)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _measure(count: int) -> None:
    from billing.claim_files import claims_export
    from billing.models import BillingDecision, Claim, ClaimLine
    from tests.factories import ClinicianFactory, PatientFactory, PayerFactory

    patients = [PatientFactory() for _ in range(100)]
    clinician = ClinicianFactory(npi="1482905639")
    payer = PayerFactory(payer_identifier="06102")
    now = dt.datetime(2026, 11, 20, 18, tzinfo=dt.UTC)
    first = dt.date(2026, 1, 1)
    decisions = BillingDecision.objects.bulk_create(
        BillingDecision(
            patient=patients[index % 100],
            rendering_clinician=clinician,
            date_of_service=first + dt.timedelta(days=index // 100),
            discipline="PT",
            service_start=now,
            payer=payer,
            status="final",
            inputs={},
            computed_at=now,
        )
        for index in range(count)
    )
    claims = Claim.objects.bulk_create(
        Claim(
            number=f"PN{decision.pk:08d}",
            decision=decision,
            frequency="1",
            status="ready",
            patient=decision.patient,
            payer=payer,
            rendering_clinician=clinician,
            date_of_service=decision.date_of_service,
            discipline="PT",
            payer_name="Medicare",
            payer_identifier="06102",
            payer_kind="medicare",
            member_id="1EG4TE5MK72",
            patient_last_name="Whitfield",
            patient_first_name="Eleanor",
            patient_birth_date=dt.date(1945, 10, 23),
            patient_sex="female",
            diagnoses=["M17.11", "R26.81"],
            place_of_service="11",
            rendering_last_name="Mitchell",
            rendering_first_name="Sarah",
            rendering_npi="1482905639",
            billing_name="Riverside Physical Therapy",
            billing_npi="1643829173",
            billing_tax_id="36-4821753",
            billing_address={
                "street": ["1420 River Road"],
                "city": "Springfield",
                "state": "IL",
                "zip": "62704",
            },
            total_charge=Decimal("240.00"),
            total_expected_payment=Decimal("100.00"),
            created_at=now,
        )
        for decision in decisions
    )
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim,
            number=1,
            code="97750",
            modifiers="GP",
            diagnosis_pointers="12",
            units=2,
            charge=Decimal("240.00"),
            expected_payment=Decimal("100.00"),
        )
        for claim in claims
    )
    with tempfile.TemporaryFile() as out:
        tracemalloc.start()
        began = time.perf_counter()
        result = claims_export(
            claims=Claim.objects.all(),
            fmt="837p",
            out=out,
            user=None,
            reexport=False,
            now=now,
        )
        elapsed = time.perf_counter() - began
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        size = out.tell()
    print(
        f"{connection.vendor}: {result.written:,} claims as 837P in {elapsed:.2f} s, "
        f"file {size / 1e6:.1f} MB, peak Python memory {peak / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
