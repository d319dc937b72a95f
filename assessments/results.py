"""A patient's results over time, each read against the published norms.

The pure package ``assessments.norms`` knows the norms, cut-offs and MCIDs;
this module only reads the rows it needs and hands it the facts: the result as
the catalog summarises it, the patient's age and sex on the date of service,
the hand a grip was done with, the conditions recorded, and the previous result
on the same test and side.

Which results count as "previous" and go into a trend: **signed ones only**.
The note a payer reads compares today's result with results that are on record
and can no longer change; a draft may still be corrected or deleted. The
session's own result is always shown, signed or not. The patient chart's
Progress section shows drafts too, marked as such, because it is the
clinician's working view.

Every read here is a fixed number of queries whatever the length of the
patient's history: the earlier results of all of a session's tests come in one
query, and the Progress section reads the patient's latest
``PROGRESS_SESSIONS`` sessions in one query.
"""

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from clinic.models import Patient

from . import catalog, norms
from .goals import target_text
from .models import Goal, PerformedTest, PlanOfCare, SessionStatus, TestSession
from .selectors import date_of_service, side_rank

# The patient's sex as the norms read it; "other" and "unknown" have no norm.
_NORM_SEX = {Patient.Sex.FEMALE: "female", Patient.Sex.MALE: "male"}
_SIDE_LABELS = {"left": "Left", "right": "Right", "na": ""}
# One-repetition maximum may be recorded in pounds (catalog ``load_unit``); the
# norms read the catalog's unit, kilograms.
_POUND_IN_KG = Decimal("0.45359237")
# The Progress section charts the patient's latest sessions, so the chart page
# costs the same for a patient seen for years.
PROGRESS_SESSIONS = 24
# A session's chart shows at most this many results, today's and the latest
# before it, so a patient seen for years gets a readable chart in a note of
# bounded size.
TREND_POINTS = 12
DATE_FORMAT = "%m/%d/%Y"
NO_SEX = (
    "The published norms are given for women and for men; this patient's sex "
    "is recorded as {sex}, so the results are shown without norms. Cut-offs "
    "that do not depend on sex still apply."
)


@dataclass(frozen=True)
class Point:
    """One result of a test on one side on a date of service."""

    on: date
    value: Decimal
    signed: bool = True


@dataclass(frozen=True)
class Reading:
    """One side of one performed test, read against the norms.

    ``interpretation`` is what ``norms.interpret`` says; ``previous`` the most
    recent earlier signed result on the same test and side, or None.
    """

    performed: PerformedTest
    side: str
    value: Decimal
    previous: Point | None
    interpretation: norms.Interpretation

    @property
    def side_label(self) -> str:
        return _SIDE_LABELS.get(self.side, self.side.capitalize())

    @property
    def text(self) -> str:
        """The result as printed, in the catalog's unit: "19 kg"."""
        test = catalog.get(self.performed.catalog_code)
        return f"{test.display(self.value)} {test.unit}"


def person_on(*, patient: Patient, on: date) -> norms.Person:
    """Return the patient as the norms read them: age on ``on`` and sex, or None."""
    return norms.Person(
        age=norms.age_on(patient.date_of_birth, on),
        sex=_NORM_SEX.get(patient.sex),
    )


def earlier_results(
    *, session: TestSession, codes: Iterable[str]
) -> dict[tuple[str, str], list[Point]]:
    """Return the patient's signed results before this session, oldest first.

    Keyed by (catalog code, side): the latest ``TREND_POINTS`` of each test, all
    a chart draws and the previous result among them. One query, and the rows
    it returns do not grow with the history (a patient with 1,000 sessions
    made the session page read them all, bench/scale.py): the database ranks
    each test's rows newest first and keeps the first ones.
    """
    rows = (
        PerformedTest.objects.filter(
            session__patient_id=session.patient_id,
            session__status=SessionStatus.SIGNED,
            session__started_at__lt=session.started_at,
            catalog_code__in=sorted(set(codes)),
        )
        .exclude(session_id=session.pk)
        .annotate(
            recency=Window(
                RowNumber(),
                partition_by=[F("catalog_code")],
                order_by=[F("session__started_at").desc(), F("pk").desc()],
            )
        )
        .filter(recency__lte=TREND_POINTS)
        .select_related("session")
        .order_by("session__started_at", "pk")
    )
    return _points_by_test(rows, session.patient)


