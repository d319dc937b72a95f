"""note_context_build and addendum_entry: the note's content as JSON-safe data."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from assessments import catalog
from assessments.models import TestSession
from assessments.notes.content import (
    ATTESTATION,
    NOT_BILLABLE,
    addendum_entry,
    note_context_build,
)
from assessments.services import session_billing_refresh
from billing.models import BillingDecision, Coverage
from billing.rules import findings
from billing.services import coverage_save
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

pytestmark = pytest.mark.django_db

# 15:00 UTC on 15 January is 09:00 in Chicago (CST, UTC-6).
START = dt.datetime(2025, 1, 15, 15, 0, tzinfo=dt.UTC)
SIGNED_AT = dt.datetime(2025, 1, 15, 16, 2, 30, tzinfo=dt.UTC)
SIGNER_BLOCK = {
    "name": "Rosa Diaz",
    "credentials": "PT, DPT",
    "display": "Rosa Diaz, PT, DPT",
    "role_label": "Physical therapist",
    "license_number": "070.012345",
    "license_state": "IL",
    "license": "IL 070.012345",
    "npi": "1457382910",
}


def _at(minutes, seconds=0):
    return START + dt.timedelta(minutes=minutes, seconds=seconds)


@pytest.fixture
def clinic():
    return ClinicFactory(
        name="Lakeside Physical Therapy",
        address="1200 Lakeshore Drive, Suite 310\n\nSpringfield, IL 62704\n",
        phone="217-555-0142",
        npi="1730184529",
        time_zone="America/Chicago",
    )


@pytest.fixture
def payer(clinic):
    return PayerFactory(
        clinic=clinic, name="Medicare Part B", rate_97750=Decimal("31.17")
    )


@pytest.fixture
def patient(clinic, payer):
    patient = PatientFactory(
        clinic=clinic,
        first_name="Maria",
        last_name="Lopez",
        date_of_birth=dt.date(1950, 3, 14),
        mrn="LPT-004217",
        coverage__payer=payer,
        coverage__member_id="1EG4-TE5-MK72",
    )
    # Positions, not creation order, set the order on the note.
    DiagnosisFactory(
        patient=patient, code="R26.81", description="Unsteadiness on feet", position=1
    )
    DiagnosisFactory(
        patient=patient,
        code="Z96.651",
        description="Presence of right artificial knee joint",
        position=0,
    )
    return patient


@pytest.fixture
def clinician(clinic):
    return ClinicianFactory(
        clinic=clinic,
        user__first_name="Rosa",
        user__last_name="Diaz",
        credentials="PT, DPT",
        license_number="070.012345",
        license_state="IL",
        npi="1457382910",
    )


@pytest.fixture
def session(patient, clinician):
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=START,
        ended_at=_at(45),
        reason="Fall risk after a right total knee arthroplasty.",
        interpretation="Gait speed and TUG show an elevated fall risk.\n",
    )
    PerformedTestFactory(
        session=session,
        catalog_code="timed_up_and_go",
        side="na",
        started_at=_at(5),
        ended_at=_at(15),
        trials={"na": ["14.2"]},
        notes="Single-point cane.",
        position=0,
    )
    # Keys in the "wrong" order: the note lists left before right regardless.
    PerformedTestFactory(
        session=session,
        catalog_code="grip_dynamometry",
        side="both",
        started_at=_at(15),
        ended_at=_at(27, 30),
        trials={"right": ["18.2", "19.6", "19.0"], "left": ["22.4", "23.0", "21.8"]},
        position=1,
    )
    SameDayProcedureFactory(session=session, code="97110", minutes=10)
    return session


def _decide(session):
    """Hand the session's facts to billing as signing does; return its decision."""
    return session_billing_refresh(session=session, now=SIGNED_AT).billing_decision


def _build(session, decision):
    return note_context_build(
        session=session, decision=decision, signer=SIGNER, signed_at=SIGNED_AT
    )


