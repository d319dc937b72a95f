"""note_pdf_render: the printed note holds what payers and auditors look for.

The context comes from note_context_build on factory rows, so a key renamed on
one side and not the other shows up here as missing text.
"""

import datetime as dt
import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfReader

from assessments.notes import rendering
from assessments.notes.content import addendum_entry, note_context_build
from assessments.notes.rendering import (
    REFUSED_URL,
    TEMPLATE,
    NoteURLFetcher,
    note_pdf_render,
)
from assessments.services import session_billing_refresh
from tests.factories import (
    SIGNER,
    ClinicFactory,
    ClinicianFactory,
    DiagnosisFactory,
    PatientFactory,
    PayerFactory,
    PerformedTestFactory,
    SameDayProcedureFactory,
    TestSessionFactory,
)

DOCUMENT_ID = "PN-0A1B2C3D4E5F-V1"
START = dt.datetime(2025, 11, 24, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago
SIGNED_AT = dt.datetime(2025, 11, 24, 16, 31, tzinfo=dt.UTC)
# (code, side, start minute, stop minute, trials, notes): eight tests, as in a
# full fall-risk battery, so the note runs to two pages.
TESTS = [
    ("grip_dynamometry", "both", 4, 10,
     {"left": ["22.4", "23.0", "21.8"], "right": ["18.2", "19.6", "19.0"]},
     "Right grip limited by pain at the thumb base."),
    ("chair_stand_30s", "na", 11, 14, {"na": ["9"]}, ""),
    ("five_times_sit_to_stand", "na", 15, 18, {"na": ["16.8"]},
     "Used hands on thighs on the last repetition."),
    ("ten_metre_walk", "na", 19, 24, {"na": ["0.82", "0.86"]}, ""),
    ("timed_up_and_go", "na", 24, 29, {"na": ["14.2"]}, "Single-point cane."),
    ("berg_balance_scale", "na", 30, 46, {"na": ["41"]},
     "Lost points on tandem stance and turning 360 degrees."),
    ("single_leg_stance", "both", 47, 51,
     {"left": ["6.2", "7.9", "5.4"], "right": ["2.1", "3.4", "2.8"]}, ""),
    ("rom_knee_flexion", "right", 52, 55, {"right": ["104"]}, ""),
]  # fmt: skip


def _at(minutes):
    return START + dt.timedelta(minutes=minutes)


@pytest.fixture
def note(db):
    """The context of a realistic signed session: 8 tests, 3 diagnoses, 97110."""
    clinic = ClinicFactory(
        name="Lakeside Physical Therapy",
        address="1200 Lakeshore Drive, Suite 310\nSpringfield, IL 62704",
        phone="217-555-0142",
        npi="1730184529",
    )
    payer = PayerFactory(
        clinic=clinic, name="Medicare Part B (Novitas)", rate_97750=Decimal("31.17")
    )
    patient = PatientFactory(
        clinic=clinic,
        first_name="Maria",
        last_name="Lopez",
        date_of_birth=dt.date(1950, 3, 14),
        mrn="LPT-004217",
        coverage__payer=payer,
        coverage__member_id="1EG4-TE5-MK72",
    )
    for position, (code, description) in enumerate(
        [
            ("Z96.651", "Presence of right artificial knee joint"),
            ("R26.81", "Unsteadiness on feet"),
            ("Z91.81", "History of falling"),
        ]
    ):
        DiagnosisFactory(
            patient=patient, code=code, description=description, position=position
        )
    clinician = ClinicianFactory(
        clinic=clinic,
        user__first_name="Rosa",
        user__last_name="Diaz",
        license_number="070.012345",
        license_state="IL",
        npi="1457382910",
    )
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=START,
        ended_at=_at(65),
        reason="Fall risk and return to community ambulation after a right TKA.",
        interpretation=(
            "Gait speed 0.84 m/s and TUG 14.2 s indicate an elevated fall risk.\n"
            "Plan: balance and quadriceps strengthening 2x/week for 6 weeks."
        ),
    )
    for position, (code, side, start, stop, trials, notes) in enumerate(TESTS):
        PerformedTestFactory(
            session=session,
            catalog_code=code,
            side=side,
            started_at=_at(start),
            ended_at=_at(stop),
            trials=trials,
            notes=notes,
            position=position,
        )
    SameDayProcedureFactory(session=session, code="97110", minutes=10)
    session = session_billing_refresh(session=session, now=SIGNED_AT)
    return note_context_build(
        session=session,
        decision=session.billing_decision,
        signer=SIGNER,
        signed_at=SIGNED_AT,
    )


