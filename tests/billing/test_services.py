"""Stored billing decisions: computed from the session, refreshed on drafts, frozen once signed."""

import datetime as dt
from dataclasses import replace
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import TestSession
from assessments.selectors import session_input_get, visit_facts_get
from assessments.services import session_billing_refresh, session_update
from billing.models import BillingDecision
from billing.services import (
    CoverageInput,
    OutsideAmountInput,
    RateInput,
    coverage_save,
    outside_amounts_set,
    payer_rates_set,
)
from tests.factories import (
    ClinicianFactory,
    PatientFactory,
    PayerFactory,
    PerformedTestFactory,
    SameDayProcedureFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)


def _session(patient, clinician, start, minutes_of_tests):
    """Return a draft session with back-to-back TUG tests of the given minutes."""
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=sum(minutes_of_tests) + 10),
    )
    clock = start
    for minutes in minutes_of_tests:
        PerformedTestFactory(
            session=session,
            started_at=clock,
            ended_at=clock + dt.timedelta(minutes=minutes),
        )
        clock += dt.timedelta(minutes=minutes)
    return session


def _decided(session, now=NOW):
    """Compute the session's decision and return it, read back from the database."""
    session_billing_refresh(session=session, now=now)
    return BillingDecision.objects.get(sessions=session)


def _rate_changed(payer, rate):
    """Change the payer's 97750 rate through its write path, as the admin does."""
    payer_rates_set(payer=payer, rates=[RateInput(code="97750", expected_payment=rate)])


def test_decision_is_stored_with_its_inputs_and_outputs(patient, clinician):
    """A Medicare session's decision is stored with its facts, outputs and visit."""
    # given a Medicare patient's session with 38 minutes of testing
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20, 18])

    # when
    session_billing_refresh(session=session, now=NOW)

    # then
    decision = session.billing_decision
    assert decision.status == BillingDecision.Status.DRAFT
    assert decision.patient == patient
    assert decision.rendering_clinician == clinician
    assert decision.payer == patient.coverage.payer
    assert decision.date_of_service == dt.date(2026, 11, 18)
    assert decision.service_start == NOW - dt.timedelta(days=2)
    assert decision.qualifies is True
    assert decision.units == 3
    assert decision.modifiers == "GP"
    assert decision.expected_payment == Decimal("150.00")
    assert decision.method == "cms_8_minute"
    assert decision.computed_at == NOW
    assert decision.has_blocking_findings is False
    assert decision.inputs["rates"] == {"97750": "50.00"}
    assert len(decision.inputs["visits"][0]["tests"]) == 2
    assert decision.outputs["units_by_code"] == {"97750": 3}
    assert decision.outputs["arithmetic"].startswith("38 timed min")


def test_decision_is_recomputed_when_the_draft_changes(patient, clinician):
    """A changed draft's decision row is recomputed in place, not duplicated."""
    # given a stored decision
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    first = _decided(session)

    # when the clinician records 97110 for 30 minutes the same day
    SameDayProcedureFactory(session=session, code="97110", minutes=30)
    session_billing_refresh(session=session, now=NOW)

    # then the pooled minutes change the units and the row is updated in place
    decision = BillingDecision.objects.get(sessions=session)
    assert decision.pk == first.pk
    assert decision.outputs["units_by_code"] == {"97750": 1, "97110": 2}
    assert BillingDecision.objects.count() == 1


def test_signed_session_keeps_its_decision(patient, clinician):
    """A final decision keeps its figures; refreshing a signed day changes nothing."""
    # given a decision, then the session is signed
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    before = _decided(session)
    mark_signed(session)

    # when the payer's rate changes and a recompute is asked for
    _rate_changed(patient.coverage.payer, Decimal("99.00"))
    session_billing_refresh(session=session, now=NOW + dt.timedelta(hours=1))

    # then nothing changed and no new decision was made
    after = BillingDecision.objects.get(sessions=session)
    assert after.pk == before.pk
    assert after.status == BillingDecision.Status.FINAL
    assert after.expected_payment == Decimal("50.00")
    assert after.inputs["rates"] == {"97750": "50.00"}
    assert after.computed_at == NOW
    assert BillingDecision.objects.count() == 1