def test_prints_clinic_patient_and_visit_in_the_clinic_time_zone(session):
    # given
    decision = _decide(session)
    # when
    note = _build(session, decision)
    # then
    assert note["title"] == "Physical Performance Test Report"
    assert note["cpt"] == "97750"
    assert note["time_zone"] == "America/Chicago"
    assert note["clinic"] == {
        "name": "Lakeside Physical Therapy",
        "address_lines": ["1200 Lakeshore Drive, Suite 310", "Springfield, IL 62704"],
        "phone": "217-555-0142",
        "npi": "1730184529",
        "tax_id": "",
    }
    assert note["patient"] == {
        "name": "Maria Lopez",
        "last_first": "Lopez, Maria",
        "date_of_birth": "03/14/1950",
        "age": 74,
        "sex": "Female",
        "mrn": "LPT-004217",
        "payer": "Medicare Part B",
        "member_id": "1EG4-TE5-MK72",
    }
    assert note["session"] == {
        "date_of_service": "01/15/2025",
        "date_of_service_iso": "2025-01-15",
        "time_in": "09:00:00",
        "time_out": "09:45:00",
        "time_zone": "America/Chicago",
        "discipline": "PT",
        "discipline_label": "Physical therapy",
        "reason": "Fall risk after a right total knee arthroplasty.",
        "interpretation": "Gait speed and TUG show an elevated fall risk.",
        "distinct_service_reason": "",
        # 09:05:00-09:27:30 is 22.5 minutes, floored.
        "total_timed_minutes": 22,
        "total_minutes": 45,
        "performed_by": "Rosa Diaz, PT, DPT",
    }
    assert note["diagnoses"] == [
        {"code": "Z96.651", "description": "Presence of right artificial knee joint"},
        {"code": "R26.81", "description": "Unsteadiness on feet"},
    ]
    assert note["same_day_procedures"] == [
        {"code": "97110", "label": "97110 Therapeutic exercise (timed)", "minutes": 10}
    ]


def test_lists_each_test_with_local_times_trials_and_results_per_side(session):
    # given
    decision = _decide(session)
    # when
    tests = _build(session, decision)["tests"]
    # then: each row also cites its protocol's source (its own test below)
    codes = [test.catalog_code for test in session.tests.all()]
    assert [test.pop("source") for test in tests] == [
        catalog.get(code).source for code in codes
    ]
    assert [test.pop("conditions") for test in tests] == [[] for _code in codes]
    # and its reading against the norms, a side each (test_norms_notes.py)
    assert [test.pop("performed_id") for test in tests] == [
        test.pk for test in session.tests.all()
    ]
    assert [len(test.pop("norms")) for test in tests] == [1, 2]
    assert tests == [
        {
            "number": 1,
            "name": "Timed Up and Go (TUG)",
            "category": "Balance",
            "side": "na",
            "side_label": "Not applicable",
            "start": "09:05:00",
            "end": "09:15:00",
            "minutes": 10,
            "unit": "s",
            "basis": "",
            "trials": [{"side": "na", "label": "", "values": ["14.2"]}],
            "results": [{"side": "na", "label": "", "value": "14.2", "unit": "s"}],
            "has_result": True,
            "notes": "Single-point cane.",
            "battery_reason": "",
        },
        {
            "number": 2,
            "name": "Grip strength (Jamar dynamometer)",
            "category": "Strength",
            "side": "both",
            "side_label": "Both",
            "start": "09:15:00",
            "end": "09:27:30",
            "minutes": 12,
            "unit": "kg",
            "basis": "mean of 3",
            "trials": [
                {"side": "left", "label": "Left", "values": ["22.4", "23.0", "21.8"]},
                {"side": "right", "label": "Right", "values": ["18.2", "19.6", "19.0"]},
            ],
            "results": [
                {"side": "left", "label": "Left", "value": "22.4", "unit": "kg"},
                {"side": "right", "label": "Right", "value": "18.9", "unit": "kg"},
            ],
            "has_result": True,
            "notes": "",
            "battery_reason": "",
        },
    ]


def test_summarises_the_stored_billing_decision(session):
    """The note gives what CMS BPM Ch. 15 §220.3 asks for, matching the decision."""
    # given
    decision = _decide(session)
    # when
    billing = _build(session, decision)["billing"]
    # then
    assert decision.qualifies is True
    assert billing == {
        "cpt": "97750",
        "qualifies": True,
        "statement": "Billable as CPT 97750 × 1 unit with modifier GP",
        "payer": "Medicare Part B",
        "method_label": "CMS 8-minute rule (minutes pooled)",
        "sessions": 1,
        "total_timed_minutes": 32,
        "total_treatment_minutes": 45,
        "arithmetic": decision.outputs["arithmetic"],
        # 97750 first, whatever order the database kept the JSON keys in.
        "codes": [
            {"code": "97750", "minutes": 22, "units": 1},
            {"code": "97110", "minutes": 10, "units": 1},
        ],
        "lines": [
            {"code": "97750", "units": 1, "modifiers": "GP"},
            {"code": "97110", "units": 1, "modifiers": "GP"},
        ],
    }
    assert billing["arithmetic"].startswith("32 timed min")


