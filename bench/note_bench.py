"""Time rendering and sealing a realistic two-page CPT 97750 note.

Run from the repository root:

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python bench/note_bench.py [runs]

No database is needed: the note's context is built here as the dict
assessments.notes.content.note_context_build() returns (8 tests, 3 diagnoses, billing findings).
The seal is a throw-away certificate of a bench clinic, made in a temporary folder. After 3 warm-up
runs, it prints the median and p90 of render + seal, then of each step alone.
Pass --write DIR to also write the sealed PDF there.
"""

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import django

django.setup()
# WeasyPrint logs each rendering step at INFO, which the root logger prints.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402

from assessments.notes import sealing  # noqa: E402
from assessments.notes.content import ATTESTATION  # noqa: E402
from assessments.notes.rendering import note_pdf_render  # noqa: E402
from clinic.models import Clinic  # noqa: E402

WARM_UP = 3
RUNS = 25
DOCUMENT_ID = "PN-7F3A9C21-1"
SIGNER = {
    "name": "Rosa Diaz",
    "credentials": "PT, DPT",
    "role_label": "Physical therapist",
    "license_number": "070.012345",
    "license_state": "IL",
    "license": "IL 070.012345",
    "npi": "1457382910",
    "display": "Rosa Diaz, PT, DPT",
}


def _test(number, name, category, side, times, minutes, unit, trials, **extra):
    """Return one test entry; ``trials`` maps side to trial values."""
    labels = {"left": "Left", "right": "Right", "na": ""}
    results = extra.get("results") or {
        side_: max(values, key=float) for side_, values in trials.items()
    }
    return {
        "number": number,
        "name": name,
        "category": category,
        "side": side,
        "side_label": {"both": "Both", "na": "Not applicable"}.get(side, "Right"),
        "start": times[0],
        "end": times[1],
        "minutes": minutes,
        "unit": unit,
        "basis": extra.get("basis", ""),
        "trials": [
            {"side": key, "label": labels[key], "values": values}
            for key, values in trials.items()
        ],
        "results": [
            {"side": key, "label": labels[key], "value": value, "unit": unit}
            for key, value in results.items()
        ],
        "has_result": True,
        "notes": extra.get("notes", ""),
    }