def test_patient_without_coverage_has_a_decision_without_payer(clinic, clinician):
    """Without coverage the session still has a decision: no payer, not billable."""
    # given a patient without coverage and a session of theirs
    patient = PatientFactory(clinic=clinic, coverage=None)
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])

    # when
    session_billing_refresh(session=session, now=NOW)

    # then one decision row, with nobody to bill and only the visit's facts
    decision = BillingDecision.objects.get(sessions=session)
    assert decision.patient == patient
    assert decision.rendering_clinician == clinician
    assert decision.payer is None
    assert decision.status == BillingDecision.Status.DRAFT
    assert decision.qualifies is False
    assert decision.has_blocking_findings is False
    assert decision.units == 0
    assert decision.modifiers == ""
    assert decision.expected_payment == Decimal("0.00")
    assert decision.method == ""
    assert decision.outputs == {}
    assert decision.inputs == {
        "date_of_service": "2026-11-18",
        "discipline": "PT",
        "visits": [visit_facts_get(session=session).to_dict()],
    }
    assert decision.computed_at == NOW
    assert str(decision) == "97750: no payer"


def test_assistant_performed_test_blocks_billing(patient, clinician):
    """A test given by a PT assistant blocks 97750 and pays nothing."""
    # given the session's clinician is a PT assistant
    clinician.role = "pta"
    clinician.save()
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [30])

    # when
    decision = _decided(session)

    # then
    assert decision.qualifies is False
    assert decision.has_blocking_findings is True
    assert decision.expected_payment == Decimal("0.00")
    assert "assistant_performed" in [f["code"] for f in decision.blocking_findings]


def _signed(session):
    """Lock the session as signing does; its day's decision is then frozen."""
    _decided(session)
    TestSession.objects.filter(pk=session.pk).update(
        status=TestSession.Status.SIGNED,
        signed_at=session.ended_at,
        signed_by=session.clinician,
    )
    session_billing_refresh(session=session, now=NOW)
    decision = BillingDecision.objects.get(sessions=session)
    assert decision.status == BillingDecision.Status.FINAL
    return decision


def _coverage(payer):
    return CoverageInput(payer=payer, member_id="1EG4TE5MK72")


def _kx_prior(session):
    decision = BillingDecision.objects.get(sessions=session)
    return Decimal(decision.inputs["kx_prior_amount"])


def test_kx_counts_signed_days_of_that_year_only(patient, clinician):
    """What counts toward KX is the patient's signed Medicare therapy earlier that year."""
    # given a signed day last December, a signed day in March, a draft in June
    last_year = _session(
        patient, clinician, dt.datetime(2025, 12, 30, 15, tzinfo=dt.UTC), [30]
    )
    march = _session(
        patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30]
    )
    june = _session(
        patient, clinician, dt.datetime(2026, 6, 1, 15, tzinfo=dt.UTC), [30]
    )
    today = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC), [30]
    )
    _signed(last_year)
    _signed(march)

    # when
    for session in (june, today):
        session_billing_refresh(session=session, now=NOW)

    # then only March's $100.00 counts: not last year's, not the June draft's
    assert _kx_prior(june) == Decimal("100.00")
    assert _kx_prior(today) == Decimal("100.00")


def test_kx_keeps_pt_and_ot_apart_and_adds_what_was_used_elsewhere(
    clinic, patient, clinician
):
    """PT (with speech-language pathology) and OT have separate KX totals."""
    # given a signed PT day, and $1,000 of OT the eligibility response reported
    _signed(
        _session(patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30])
    )
    outside_amounts_set(
        patient=patient,
        amounts=[
            OutsideAmountInput(
                year=2026,
                group="OT",
                amount=Decimal("1000.00"),
                as_of=dt.date(2026, 1, 5),
            )
        ],
    )
    ot = ClinicianFactory(clinic=clinic, role="ot", credentials="OTR/L")
    ot_session = TestSessionFactory(
        patient=patient,
        clinician=ot,
        discipline="OT",
        started_at=dt.datetime(2026, 4, 6, 15, tzinfo=dt.UTC),
        ended_at=dt.datetime(2026, 4, 6, 16, tzinfo=dt.UTC),
    )
    PerformedTestFactory(
        session=ot_session,
        started_at=ot_session.started_at,
        ended_at=ot_session.started_at + dt.timedelta(minutes=30),
    )
    pt_session = _session(
        patient, clinician, dt.datetime(2026, 4, 6, 18, tzinfo=dt.UTC), [30]
    )

    # when
    for session in (ot_session, pt_session):
        session_billing_refresh(session=session, now=NOW)

    # then the OT day counts only OT; the PT day only PT
    assert _kx_prior(ot_session) == Decimal("1000.00")
    assert _kx_prior(pt_session) == Decimal("100.00")
    assert BillingDecision.objects.get(sessions=ot_session).modifiers == "GO"