def patient_progress(*, patient: Patient) -> list[dict]:
    """Return a trend per test the patient has done, most recently done first.

    Drafts are included and marked (the clinician's working view); only the
    latest ``PROGRESS_SESSIONS`` sessions are read, in one query.
    """
    latest = patient.sessions.order_by("-started_at").values("pk")[:PROGRESS_SESSIONS]
    rows = (
        PerformedTest.objects.filter(session__in=latest)
        .select_related("session")
        .order_by("session__started_at", "pk")
    )
    points = _points_by_test(rows, patient)
    if not points:
        return []
    # The band drawn is the one of the patient's age at the latest result;
    # the goals, those of the patient's latest plan of care.
    latest_day = max(p.on for series in points.values() for p in series)
    person = person_on(patient=patient, on=latest_day)
    latest_plan = PlanOfCare.objects.filter(patient=patient).order_by(
        "-starts_on", "-pk"
    )[:1]
    goals = list(Goal.objects.filter(plan__in=latest_plan))
    return [
        trend_build(
            code=code,
            sides={side: pts for (c, side), pts in points.items() if c == code},
            person=person,
            patient=patient,
            goals=goals,
        )
        for code in _codes_newest_first(points)
    ]


def session_trends(
    *,
    session: TestSession,
    readings: dict[int, tuple[Reading, ...]],
    history: dict[tuple[str, str], list[Point]],
) -> list[dict]:
    """Return a trend per test of the session that has an earlier signed result.

    Each trend holds the earlier signed results and this session's; the note
    stores it, so a signed note's chart never changes.
    """
    on = date_of_service(session=session)
    person = person_on(patient=session.patient, on=on)
    today = not session.is_draft
    sides_by_code: dict[str, dict[str, list[Point]]] = {}
    for reading in (reading for sided in readings.values() for reading in sided):
        code = reading.performed.catalog_code
        sides_by_code.setdefault(code, {})[reading.side] = [
            *history.get((code, reading.side), [])[1 - TREND_POINTS :],
            Point(on=on, value=reading.value, signed=today),
        ]
    charted = {
        code: sides
        for code, sides in sides_by_code.items()
        if any(len(points) > 1 for points in sides.values())
    }
    # The goals of the session's plan of care, read only when there is a chart.
    goals = (
        list(Goal.objects.filter(plan=session.plan_of_care_id))
        if charted and session.plan_of_care_id
        else []
    )
    return [
        trend_build(
            code=code,
            sides=sides,
            person=person,
            patient=session.patient,
            goals=goals,
        )
        for code, sides in charted.items()
    ]


def trend_build(
    *,
    code: str,
    sides: dict[str, list[Point]],
    person: norms.Person,
    patient: Patient,
    goals: Iterable[Goal] = (),
) -> dict:
    """Return a test's trend as JSON-safe data: what a chart and its table show.

    Stored with a signed note (NoteVersion.context), so the chart is drawn
    again from it, never from rows that may have changed. ``goals`` are the
    plan of care's: each measured by this test draws its target as a line.
    """
    test = catalog.get(code)
    series = [
        {
            "side": side,
            "label": _SIDE_LABELS.get(side, side.capitalize()),
            "points": [
                {
                    "date": point.on.isoformat(),
                    "label": point.on.strftime(DATE_FORMAT),
                    "value": format(point.value, "f"),
                    "text": test.display(point.value),
                    "signed": point.signed,
                }
                for point in points
            ],
        }
        for side, points in sorted(sides.items(), key=lambda item: side_rank(item[0]))
    ]
    bands, cutoffs, higher = _guides(code, sides, person, patient)
    goal_lines = [
        {
            "label": "Goal: "
            + target_text(
                comparison=goal.comparison,
                target=goal.target,
                unit=test.unit,
                target_on=goal.target_on,
            ),
            "value": format(goal.target, "f"),
        }
        for goal in goals
        if goal.catalog_code == code and goal.target is not None and goal.comparison
    ]
    by_date: dict[str, dict] = {}
    for column, line in enumerate(series):
        for point in line["points"]:
            row = by_date.setdefault(
                point["date"],
                {"label": point["label"], "signed": True, "values": [""] * len(series)},
            )
            row["values"][column] = point["text"]
            row["signed"] = row["signed"] and point["signed"]
    title = f"{test.name}, {test.unit}"
    return {
        "code": code,
        "name": test.name,
        "title": title,
        "unit": test.unit,
        "series": series,
        "bands": bands,
        "cutoffs": cutoffs,
        "goals": goal_lines,
        "higher_is_better": higher,
        # A row per date, a column per side: the data table beside the chart on
        # the pages, and the line of results under it in the note (chart_data).
        "rows": [by_date[day] for day in sorted(by_date)],
        "description": _description(
            title, series, bands, [*cutoffs, *goal_lines], test.unit
        ),
    }


