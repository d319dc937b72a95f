"""The sealed note's norms, references and trend charts, frozen at signing."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone
from pypdf import PdfReader

from assessments.notes import signing
from assessments.notes.content import note_context_build
from assessments.notes.rendering import note_pdf_render
from assessments.templatetags.trend_charts import chart_data
from clinic.models import Patient
from tests.factories import (
    DEFAULT_PASSWORD,
    SIGNER,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago
GRIP = {"left": ["17.0", "17.2", "17.4"], "right": ["21.0", "21.5", "22.0"]}


@pytest.fixture
def patient(clinic):
    return PatientFactory(
        clinic=clinic,
        date_of_birth=dt.date(1950, 3, 14),
        sex=Patient.Sex.FEMALE,
        hand_dominance=Patient.HandDominance.RIGHT,
    )


def _session(patient, clinician, days, *tests, signed=False):
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=FIRST + dt.timedelta(days=days),
    )
    for position, (code, trials) in enumerate(tests):
        PerformedTestFactory(
            session=session,
            catalog_code=code,
            side="both" if "left" in trials else "na",
            trials=trials,
            position=position,
        )
    return mark_signed(session) if signed else session


def _note(session):
    return note_context_build(
        session=session, decision=None, signer=SIGNER, signed_at=timezone.now()
    )


def _text(pdf):
    """Return the PDF's text with every run of whitespace as one space."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


@pytest.fixture
def retest(patient, clinician):
    """A TUG and grip re-test after a signed TUG; the chair stand is new."""
    _session(patient, clinician, 0, ("timed_up_and_go", {"na": ["15.0"]}), signed=True)
    return _session(
        patient,
        clinician,
        30,
        ("timed_up_and_go", {"na": ["14.2"]}),
        ("grip_dynamometry", GRIP),
        ("chair_stand_30s", {"na": ["9"]}),
    )


def test_each_test_cites_numbered_references_listed_once(retest):
    # when
    note = _note(retest)

    # then every number cited is in the References, numbered 1..n in order
    numbers = [reference["number"] for reference in note["references"]]
    assert numbers == list(range(1, len(numbers) + 1))
    cited = [
        number
        for test in note["tests"]
        for entry in test["norms"]
        for number in [
            entry["ref"],
            *(flag["ref"] for flag in entry["flags"]),
            (entry["change"] or {}).get("ref"),
        ]
        if number is not None
    ]
    assert sorted(set(cited)) == numbers
    # first cited, first numbered
    assert list(dict.fromkeys(cited)) == numbers
    json.dumps(note)  # stored with the sealed version


def test_a_chart_only_for_tests_with_earlier_results(retest):
    # when
    note = _note(retest)

    # then TUG was done before; grip and the chair stand were not
    assert [trend["code"] for trend in note["trends"]] == ["timed_up_and_go"]
    tug = note["tests"][0]["norms"][0]
    assert tug["previous"] == {"date": "09/01/2026", "result": "15.0 s"}
    assert tug["change"]["text"]


def test_the_pdf_prints_norms_change_chart_and_references(retest):
    # given
    note = _note(retest)

    # when
    text = _text(note_pdf_render(context=note, addenda=[], document_id="PN-X-V1"))

    # then
    assert "Results over time" in text
    # each chart's title, key and results in words beside the image
    [trend] = note["trends"]
    assert f"{trend['title']}. Key: " in text
    assert f"Results (s): {chart_data(trend)}." in text
    assert "References" in text
    for reference in note["references"]:
        assert reference["citation"][:40] in text
    assert "Change from 15.0 s: " in text
    # the standing sentence printed carries the % of norm and the z
    for entry in (entry for test in note["tests"] for entry in test["norms"]):
        assert entry["percent"] in entry["standing"]
        assert entry["z"].replace("-", "\N{MINUS SIGN}") in entry["standing"]
        if entry["standing"]:
            assert entry["standing"] in text
    # grip, a line per hand
    assert "Left:" in text
    assert "Right:" in text


def test_a_note_without_earlier_results_has_no_chart(patient, clinician):
    # given a first visit
    session = _session(patient, clinician, 0, ("timed_up_and_go", {"na": ["12.4"]}))

    # when
    note = _note(session)
    text = _text(note_pdf_render(context=note, addenda=[], document_id="PN-X-V1"))

    # then
    assert note["trends"] == []
    assert "Results over time" not in text
    assert "No earlier signed result." in text


def test_a_test_no_norm_covers_prints_no_norm_line(patient, clinician):
    # given a test Perfnote holds no norm of
    session = _session(
        patient,
        clinician,
        0,
        ("nine_hole_peg_test", {"left": ["20.1"], "right": ["21.3"]}),
    )

    # when
    note = _note(session)
    text = _text(note_pdf_render(context=note, addenda=[], document_id="PN-X-V1"))

    # then the page says why (the clinician's view); the payer's note stays quiet
    assert note["tests"][0]["norms"][0]["missing"]
    assert note["tests"][0]["norms"][0]["covered"] is False
    assert "No norm:" not in text


def test_the_same_note_with_charts_renders_the_same_bytes(retest):
    # given
    note = _note(retest)

    # when
    first = note_pdf_render(context=note, addenda=[], document_id="PN-X-V1")
    second = note_pdf_render(context=note, addenda=[], document_id="PN-X-V1")

    # then
    assert first == second


def test_a_later_result_never_changes_a_signed_note(patient, clinician, retest):
    # given the re-test signed with its note
    original = signing.session_sign(
        session=retest,
        clinician=clinician,
        password=DEFAULT_PASSWORD,
        now=FIRST + dt.timedelta(days=30, hours=2),
    )
    # and a later TUG signed afterwards
    _session(patient, clinician, 60, ("timed_up_and_go", {"na": ["11.0"]}), signed=True)

    # when an addendum makes a new sealed version
    version = signing.addendum_add(
        session=retest,
        author=clinician,
        text="TUG done with a single-point cane.",
        password=DEFAULT_PASSWORD,
        now=FIRST + dt.timedelta(days=61),
    )

    # then the content is the one signed: two TUGs on the chart, not three
    assert version.context == original.context
    [trend] = version.context["trends"]
    assert [row["label"] for row in trend["rows"]] == ["09/01/2026", "10/01/2026"]
    assert "10/31/2026" not in _text(bytes(version.pdf))