def test_signing_an_earlier_day_gives_a_later_draft_kx(clinic, clinician):
    """Signing a day recomputes the later drafts, which may then take KX."""
    # given a Medicare payer at $1,200 a unit so two days pass $2,480 in 2026
    payer = PayerFactory(clinic=clinic, rate_97750=Decimal("1200.00"))
    patient = PatientFactory(clinic=clinic, coverage__payer=payer)
    first = _session(
        patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30]
    )
    second = _session(
        patient, clinician, dt.datetime(2026, 4, 6, 15, tzinfo=dt.UTC), [8]
    )
    for session in (first, second):
        session_billing_refresh(session=session, now=NOW)
    assert BillingDecision.objects.get(sessions=second).modifiers == "GP"

    # when the earlier day is signed
    _signed(first)

    # then the first ($2,400) stays under and the second ($3,600) passes
    assert BillingDecision.objects.get(sessions=first).modifiers == "GP"
    assert BillingDecision.objects.get(sessions=second).modifiers == "GP, KX"


def test_two_sessions_on_one_day_share_one_decision(patient, clinician):
    """Two 7-minute sessions of one day earn the unit neither earns alone."""
    # given
    morning = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 14, tzinfo=dt.UTC), [7]
    )
    afternoon = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 20, tzinfo=dt.UTC), [7]
    )

    # when
    session_billing_refresh(session=morning, now=NOW)
    session_billing_refresh(session=afternoon, now=NOW)

    # then
    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert morning.billing_decision_id == afternoon.billing_decision_id
    decision = morning.billing_decision
    assert (decision.units, decision.qualifies) == (1, True)
    assert decision.outputs["minutes_by_code"] == {"97750": 14}
    assert BillingDecision.objects.count() == 1


def test_a_draft_added_to_a_signed_day_supersedes_its_final_decision(
    patient, clinician
):
    """A final decision never changes; the day gets a new draft that replaces it."""
    # given a signed 7-minute session (no unit), then a second one the same day
    morning = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 14, tzinfo=dt.UTC), [7]
    )
    final = _signed(morning)
    afternoon = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 20, tzinfo=dt.UTC), [7]
    )

    # when
    session_billing_refresh(session=afternoon, now=NOW)

    # then
    afternoon.refresh_from_db()
    draft = afternoon.billing_decision
    assert draft.pk != final.pk
    assert draft.supersedes == final
    assert draft.units == 1
    final.refresh_from_db()
    assert (final.status, final.units) == (BillingDecision.Status.FINAL, 0)


def test_moving_a_session_to_another_day_recomputes_both_days(patient, clinician):
    """Only the days a save touches are recomputed: the old day and the new one."""
    # given two sessions on one day sharing a decision
    first = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 14, tzinfo=dt.UTC), [10]
    )
    second = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 20, tzinfo=dt.UTC), [10]
    )
    for session in (first, second):
        session_billing_refresh(session=session, now=NOW)

    # when the second moves to the next day through the session service
    data = session_input_get(session=second)
    moved = dt.timedelta(days=1)
    session_update(
        session=second,
        editor=clinician.user,
        data=replace(
            data,
            started_at=data.started_at + moved,
            ended_at=data.ended_at + moved,
            tests=tuple(
                replace(t, started_at=t.started_at + moved, ended_at=t.ended_at + moved)
                for t in data.tests
            ),
        ),
        now=NOW,
    )

    # then each day has its own decision of 10 minutes
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.billing_decision.outputs["minutes_by_code"] == {"97750": 10}
    assert second.billing_decision.outputs["minutes_by_code"] == {"97750": 10}
    assert first.billing_decision_id != second.billing_decision_id


def test_facts_use_the_clinic_date_and_session_clinician(patient, clinician):
    """The facts take the date in the clinic's zone and the session's clinician."""
    # given a session at 02:30 UTC, which is the evening before in Chicago
    start = dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)
    session = _session(patient, clinician, start, [10])

    # when
    facts = visit_facts_get(session=session)
    decision = _decided(session)

    # then
    assert facts.date_of_service == dt.date(2026, 11, 2)
    assert facts.tests[0].performer_role == "pt"
    assert facts.signer_has_credentials is True
    assert facts.has_interpretation is True
    assert decision.date_of_service == dt.date(2026, 11, 2)
    assert decision.inputs["date_of_service"] == "2026-11-02"
    assert decision.inputs["visits"][0]["date_of_service"] == "2026-11-02"
    assert decision.inputs["payer_kind"] == "medicare"