def test_leaves_money_rules_versions_and_internal_findings_to_the_app(session):
    """Dollar amounts, the rules version and findings are not printed on the note."""
    # given a session without the written report, so there are findings
    TestSession.objects.filter(pk=session.pk).update(interpretation="  ")
    session.refresh_from_db()
    decision = _decide(session)
    assert decision.findings
    # when
    note = _build(session, decision)
    # then
    billing = note["billing"]
    assert billing["qualifies"] is False
    assert billing["statement"] == NOT_BILLABLE == "Not billable as CPT 97750"
    assert billing["lines"] == [{"code": "97110", "units": 1, "modifiers": "GP"}]
    text = json.dumps(note)
    for internal in (
        "expected_payment",
        "charge",
        "rules_version",
        "findings",
        decision.rules_version,
        findings.NO_INTERPRETATION.message,
    ):
        assert internal not in text
    assert note["session"]["interpretation"] == ""


def test_a_patient_without_coverage_has_no_billing_summary(session):
    """No coverage: the decision has no payer, the note no billing and no payer."""
    # given the patient's coverage is removed
    coverage_save(patient=session.patient, data=None)
    decision = _decide(session)
    # when
    note = _build(session, decision)
    # then a decision is stored, with nobody to bill
    assert (decision.payer, decision.qualifies, decision.outputs) == (None, False, {})
    assert note["billing"] is None
    assert (note["patient"]["payer"], note["patient"]["member_id"]) == ("", "")


def test_a_coverage_that_does_not_cover_the_date_of_service_is_not_printed(session):
    """Coverage ended before the visit: no payer, no member ID, no billing summary."""
    # given the coverage ended the day before the date of service
    Coverage.objects.filter(patient=session.patient).update(
        ends_on=dt.date(2025, 1, 14)
    )
    decision = _decide(session)
    # when
    note = _build(session, decision)
    # then
    assert decision.payer is None
    assert note["billing"] is None
    assert (note["patient"]["payer"], note["patient"]["member_id"]) == ("", "")


def test_member_id_is_printed_only_for_the_payer_of_the_decision(session, clinic):
    """The payer comes from the decision; another payer's member ID is not printed."""
    # given a decision billed to Medicare, then the coverage is moved to another
    # payer without recomputing the decision
    decision = _decide(session)
    other = PayerFactory(clinic=clinic, name="Acme Health")
    Coverage.objects.filter(patient=session.patient).update(
        payer=other, member_id="ACME-001"
    )
    # when
    note = _build(session, decision)
    # then
    assert (note["patient"]["payer"], note["patient"]["member_id"]) == (
        "Medicare Part B",
        "",
    )
    assert note["billing"]["payer"] == "Medicare Part B"


def test_signature_block_is_written_in_the_clinic_time_zone(session):
    # given
    decision = _decide(session)
    # when
    note = _build(session, decision)
    # then
    assert note["clinician"] == SIGNER_BLOCK
    assert note["signature"] == {
        **SIGNER_BLOCK,
        "signed_at": "01/15/2025 10:02",
        "time_zone": "America/Chicago",
        "text": (
            "Electronically signed by Rosa Diaz, PT, DPT on 01/15/2025 10:02 "
            "(America/Chicago)"
        ),
    }
    assert note["attestation"] == ATTESTATION


def test_summer_times_use_daylight_saving_time(patient, clinician):
    # given 14:00 UTC in July is 09:00 CDT (UTC-5)
    start = dt.datetime(2025, 7, 1, 14, 0, tzinfo=dt.UTC)
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=30),
    )
    PerformedTestFactory(session=session)
    # when
    note = note_context_build(
        session=session, decision=None, signer=SIGNER, signed_at=start
    )
    # then
    assert note["session"]["time_in"] == "09:00:00"
    assert note["tests"][0]["start"] == "09:05:00"
    assert note["signature"]["signed_at"] == "07/01/2025 09:00"


def test_a_test_without_values_has_no_result(session):
    # given
    test = session.tests.get(catalog_code="timed_up_and_go")
    test.trials = {}
    test.save()
    # when
    entry = _build(session, None)["tests"][0]
    # then
    assert entry["trials"] == []
    assert entry["results"] == []
    assert entry["has_result"] is False
    assert entry["basis"] == ""