def note_context() -> dict:
    """Return a realistic context: 8 tests, 3 diagnoses, a same-day procedure, findings."""
    both = "both"
    tests = [
        _test(1, "Grip strength (Jamar dynamometer)", "Strength", both,
              ("09:04:10", "09:10:40"), 6, "kg",
              {"left": ["22.4", "23.0", "21.8"], "right": ["18.2", "19.6", "19.0"]},
              basis="best of 3",
              notes="Right grip limited by pain at the thumb base (VAS 4/10)."),
        _test(2, "30-second chair stand", "Endurance / mobility", "na",
              ("09:11:00", "09:14:30"), 3, "stands", {"na": ["9"]}),
        _test(3, "Five times sit-to-stand (5xSTS)", "Endurance / mobility", "na",
              ("09:15:00", "09:18:20"), 3, "s", {"na": ["16.8"]},
              notes="Used hands on thighs on the last repetition."),
        _test(4, "10-metre walk test (gait speed)", "Endurance / mobility", "na",
              ("09:19:00", "09:24:00"), 5, "m/s", {"na": ["0.82", "0.86"]},
              results={"na": "0.84"}, basis="mean of 2"),
        _test(5, "Timed Up and Go (TUG)", "Balance", "na",
              ("09:24:30", "09:29:10"), 4, "s", {"na": ["14.2"]},
              notes="Single-point cane, usual footwear."),
        _test(6, "Berg Balance Scale", "Balance", "na",
              ("09:30:00", "09:46:30"), 16, "points", {"na": ["41"]},
              notes="Lost points on tandem stance, single-leg stance and turning "
              "360 degrees."),
        _test(7, "Single-leg stance (eyes open)", "Balance", both,
              ("09:47:00", "09:51:40"), 4, "s",
              {"left": ["6.2", "7.9", "5.4"], "right": ["2.1", "3.4", "2.8"]},
              basis="best of 3"),
        _test(8, "Goniometric ROM — knee flexion", "Flexibility", "right",
              ("09:52:00", "09:55:00"), 3, "degrees", {"right": ["104"]}),
    ]  # fmt: skip
    return {
        "title": "Physical Performance Test Report",
        "cpt": "97750",
        "time_zone": "America/Chicago",
        "clinic": {
            "name": "Lakeside Physical Therapy",
            "address_lines": [
                "1200 Lakeshore Drive, Suite 310",
                "Springfield, IL 62704",
            ],
            "phone": "217-555-0142",
            "npi": "1730184529",
            "tax_id": "",
        },
        "patient": {
            "name": "Maria Lopez",
            "last_first": "Lopez, Maria",
            "date_of_birth": "03/14/1950",
            "age": 75,
            "sex": "Female",
            "mrn": "LPT-004217",
            "payer": "Medicare Part B (Novitas)",
            "member_id": "1EG4-TE5-MK72",
        },
        "session": {
            "date_of_service": "11/24/2025",
            "date_of_service_iso": "2025-11-24",
            "time_in": "09:00:00",
            "time_out": "10:05:00",
            "time_zone": "America/Chicago",
            "discipline": "PT",
            "discipline_label": "Physical therapy",
            "reason": (
                "Fall risk and return to independent community ambulation after a "
                "right total knee arthroplasty (10/06/2025); two falls at home in the "
                "past 3 months. Results guide the plan of care and the home program."
            ),
            "interpretation": (
                "Gait speed of 0.84 m/s and a TUG of 14.2 s place Ms. Lopez below the "
                "community ambulation threshold (1.0 m/s) and above the CDC STEADI "
                "fall-risk cut-off of 12 s. Berg Balance Scale 41/56 indicates an "
                "elevated fall risk; single-leg stance on the right (3.4 s) is markedly "
                "shorter than on the left (7.9 s), consistent with post-operative "
                "quadriceps weakness.\n"
                "Right knee flexion of 104 degrees limits stair negotiation. Plan: "
                "progress balance and quadriceps strengthening 2x/week for 6 weeks, "
                "with a home exercise program; re-test gait speed, TUG and Berg at "
                "the 10th visit."
            ),
            "total_timed_minutes": 53,
            "total_minutes": 65,
            "performed_by": "Rosa Diaz, PT, DPT",
        },
        "clinician": SIGNER,
        "diagnoses": [
            {
                "code": "Z96.651",
                "description": "Presence of right artificial knee joint",
            },
            {"code": "R26.81", "description": "Unsteadiness on feet"},
            {"code": "Z91.81", "description": "History of falling"},
        ],
        "tests": tests,
        "same_day_procedures": [
            {
                "code": "97110",
                "label": "97110 Therapeutic exercise (timed)",
                "minutes": 10,
            }
        ],
        "billing": {
            "cpt": "97750",
            "qualifies": True,
            "statement": "Billable as CPT 97750 × 4 units with modifiers GP, KX",
            "blocking_reasons": [],
            "units": 4,
            "modifiers": ["GP", "KX"],
            "payer": "Medicare Part B (Novitas)",
            "method": "cms_8_minute",
            "method_label": "CMS 8-minute rule (minutes pooled)",
            "arithmetic": (
                "63 timed min (97750 53 + 97110 10) → 4 units (53-67 min) under the "
                "CMS 8-minute rule, 3 from full 15-minute blocks and 1 for the largest "
                "remainders; 97750 gets 3 full units + 1 for its 8-min remainder; "
                "97110 gets 0 units"
            ),
            "codes": [
                {"code": "97750", "minutes": 53, "units": 4},
                {"code": "97110", "minutes": 10, "units": 0},
            ],
            "findings": [
                {
                    "code": "kx_applied",
                    "severity": "info",
                    "severity_label": "Info",
                    "message": (
                        "KX added: year-to-date therapy charges $2,310.00 plus this "
                        "session's $200.00 exceed the 2025 threshold of $2,410.00."
                    ),
                    "source": "Bipartisan Budget Act of 2018 §50202; Social Security Act §1833(g)",
                },
                {
                    "code": "routine_measures_only",
                    "severity": "warning",
                    "severity_label": "Warning",
                    "message": (
                        "Goniometric ROM is a routine measure; it is reported with the "
                        "formal tests above, not on its own."
                    ),
                    "source": "WPS Billing and Coding Article A53309",
                },
            ],
            "estimated_payment": "200.00",
            "rules_version": "2025.11",
        },
        "signature": {
            **SIGNER,
            "signed_at": "11/24/2025 10:31",
            "time_zone": "America/Chicago",
            "text": (
                "Electronically signed by Rosa Diaz, PT, DPT on 11/24/2025 10:31 "
                "(America/Chicago)"
            ),
        },
        "attestation": ATTESTATION,
    }


def _timed(step, runs: int) -> tuple[list[float], list[float]]:
    """Return the wall-clock and CPU milliseconds of ``runs`` calls after warm-up."""
    for _ in range(WARM_UP):
        step()
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        step()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _line(label: str, times: tuple[list[float], list[float]]) -> str:
    # CPU time is printed too: on a shared machine, other processes stretch the
    # wall-clock figures but not the work this process does.
    wall, cpu = times
    p90 = statistics.quantiles(wall, n=10)[-1]
    return (
        f"{label:<14} median {statistics.median(wall):6.1f} ms  "
        f"p90 {p90:6.1f} ms  (CPU median {statistics.median(cpu):6.1f} ms, "
        f"{len(wall)} runs)"
    )


def main() -> None:
    """Time render + seal, render alone and seal alone; print median and p90."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=RUNS)
    parser.add_argument("--write", type=Path, help="write the sealed PDF here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings.PERFNOTE_SEAL_DIR = Path(folder)
        clinic = Clinic(name="Perfnote bench clinic", seal_name="bench")
        sealing.clinic_seal_certificate_create(clinic=clinic)
        context = note_context()

        def render() -> bytes:
            return note_pdf_render(context=context, addenda=[], document_id=DOCUMENT_ID)

        def seal(pdf: bytes) -> bytes:
            return sealing.seal_pdf(
                pdf,
                clinic=clinic,
                signer_name=SIGNER["name"],
                reason="Signed CPT 97750 note",
            )

        pdf = render()
        sealed = seal(pdf)
        check = sealing.check_seal(sealed, clinics=[clinic])
        print(
            f"note: {len(pdf):,} bytes unsealed, {len(sealed):,} sealed; "
            f"intact={check.intact} trusted={check.trusted} id={check.document_id}"
        )
        if args.write:
            args.write.mkdir(parents=True, exist_ok=True)
            (args.write / f"{DOCUMENT_ID}.pdf").write_bytes(sealed)
        print(_line("render + seal", _timed(lambda: seal(render()), args.runs)))
        print(_line("render only", _timed(render, args.runs)))
        print(_line("seal only", _timed(lambda: seal(pdf), args.runs)))


if __name__ == "__main__":
    main()