def dominant_side(*, patient: Patient, side: str) -> bool | None:
    """Return True if ``side`` is the patient's dominant hand; None if not known."""
    if patient.hand_dominance not in ("left", "right") or side not in ("left", "right"):
        return None
    return side == patient.hand_dominance


def _reading(
    performed: PerformedTest,
    side: str,
    value: Decimal,
    person: norms.Person,
    on: date,
    history: dict[tuple[str, str], list[Point]],
) -> Reading:
    earlier = history.get((performed.catalog_code, side))
    previous = earlier[-1] if earlier else None
    patient = performed.session.patient
    return Reading(
        performed=performed,
        side=side,
        value=value,
        previous=previous,
        interpretation=norms.interpret(
            performed.catalog_code,
            value,
            person,
            side=_norm_side(side),
            dominant=dominant_side(patient=patient, side=side),
            conditions=performed.conditions,
            previous=(previous.on, previous.value) if previous else None,
            on=on,
        ),
    )


def _sided(performed: PerformedTest) -> list[tuple[str, Decimal]]:
    """Return (side, result in the catalog's unit) for each side with a result."""
    results = performed.results()
    return [
        (side, _in_catalog_unit(performed, results[side]))
        for side in sorted(results, key=side_rank)
        if results[side] is not None
    ]


def _in_catalog_unit(performed: PerformedTest, value: Decimal) -> Decimal:
    """Return a result in the catalog's unit (a load typed in pounds, in kg)."""
    if performed.test.unit == catalog.get(performed.catalog_code).unit:
        return value
    return (value * _POUND_IN_KG).quantize(Decimal("0.1"))


def _points_by_test(
    rows: Iterable[PerformedTest], patient: Patient
) -> dict[tuple[str, str], list[Point]]:
    zone = zoneinfo.ZoneInfo(patient.clinic.time_zone)
    points: dict[tuple[str, str], list[Point]] = {}
    for performed in rows:
        on = performed.session.started_at.astimezone(zone).date()
        signed = performed.session.status == SessionStatus.SIGNED
        for side, value in _sided(performed):
            points.setdefault((performed.catalog_code, side), []).append(
                Point(on=on, value=value, signed=signed)
            )
    return points


def _codes_newest_first(points: dict[tuple[str, str], list[Point]]) -> list[str]:
    last: dict[str, date] = {}
    for (code, _side), series in points.items():
        last[code] = max(last.get(code, series[-1].on), series[-1].on)
    return sorted(last, key=lambda code: (-last[code].toordinal(), code))


def _guides(
    code: str,
    sides: dict[str, list[Point]],
    person: norms.Person,
    patient: Patient,
) -> tuple[list[dict], list[dict], bool]:
    """Return the normal bands, cut-off lines and direction for the chart.

    Grip norms differ by hand, so each side has its own band; a band shared by
    both sides is drawn once.
    """
    bands: list[dict] = []
    cutoffs: list[dict] = []
    higher = True
    for side in sorted(sides, key=side_rank):
        guides = norms.guides(
            code,
            person,
            side=_norm_side(side),
            dominant=dominant_side(patient=patient, side=side),
        )
        higher = guides.higher_is_better
        if guides.band is not None:
            band = {
                "low": format(guides.band[0], "f"),
                "high": format(guides.band[1], "f"),
                "label": guides.band_label,
            }
            if band not in bands:
                bands.append(band)
        for value, label in guides.cutoffs:
            cutoff = {"value": format(value, "f"), "label": label}
            if cutoff not in cutoffs:
                cutoffs.append(cutoff)
    return bands, cutoffs, higher