def _pages(data):
    """Return each page's text with runs of whitespace made single spaces."""
    reader = PdfReader(BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def _render(note, addenda=()):
    return note_pdf_render(context=note, addenda=list(addenda), document_id=DOCUMENT_ID)


def _addendum(text, minutes_later):
    return addendum_entry(
        text=text,
        signer=SIGNER,
        signed_at=SIGNED_AT + dt.timedelta(minutes=minutes_later),
        zone="America/Chicago",
        time_format="24",
    )


def test_note_prints_every_element_a_payer_needs(note):
    # when
    text = " ".join(_pages(_render(note)))
    # then
    expected = [
        # clinic header band
        "Lakeside Physical Therapy",
        "1200 Lakeshore Drive, Suite 310",
        "Springfield, IL 62704",
        "Phone 217-555-0142 · NPI 1730184529",
        # patient and visit
        "Patient Maria Lopez",
        "Date of birth 03/14/1950 (age 75)",
        "MRN LPT-004217",
        "Payer Medicare Part B (Novitas)",
        "Member ID 1EG4-TE5-MK72",
        "Date of service 11/24/2025",
        "Time in – out 09:00:00 – 10:05:00 (America/Chicago)",
        "Plan-of-care discipline Physical therapy (PT)",
        "Clinician Rosa Diaz, PT, DPT · Physical therapist",
        "License IL 070.012345",
        "Clinician NPI 1457382910",
        "Reason for testing Fall risk and return to community ambulation after a "
        "right TKA.",
        # diagnoses in order
        "Z96.651 Presence of right artificial knee joint R26.81 Unsteadiness on "
        "feet Z91.81 History of falling",
        # tests, a block each: number, name, category, side, start-stop,
        # minutes, then the trials and the result
        "1. Grip strength (Jamar dynamometer) · Strength · Both · "
        "09:04:00 – 09:10:00 (6 min) Trials: Left 22.4, 23.0, 21.8 kg; "
        "Right 18.2, 19.6, 19.0 kg. Result: Left 22.4 kg; Right 18.9 kg (mean of 3)",
        "Note: Right grip limited by pain at the thumb base.",
        "2. 30-second chair stand · Strength · 09:11:00 – 09:14:00 (3 min) "
        "Trials: 9 stands. Result: 9 stands",
        "3. Five times sit-to-stand (5xSTS) · Strength · 09:15:00 – 09:18:00 "
        "(3 min) Trials: 16.8 s. Result: 16.8 s",
        "4. 10-metre walk test (gait speed) · Endurance / mobility · "
        "09:19:00 – 09:24:00 (5 min) Trials: 0.82, 0.86 m/s. Result: 0.84 m/s "
        "(mean of 2)",
        "5. Timed Up and Go (TUG) · Balance · 09:24:00 – 09:29:00 (5 min) "
        "Trials: 14.2 s. Result: 14.2 s",
        "6. Berg Balance Scale · Balance · 09:30:00 – 09:46:00 (16 min) "
        "Trials: 41 points. Result: 41 points",
        "7. Single-leg stance (eyes open) · Balance · Both · 09:47:00 – 09:51:00 "
        "(4 min) Trials: Left 6.2, 7.9, 5.4 s; Right 2.1, 3.4, 2.8 s. "
        "Result: Left 7.9 s; Right 3.4 s (best of 3)",
        "8. Goniometric ROM — knee flexion · Flexibility · Right · "
        "09:52:00 – 09:55:00 (3 min) Trials: Right 104 degrees. "
        "Result: Right 104 degrees",
        "Testing time in this session (direct one-on-one, overlaps counted once) "
        "45 min",
        "Total session time (time in to time out) 65 min",
        # written report
        "Interpretation and written report Gait speed 0.84 m/s and TUG 14.2 s "
        "indicate an elevated fall risk. Plan: balance and quadriceps "
        "strengthening 2x/week for 6 weeks.",
        "97110 Therapeutic exercise (timed) 10",
        # billing
        "Billable as CPT 97750 × 3 units with modifier GP",
        "Counting method CMS 8-minute rule (minutes pooled)",
        # the goniometric ROM's 3 minutes are routine assessment, not 97750 time
        "Total timed code minutes 52 min",
        "Total treatment time 65 min",
        "Billed 97750 × 3 GP",
        "97750 42 3 97110 10 0",
        # the rules' own sentence (billing.rules.arithmetic), word for word
        f"Arithmetic: {note['billing']['arithmetic']}",
        "52 timed min",
        "routine measures Goniometric ROM — knee flexion (3 min) not counted",
        # signature
        "Electronically signed by Rosa Diaz, PT, DPT on 11/24/2025 10:31 "
        "(America/Chicago)",
        "Physical therapist · License IL 070.012345 · NPI 1457382910",
        "I attest that I personally performed the tests",
    ]
    missing = [item for item in expected if item not in text]
    assert missing == []


def test_every_page_carries_patient_document_id_and_page_number(note):
    # when
    pages = _pages(_render(note))
    # then (three pages since each test's norms, cut-offs and references print)
    assert len(pages) == 3
    for number, page in enumerate(pages, start=1):
        assert "Lopez, Maria · DOB 03/14/1950 · MRN LPT-004217" in page
        assert f"Document {DOCUMENT_ID}" in page
        assert f"Page {number} of 3" in page


def test_pdf_is_letter_sized_and_names_its_document_id(note):
    # when
    reader = PdfReader(BytesIO(_render(note)))
    # then
    assert {(page.mediabox.width, page.mediabox.height) for page in reader.pages} == {
        (612, 792)
    }
    assert reader.metadata["/perfnotedocumentid"] == DOCUMENT_ID
    assert reader.metadata["/Keywords"] == f"{DOCUMENT_ID}, CPT 97750"
    assert (
        reader.metadata["/Title"] == f"Physical Performance Test Report {DOCUMENT_ID}"
    )


def test_same_context_renders_the_same_bytes(note):
    # when
    first, second = _render(note), _render(note)
    # then
    assert first == second


def test_addenda_follow_the_unchanged_original_in_order(note):
    # given
    original = _pages(_render(note))
    addenda = [
        _addendum("Corrected: the TUG was done with a single-point cane.", 60),
        _addendum("Physician review requested for the fall-risk plan.", 1500),
    ]
    # when
    pages = _pages(_render(note, addenda))
    # then the original pages read the same, apart from the page total
    assert len(pages) == 4
    assert [
        page.replace(f"Page {number} of 4", f"Page {number} of 3")
        for number, page in enumerate(pages[:3], start=1)
    ] == original
    assert pages[3].index("Addendum 1") < pages[3].index("Addendum 2")
    assert re.findall(
        r"Addendum \d+ (.*?) Electronically signed by (.*?\))", pages[3]
    ) == [
        (
            "Corrected: the TUG was done with a single-point cane.",
            "Rosa Diaz, PT, DPT on 11/24/2025 11:31 (America/Chicago)",
        ),
        (
            "Physician review requested for the fall-risk plan.",
            "Rosa Diaz, PT, DPT on 11/25/2025 11:31 (America/Chicago)",
        ),
    ]
    assert "Lopez, Maria · DOB 03/14/1950 · MRN LPT-004217" in pages[3]
    assert "Page 4 of 4" in pages[3]


def test_not_billable_note_says_so_and_bills_nothing(note):
    # given
    note["billing"].update(
        qualifies=False, statement="Not billable as CPT 97750", lines=[]
    )
    # when
    text = " ".join(_pages(_render(note)))
    # then
    assert "Not billable as CPT 97750" in text
    assert "Billed Nothing" in text
    for internal in ("Estimated payment", "Expected payment", "Rules version", "$"):
        assert internal not in text


def test_note_without_payer_says_no_decision_was_made(note):
    """A patient without coverage: no payer, no member ID, no billing decision."""
    # given the content note_context_build gives a patient without coverage
    note["patient"].update(payer="", member_id="")
    note["billing"] = None
    # when
    text = " ".join(_pages(_render(note)))
    # then
    assert "Payer None on file" in text
    assert "Member ID —" in text
    assert "No payer on file, so no billing decision was made." in text


def test_markup_in_free_text_is_printed_not_fetched(note, monkeypatch):
    # given
    image = '<img src="http://tracker.example/pixel.png">'
    note["session"]["reason"] = f"Fall risk {image}"
    fetched = []
    monkeypatch.setattr(
        rendering.URL_FETCHER, "fetch", lambda url, headers=None: fetched.append(url)
    )
    # when
    html = render_to_string(
        rendering.TEMPLATE, {"note": note, "addenda": [], "document_id": DOCUMENT_ID}
    )
    text = " ".join(_pages(_render(note)))
    # then
    assert "&lt;img src=&quot;http://tracker.example/pixel.png&quot;&gt;" in html
    assert "<img" not in html
    assert f"Fall risk {image}" in text
    assert fetched == []


@pytest.mark.parametrize(
    "url",
    [
        "http://tracker.example/pixel.png",
        "https://fonts.example/font.woff2",
        "ftp://files.example/logo.png",
        "file:///etc/passwd",
        "file://elsewhere/share/logo.png",
    ],
)
def test_fetcher_refuses_urls_outside_the_project(url):
    # given
    fetcher = NoteURLFetcher(settings.BASE_DIR)
    # when / then
    with pytest.raises(ValueError, match=re.escape(REFUSED_URL.format(url=url))):
        fetcher.fetch(url)


def test_fetcher_refuses_a_path_that_climbs_out_of_the_project():
    # given
    fetcher = NoteURLFetcher(settings.BASE_DIR)
    url = (settings.BASE_DIR / "templates" / ".." / ".." / "etc" / "hosts").as_uri()
    # when / then
    with pytest.raises(ValueError, match="only data: URLs and project files"):
        fetcher.fetch(url)


def test_fetcher_serves_data_urls_and_project_files():
    # given
    fetcher = NoteURLFetcher(settings.BASE_DIR)
    css = settings.BASE_DIR / "templates" / "assessments" / "pdf" / "note.css"
    # when
    data = fetcher.fetch("data:text/plain;base64,UGVyZm5vdGU=")
    local = fetcher.fetch(css.as_uri())
    # then
    assert data.read() == b"Perfnote"
    assert local.read() == css.read_bytes()
    local.close()


def test_the_shared_fetcher_is_the_project_fetcher():
    # then
    assert isinstance(rendering.URL_FETCHER, NoteURLFetcher)
    assert rendering.URL_FETCHER.root == settings.BASE_DIR.resolve()


def test_a_note_stored_before_protocol_details_renders_as_before(note):
    """A context signed before migration 0008 has none of the new keys; the
    template then prints the same rows as it did (no item, condition, source or
    LSI line, no hop battery line)."""
    # given the stored context of a note signed before
    old = {**note, "tests": [_old_entry(test) for test in note["tests"]]}
    old.pop("hop_battery_lsi", None)

    # when
    html = render_to_string(
        TEMPLATE,
        {"note": old, "addenda": [], "document_id": "X", "document_id_meta": "x"},
    )

    # then under each test's head and results lines, only its note and its
    # battery reason add a line
    blocks = re.findall(r'<div class="test">(.*?)</div>', html, flags=re.DOTALL)
    assert [block.count("<p") for block in blocks] == [
        2 + bool(test["notes"]) + bool(test["battery_reason"]) for test in old["tests"]
    ]
    for new in ("Protocol:", "Items:", "LSI", "Hop battery", "Arc ", "Total recorded"):
        assert new not in html


def _old_entry(test):
    keys = (
        "number", "name", "category", "side", "side_label", "start", "end",
        "minutes", "unit", "basis", "trials", "results", "has_result", "notes",
        "battery_reason",
    )  # fmt: skip
    return {key: test[key] for key in keys}


def _page_of(pages, text):
    found = [number for number, page in enumerate(pages, start=1) if text in page]
    assert found, text
    return found[0]


@pytest.mark.parametrize("lines", range(20, 32, 2))
def test_billing_box_and_signature_never_split_across_pages(note, lines):
    """However long the report, each block lands on one page whole.

    A longer written report moves the billing box and the signature down past
    the end of page 2 (measured: 24 lines split the box without note.css's
    break rules, leaving its arithmetic alone on page 3).
    """
    # given
    report = "\n".join(f"Line {number} of the report." for number in range(lines))
    longer = {**note, "session": {**note["session"], "interpretation": report}}
    # when
    pages = _pages(_render(longer))
    # then
    billing = {
        _page_of(pages, text)
        for text in ("Billing summary", "Counting method", "Timed code", "Arithmetic:")
    }
    signature = {
        _page_of(pages, text)
        for text in ("Attestation and signature", "I attest", "Electronically signed")
    }
    assert len(billing) == 1
    assert len(signature) == 1


@pytest.mark.parametrize("lines", [6, 15, 24])
def test_a_test_row_and_its_own_lines_stay_on_one_page(note, lines):
    """A longer reason moves the tests table down; no page opens on a test's protocol.

    Measured without note.css's rule, these reasons left the protocol line of
    the Berg, the 10-metre walk and the 30-second chair stand alone at the top
    of the next page.
    """
    # given
    reason = "\n".join(f"Reason line {number}." for number in range(lines))
    longer = {**note, "session": {**note["session"], "reason": reason}}
    # when
    pages = _pages(_render(longer))
    # then
    for test in note["tests"]:
        protocol = f"Protocol: {test['source'][:20]}"
        assert _page_of(pages, test["name"]) == _page_of(pages, protocol), test["name"]


def test_the_sealed_note_prints_item_scores_conditions_and_a_total_alone(note):
    # given the realistic session's Berg recorded by its total alone, and a
    # re-test session whose Berg has its 14 items and whose 6MWT its conditions
    session = TestSessionFactory(
        patient=PatientFactory(clinic=ClinicFactory()),
        started_at=START,
        ended_at=_at(40),
    )
    PerformedTestFactory(
        session=session,
        catalog_code="berg_balance_scale",
        started_at=_at(1),
        ended_at=_at(16),
        trials={"na": ["45"]},
        details={"items": [4, 4, 4, 4, 3, 4, 3, 3, 3, 3, 2, 3, 2, 3]},
    )
    PerformedTestFactory(
        session=session,
        catalog_code="six_minute_walk",
        started_at=_at(20),
        ended_at=_at(27),
        trials={"na": ["310"]},
        details={"conditions": {"course_m": "30", "rests": "1", "spo2_post": "91"}},
    )
    session = session_billing_refresh(session=session, now=SIGNED_AT)
    items = note_context_build(
        session=session,
        decision=session.billing_decision,
        signer=SIGNER,
        signed_at=SIGNED_AT,
    )

    # when both are rendered
    alone = " ".join(_pages(_render(note)))
    scored = " ".join(_pages(_render(items)))

    # then the total alone says so, and each item and condition is printed
    assert "Total recorded alone; item scores not recorded." in alone
    assert "Items: 1. " in scored
    assert " 3/4" in scored
    assert "Course length: 30 m" in scored
    assert "Number of rests: 1" in scored
    assert "Course length: 30 m · Number of rests: 1 · SpO₂ after: 91 %" in scored
