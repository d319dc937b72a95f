"""Time render + seal of a note with 12 tests read against the norms and 4 trend charts.

Run from the repository root:

    DJANGO_SETTINGS_MODULE=config.settings.local .venv/bin/python bench/note_norms_bench.py [runs]

No database is needed. The plain two-page note of bench/note_bench.py is timed
in the same run, next to a note of 12 tests whose norms, cut-offs, changes,
references and 4 trend charts come from the real code (assessments.norms and
assessments.results on unsaved rows), as note_context_build() stores them.
Rendering draws the charts with pygal from the stored trends, as an addendum
would. Prints the median (p50) and p90 of each, wall clock and CPU; pass
--write DIR to keep the sealed norms note.
"""

import argparse
import datetime as dt
import io
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import note_bench
from django.conf import settings
from pypdf import PdfReader

from assessments import catalog, norms
from assessments.models import PerformedTest, TestSession
from assessments.notes import sealing
from assessments.notes.rendering import note_pdf_render
from assessments.results import (
    Point,
    Reading,
    dominant_side,
    person_on,
    reading_entry,
    trend_build,
)
from clinic.models import Clinic, Patient

BUDGET_MS = 350
DOCUMENT_ID = "PN-9B2D41C07E11-V1"
ON = dt.date(2025, 11, 24)
PATIENT = Patient(
    date_of_birth=dt.date(1950, 3, 14),
    sex=Patient.Sex.FEMALE,
    hand_dominance=Patient.HandDominance.RIGHT,
)
# (code, side, {side: today's result}, {side: earlier results, oldest first});
# four tests have earlier results, so four charts.
TESTS = [
    ("grip_dynamometry", "both", {"left": "22.4", "right": "18.9"},
     {"left": ["20.1", "21.0", "21.8"], "right": ["15.2", "16.8", "17.5"]}),
    ("chair_stand_30s", "na", {"na": "9"}, {"na": ["6", "7", "8"]}),
    ("five_times_sit_to_stand", "na", {"na": "16.8"}, {}),
    ("ten_metre_walk", "na", {"na": "0.84"}, {}),
    ("timed_up_and_go", "na", {"na": "14.2"}, {"na": ["19.5", "17.8", "15.9"]}),
    ("berg_balance_scale", "na", {"na": "41"}, {"na": ["35", "38", "40"]}),
    ("single_leg_stance", "both", {"left": "7.9", "right": "3.4"}, {}),
    ("rom_knee_flexion", "right", {"right": "104"}, {}),
    ("six_minute_walk", "na", {"na": "310"}, {}),
    ("functional_reach", "na", {"na": "7.5"}, {}),
    ("two_minute_step", "na", {"na": "71"}, {}),
    ("chair_sit_and_reach", "both", {"left": "-3.0", "right": "-3.5"}, {}),
]  # fmt: skip


def norms_context() -> dict:
    """Return note_bench's context with 12 tests, their norms, references and trends."""
    context = note_bench.note_context()
    person = person_on(patient=PATIENT, on=ON)
    session = TestSession(patient=PATIENT)
    cited: dict[int, norms.Source] = {}
    tests, trends = [], []
    for number, (code, side, today, earlier) in enumerate(TESTS, start=1):
        test = catalog.get(code)
        performed = PerformedTest(session=session, catalog_code=code, side=side)
        history = {
            key: [
                Point(
                    on=ON - dt.timedelta(days=28 * (len(values) - i)), value=Decimal(v)
                )
                for i, value in enumerate(values)
                for v in [value]
            ]
            for key, values in earlier.items()
        }
        entries = [
            reading_entry(
                _reading(performed, key, Decimal(value), person, history), cited
            )
            for key, value in today.items()
        ]
        tests.append(_test_entry(number, test, side, today, entries))
        if history:
            sides = {
                key: [*history[key], Point(on=ON, value=Decimal(value))]
                for key, value in today.items()
            }
            trends.append(
                trend_build(code=code, sides=sides, person=person, patient=PATIENT)
            )
    context["tests"] = tests
    context["trends"] = trends
    context["references"] = [
        {"number": n, "citation": source.citation, "confirmed": source.confirmed}
        for n, source in enumerate(cited.values(), start=1)
    ]
    context["norms_note"] = ""
    return context


def _reading(
    performed: PerformedTest,
    side: str,
    value: Decimal,
    person: norms.Person,
    history: dict[str, list[Point]],
) -> Reading:
    previous = history[side][-1] if history.get(side) else None
    return Reading(
        performed=performed,
        side=side,
        value=value,
        previous=previous,
        interpretation=norms.interpret(
            performed.catalog_code,
            value,
            person,
            side=side if side in ("left", "right") else "",
            dominant=dominant_side(patient=PATIENT, side=side),
            previous=(previous.on, previous.value) if previous else None,
            on=ON,
        ),
    )


def _test_entry(
    number: int, test: catalog.CatalogTest, side: str, today: dict, entries: list
) -> dict:
    trials = {key: [value] for key, value in today.items()}
    entry = note_bench._test(
        number, test.name, test.category.label, side, ("09:00:00", "09:04:00"), 4,
        test.unit, trials,
    )  # fmt: skip
    return entry | {"source": test.source, "performed_id": number, "norms": entries}


def main() -> None:
    """Time render + seal of the plain note and of the norms note; print p50 and p90."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=note_bench.RUNS)
    parser.add_argument("--write", type=Path, help="write the sealed norms note here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings.PERFNOTE_SEAL_DIR = Path(folder)
        clinic = Clinic(name="Perfnote bench clinic", seal_name="bench")
        sealing.clinic_seal_certificate_create(clinic=clinic)
        notes = {"plain 2-page": note_bench.note_context(), "norms": norms_context()}
        for label, context in notes.items():

            def sealed(context: dict = context) -> bytes:
                pdf = note_pdf_render(
                    context=context, addenda=[], document_id=DOCUMENT_ID
                )
                return sealing.seal_pdf(
                    pdf,
                    clinic=clinic,
                    signer_name="Rosa Diaz",
                    reason="Signed CPT 97750 note",
                )

            pdf = sealed()
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            print(
                f"{label} note: {len(context['tests'])} tests, "
                f"{len(context.get('trends', []))} charts, "
                f"{len(context.get('references', []))} references, {pages} pages, "
                f"{len(pdf):,} bytes sealed"
            )
            print(
                note_bench._line("render + seal", note_bench._timed(sealed, args.runs))
            )
            if args.write and label == "norms":
                args.write.mkdir(parents=True, exist_ok=True)
                (args.write / f"{DOCUMENT_ID}.pdf").write_bytes(pdf)
        print(f"budget: render + seal p50 <= {BUDGET_MS} ms for the norms note")


if __name__ == "__main__":
    main()