def _description(
    title: str, series: list[dict], bands: list[dict], lines: list[dict], unit: str
) -> str:
    """Say in words what the chart draws, for screen readers and the alt text.

    ``lines`` are the horizontal lines drawn: cut-offs and goals.
    """
    parts = []
    for line in series:
        who = f"{line['label']}: " if line["label"] else ""
        results = ", ".join(
            f"{point['text']} {unit} on {point['label']}" for point in line["points"]
        )
        parts.append(f"{who}{results}.")
    parts.extend(
        f"{band['label']}: {band['low']}–{band['high']} {unit}." for band in bands
    )
    parts.extend(f"{line['label']}." for line in lines)
    return f"{title} over time. " + " ".join(parts)


def _norm_side(side: str) -> str:
    return side if side in ("left", "right") else ""


@dataclass(frozen=True)
class SessionResults:
    """What the session page and the note add to each test: norms, change, trends.

    ``entries`` maps a performed test's id to one JSON-safe entry per side
    (``reading_entry``); ``references`` lists every source cited, numbered in
    the order first cited; ``trends`` the tests that have earlier signed results.
    """

    entries: dict[int, list[dict]]
    references: list[dict]
    trends: list[dict]
    draft: str
    person_note: str = ""


def session_results_get(
    *, session: TestSession, tests: Sequence[PerformedTest]
) -> SessionResults:
    """Return the session's results against the norms; for a signed note, as signed.

    A signed note stores its norms, references and charts (NoteVersion.context);
    the page then shows what the note says, even after a later result or a
    corrected norm, as the plan-of-care block does. A note signed before
    norms were printed says none, and neither does its page.
    """
    if not session.is_draft:
        original = (
            session.note_versions.order_by("number")
            .values_list("context", flat=True)
            .first()
        )
        if original is not None:
            return SessionResults(
                entries={
                    test["performed_id"]: test["norms"]
                    for test in original["tests"]
                    if "performed_id" in test
                },
                references=original.get("references", []),
                trends=original.get("trends", []),
                draft="",
                person_note=original.get("norms_note", ""),
            )
    return session_results(session=session, tests=tests)


def session_results(
    *, session: TestSession, tests: Sequence[PerformedTest]
) -> SessionResults:
    """Return the session's results read against the norms, in two queries at most.

    One query reads the patient's earlier signed results of the session's
    tests; the person, norms and charts are computed from it.
    """
    on = date_of_service(session=session)
    person = person_on(patient=session.patient, on=on)
    history = earlier_results(session=session, codes={t.catalog_code for t in tests})
    readings = {
        performed.pk: tuple(
            _reading(performed, side, value, person, on, history)
            for side, value in _sided(performed)
        )
        for performed in tests
        if _read_against_norms(performed)
    }
    cited: dict[int, norms.Source] = {}
    entries = {
        pk: [reading_entry(reading, cited) for reading in sided]
        for pk, sided in readings.items()
    }
    for performed in tests:
        if entries.get(performed.pk):
            _symmetry_flag(performed, entries[performed.pk], cited)
    return SessionResults(
        entries=entries,
        references=_references(cited),
        trends=session_trends(session=session, readings=readings, history=history),
        draft=interpretation_draft(tests=tests, entries=entries),
        person_note=(
            ""
            if person.sex is not None
            else NO_SEX.format(sex=session.patient.get_sex_display().lower())
        ),
    )