def test_changing_the_patients_payer_recomputes_drafts(
    clinician_client, patient, clinician
):
    """Moving the patient to another payer on the patient form recomputes the draft."""
    # given a draft decided under Medicare ($50.00 a unit)
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    session_billing_refresh(session=session, now=NOW)
    private = PayerFactory(
        clinic=patient.clinic,
        name="Private",
        kind="commercial",
        rate_97750=Decimal("60.00"),
        method="cpt_midpoint",
    )

    # when the patient form moves the patient to the private payer
    response = clinician_client.post(
        reverse("assessments:patient-update", args=[patient.uuid]),
        {
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "mrn": patient.mrn,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "payer": private.pk,
            "member_id": patient.coverage.member_id,
            "starts_on": "",
            "ends_on": "",
            "diagnoses-TOTAL_FORMS": "0",
            "diagnoses-INITIAL_FORMS": "0",
        },
    )

    # then the draft's decision follows the new payer
    assert response.status_code == HTTPStatus.FOUND
    decision = BillingDecision.objects.get(sessions=session)
    assert (decision.payer, decision.method, decision.expected_payment) == (
        private,
        "cpt_midpoint",
        Decimal("60.00"),
    )


def test_changing_a_payers_rate_recomputes_drafts_not_signed(patient, clinician):
    """payer_save recomputes the payer's drafts; a signed session's decision stays."""
    # given a draft and a signed session of the same Medicare patient
    draft = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    signed = _session(patient, clinician, NOW - dt.timedelta(days=9), [20])
    for session in (signed, draft):
        session_billing_refresh(session=session, now=NOW)
    mark_signed(signed)

    # when the rate goes up
    _rate_changed(patient.coverage.payer, Decimal("55.00"))

    # then only the draft moves
    assert BillingDecision.objects.get(sessions=draft).expected_payment == Decimal(
        "55.00"
    )
    assert BillingDecision.objects.get(sessions=signed).expected_payment == Decimal(
        "50.00"
    )


def _save_queries(patient, clinician, other_days):
    """Return the queries of one save of a draft, with other_days other draft days."""
    first = dt.datetime(2026, 6, 1, 15, tzinfo=dt.UTC)
    for day in range(other_days):
        session_billing_refresh(
            session=_session(patient, clinician, first + dt.timedelta(days=day), [20]),
            now=NOW,
        )
    session = _session(patient, clinician, first + dt.timedelta(days=60), [20])
    session_billing_refresh(session=session, now=NOW)
    data = session_input_get(session=session)
    with CaptureQueriesContext(connection) as queries:
        session_update(session=session, data=data, editor=clinician.user, now=NOW)
    return len(queries)


def test_saving_a_session_does_not_recompute_the_patients_other_days(clinic, clinician):
    """A save costs the same whether the patient has 1 or 12 other draft days."""
    # given / when
    few = _save_queries(PatientFactory(clinic=clinic), clinician, 1)
    many = _save_queries(PatientFactory(clinic=clinic), clinician, 12)
    # then
    assert few == many


def test_kx_leaves_out_days_signed_under_another_payer(patient, clinician):
    """Only Medicare's allowed amounts count toward Medicare's KX threshold."""
    # given a day signed in March while the patient had a commercial payer
    medicare = patient.coverage.payer
    commercial = PayerFactory(
        clinic=patient.clinic, kind="commercial", rate_97750=Decimal("80.00")
    )
    coverage_save(patient=patient, data=_coverage(commercial))
    march = _signed(
        _session(patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30])
    )
    # and a day signed in April back under Medicare
    coverage_save(patient=patient, data=_coverage(medicare))
    _signed(
        _session(patient, clinician, dt.datetime(2026, 4, 6, 15, tzinfo=dt.UTC), [30])
    )
    november = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC), [30]
    )

    # when
    session_billing_refresh(session=november, now=NOW)

    # then April's $100.00 counts, March's commercial $80.00 does not
    assert march.payer == commercial
    assert _kx_prior(november) == Decimal("100.00")


def test_a_retest_is_dated_from_the_last_signed_billed_day(patient, clinician):
    """The retest interval counts from the latest earlier signed day that billed 97750."""
    # given a billed day signed on 2 March, a later draft, and an unbilled signed day
    _signed(
        _session(patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30])
    )
    _session(patient, clinician, dt.datetime(2026, 3, 9, 15, tzinfo=dt.UTC), [30])
    unbilled = _signed(
        _session(patient, clinician, dt.datetime(2026, 3, 16, 15, tzinfo=dt.UTC), [5])
    )
    today = _session(
        patient, clinician, dt.datetime(2026, 3, 23, 15, tzinfo=dt.UTC), [30]
    )

    # when
    decision = _decided(today)

    # then the draft and the 5-minute day (no unit) are not the earlier testing
    assert unbilled.units == 0
    assert decision.inputs["previous_testing_on"] == "2026-03-02"