def test_context_is_json_safe_and_survives_a_round_trip(session):
    # given
    decision = _decide(session)
    # when
    note = _build(session, decision)
    # then
    assert json.loads(json.dumps(note)) == note


def test_same_database_state_gives_the_same_context(session):
    # given
    _decide(session)
    first = _build(session, BillingDecision.objects.get(sessions=session))
    # when the rows are read again from the database
    again = TestSession.objects.get(pk=session.pk)
    second = _build(again, BillingDecision.objects.get(sessions=again))
    # then
    assert json.dumps(second, sort_keys=False) == json.dumps(first, sort_keys=False)


def test_addendum_entry_carries_its_own_signature_line():
    # given
    signed_at = dt.datetime(2025, 1, 20, 21, 15, tzinfo=dt.UTC)
    # when
    entry = addendum_entry(
        text="  Corrected: TUG done with a single-point cane.\n",
        signer=SIGNER,
        signed_at=signed_at,
        zone="America/Chicago",
        time_format="24",
    )
    # then
    assert entry == {
        "text": "Corrected: TUG done with a single-point cane.",
        "signer": SIGNER_BLOCK,
        "signed_at": "01/20/2025 15:15",
        "time_zone": "America/Chicago",
        "signature_text": (
            "Electronically signed by Rosa Diaz, PT, DPT on 01/20/2025 15:15 "
            "(America/Chicago)"
        ),
    }
    assert json.loads(json.dumps(entry)) == entry


def test_a_signer_without_credentials_is_named_alone():
    # when
    entry = addendum_entry(
        text="Note.",
        signer={"name": "Sam Lee"},
        signed_at=SIGNED_AT,
        zone="UTC",
        time_format="24",
    )
    # then
    assert entry["signature_text"] == (
        "Electronically signed by Sam Lee on 01/15/2025 16:02 (UTC)"
    )
    assert entry["signer"]["license"] == ""


def test_reads_a_fixed_number_of_queries_however_many_tests(
    session, django_assert_num_queries
):
    # given more tests, and the session read afresh
    for position in range(2, 8):
        PerformedTestFactory(session=session, position=position)
    decision = _decide(session)
    fresh = TestSession.objects.get(pk=session.pk)
    # when / then: patient, clinic, tests, the decision's payer, coverage,
    # clinician, user, diagnoses, same-day procedures, and the patient's
    # earlier signed results of these tests (for norms, change and charts)
    with django_assert_num_queries(10):
        note = _build(fresh, decision)
    assert len(note["tests"]) == 8


def test_prints_the_patients_hand_dominance_when_recorded(session):
    """Grip norms are read by dominant hand; it is recorded once, on the patient."""
    # given
    decision = _decide(session)
    assert "hand_dominance" not in _build(session, decision)["patient"]
    session.patient.hand_dominance = "left"
    session.patient.save(update_fields=["hand_dominance"])

    # when
    patient = _build(session, decision)["patient"]

    # then
    assert patient["hand_dominance"] == "Left"


def test_a_hop_battery_prints_each_lsi_and_the_batterys_lowest(session):
    # given
    for code, left, right in (
        ("single_hop_distance", "121.0", "160.0"),
        ("timed_hop_6m", "2.41", "1.98"),
    ):
        PerformedTestFactory(
            session=session,
            catalog_code=code,
            side="both",
            started_at=_at(30),
            ended_at=_at(31),
            trials={"left": [left], "right": [right]},
            details={"conditions": {"involved": "left"}},
        )
    decision = _decide(session)

    # when
    note = _build(session, decision)

    # then distance: involved / uninvolved; timed: uninvolved / involved
    lsi = {t["name"]: t.get("limb_symmetry") for t in note["tests"]}
    assert lsi["Single-leg hop for distance"] == "75.6 %"
    assert lsi["6-metre timed hop"] == "82.2 %"
    assert note["hop_battery_lsi"] == "75.6 %"


def test_a_twelve_hour_clinic_gets_a_twelve_hour_note(session, clinic):
    # given
    clinic.time_format = "12"
    clinic.save()
    session.refresh_from_db()
    # when
    note = _build(session, _decide(session))
    # then: the times in the clinic's zone, written as the clinic reads them
    assert note["time_format"] == "12"
    assert note["session"]["time_in"] == "9:00:00 AM"
    assert note["session"]["time_out"] == "9:45:00 AM"
    assert note["tests"][0]["start"].endswith(" AM")
    assert note["signature"]["signed_at"] == "01/15/2025 10:02 AM"