def reading_entry(reading: Reading, cited: dict[int, norms.Source]) -> dict:
    """Return one side's reading as JSON-safe data, for the page and the note.

    Each source cited gets its number in ``cited`` (first cited, first
    numbered), so the page and the note print "[1]" for the same source.
    """
    found = reading.interpretation
    standing = found.standing
    change = found.change
    previous = reading.previous
    test = catalog.get(reading.performed.catalog_code)
    return {
        "side": reading.side,
        "side_label": reading.side_label,
        "result": reading.text,
        "norm": standing.norm if standing else "",
        "percent": _number(standing.percent) if standing else "",
        "z": _number(standing.z) if standing else "",
        "band": standing.band if standing else "",
        "standing": standing.text if standing else "",
        "ref": _cite(standing.source, cited) if standing else None,
        "cite": standing.source.short if standing else "",
        "flags": [
            {"text": flag.text, "ref": _cite(flag.source, cited)}
            for flag in found.flags
        ],
        "previous": (
            {
                "date": previous.on.strftime(DATE_FORMAT),
                "result": f"{test.display(previous.value)} {test.unit}",
            }
            if previous
            else None
        ),
        "change": (
            {
                "text": change.text,
                "meaningful": change.meaningful,
                "ref": _cite(change.source, cited) if change.source else None,
            }
            if change
            else None
        ),
        "missing": found.missing,
        # Whether Perfnote holds any norm or cut-off of the test: the note
        # says why a covered test has none (age, sex, a value off the table)
        # and leaves a test no source covers at its result.
        "covered": reading.performed.catalog_code in norms.covered(),
    }


def _read_against_norms(performed: PerformedTest) -> bool:
    """Return True if the row's result is summarised as the norms' protocols are.

    A row recorded under an earlier rules version keeps its old summary (grip
    was the best of three, the norms average three), so it is shown and
    printed as it was, without norms; it still counts as a previous result.
    """
    return performed.rules_version >= catalog.RULES_VERSION


def _symmetry_flag(
    performed: PerformedTest, entries: list[dict], cited: dict[int, norms.Source]
) -> None:
    """Add a limb symmetry index below the source's criterion to the involved side.

    The index is the catalog's (``PerformedTest.limb_symmetry``), already
    inverted for timed tests; the criterion is the norms' (e.g. 90 % to return
    to sport after ACL reconstruction).
    """
    flag = norms.symmetry(performed.catalog_code, performed.limb_symmetry())
    if flag is None:
        return
    involved = performed.conditions.get("involved", "")
    entry = next((e for e in entries if e["side"] == involved), entries[0])
    entry["flags"].append({"text": flag.text, "ref": _cite(flag.source, cited)})


def interpretation_draft(
    *, tests: Sequence[PerformedTest], entries: dict[int, list[dict]]
) -> str:
    """Return a drafted interpretation: a sentence per test that has a norm or change.

    "Grip strength (Jamar dynamometer) 19 kg L / 23.5 kg R: …". The clinician
    inserts it into the interpretation and edits it; it is never saved by
    itself, so nothing is signed the clinician has not read.
    """
    sentences = []
    for performed in tests:
        sided = entries.get(performed.pk, [])
        findings = [
            finding
            for entry in sided
            for finding in _findings(entry, several=len(sided) > 1)
        ]
        if not findings:
            continue
        results = " / ".join(
            entry["result"]
            + (f" {entry['side_label'][:1]}" if entry["side_label"] else "")
            for entry in sided
        )
        sentences.append(f"{performed.test.name} {results}: {'; '.join(findings)}.")
    return "\n".join(sentences)


def _findings(entry: dict, *, several: bool) -> list[str]:
    side = f"{entry['side_label']}: " if several and entry["side_label"] else ""
    found = []
    if entry["standing"]:
        cite = f" ({entry['cite']})" if entry["cite"] else ""
        found.append(f"{side}{entry['standing']}{cite}")
    found.extend(f"{side}{flag['text']}" for flag in entry["flags"])
    if entry["change"]:
        found.append(f"{side}{entry['change']['text']}")
    return found


def _cite(source: norms.Source, cited: dict[int, norms.Source]) -> int:
    cited.setdefault(source.number, source)
    return list(cited).index(source.number) + 1


def _references(cited: dict[int, norms.Source]) -> list[dict]:
    """Return every source cited, in citation order, as the note's References list."""
    return [
        {
            "number": number,
            "citation": source.citation,
            "confirmed": source.confirmed,
        }
        for number, source in enumerate(cited.values(), start=1)
    ]


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value, "f")
