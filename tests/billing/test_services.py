"""Stored billing decisions: computed from the session, refreshed on drafts, frozen once signed."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from billing.models import BillingDecision, Payer, SameDayService
from billing.selectors import session_facts_get, year_to_date_charges
from billing.services import (
    decision_compute,
    patient_decisions_refresh,
    payer_decisions_refresh,
)
from tests.factories import (
    PatientFactory,
    PayerFactory,
    PerformedTestFactory,
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


def test_decision_is_stored_with_its_inputs_and_outputs(patient, clinician):
    # given a Medicare patient's session with 38 minutes of testing
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20, 18])

    # when
    decision = decision_compute(session=session, now=NOW)

    # then
    assert decision.qualifies is True
    assert decision.units == 3
    assert decision.modifiers == "GP"
    assert decision.estimated_payment == Decimal("150.00")
    assert decision.method == "cms_8_minute"
    assert decision.computed_at == NOW
    assert decision.has_blocking_findings is False
    assert decision.inputs["rate"] == "50.00"
    assert len(decision.inputs["tests"]) == 2
    assert decision.outputs["units_by_code"] == {"97750": 3}
    assert decision.outputs["arithmetic"].startswith("38 timed min")


def test_decision_is_recomputed_when_the_draft_changes(patient, clinician):
    # given a stored decision
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    decision_compute(session=session, now=NOW)

    # when the clinician records 97110 for 30 minutes the same day
    SameDayService.objects.create(session=session, code="97110", minutes=30)
    decision_compute(session=session, now=NOW)

    # then the pooled minutes change the units and the row is updated in place
    decision = BillingDecision.objects.get(session=session)
    assert decision.outputs["units_by_code"] == {"97750": 1, "97110": 2}
    assert BillingDecision.objects.count() == 1


def test_signed_session_keeps_its_decision(patient, clinician):
    # given a decision, then the session is signed
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    before = decision_compute(session=session, now=NOW)
    mark_signed(session)

    # when the payer's rate changes and a recompute is asked for
    Payer.objects.filter(pk=patient.payer.pk).update(rate_97750=Decimal("99.00"))
    after = decision_compute(session=session, now=NOW + dt.timedelta(hours=1))

    # then nothing changed
    assert after.pk == before.pk
    assert after.estimated_payment == Decimal("50.00")
    assert after.computed_at == NOW


def test_patient_without_payer_has_no_decision(clinic, clinician):
    # given a stored decision, then the patient's payer is removed
    patient = PatientFactory(clinic=clinic)
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    decision_compute(session=session, now=NOW)
    patient.payer = None
    patient.save()
    session.refresh_from_db()

    # when
    result = decision_compute(session=session, now=NOW)

    # then
    assert result is None
    assert BillingDecision.objects.filter(session=session).exists() is False


def test_assistant_performed_test_blocks_billing(patient, clinician):
    # given the session's clinician is a PT assistant
    clinician.role = "pta"
    clinician.save()
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [30])

    # when
    decision = decision_compute(session=session, now=NOW)

    # then
    assert decision.qualifies is False
    assert decision.has_blocking_findings is True
    assert decision.estimated_payment == Decimal("0.00")
    assert "assistant_performed" in [f["code"] for f in decision.blocking_findings]


def test_year_to_date_charges_count_only_earlier_sessions_of_that_year(
    patient, clinician
):
    # given three sessions: last December, earlier this year, and today
    last_year = _session(
        patient, clinician, dt.datetime(2025, 12, 30, 15, tzinfo=dt.UTC), [30]
    )
    earlier = _session(
        patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30]
    )
    today = _session(
        patient, clinician, dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC), [30]
    )
    for session in (last_year, earlier, today):
        decision_compute(session=session, now=NOW)

    # when / then: only the March session's $100.00 counts for November
    assert year_to_date_charges(today, dt.date(2026, 11, 2)) == Decimal("100.00")
    assert year_to_date_charges(earlier, dt.date(2026, 3, 2)) == Decimal("0.00")


def test_kx_is_added_once_the_year_passes_the_threshold(clinic, clinician):
    # given a Medicare payer at $1,200 a unit so two sessions pass $2,480 in 2026
    payer = PayerFactory(clinic=clinic, rate_97750=Decimal("1200.00"))
    patient = PatientFactory(clinic=clinic, payer=payer)
    first = _session(
        patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30]
    )
    second = _session(
        patient, clinician, dt.datetime(2026, 4, 6, 15, tzinfo=dt.UTC), [8]
    )

    # when all drafts are refreshed oldest first
    patient_decisions_refresh(patient=patient, now=NOW)

    # then the first ($2,400) stays under and the second ($3,600) passes
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.billing_decision.modifiers == "GP"
    assert second.billing_decision.modifiers == "GP, KX"


def test_facts_use_the_clinic_date_and_session_clinician(patient, clinician):
    # given a session at 02:30 UTC, which is the evening before in Chicago
    start = dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)
    session = _session(patient, clinician, start, [10])

    # when
    facts = session_facts_get(session=session)

    # then
    assert facts.date_of_service == dt.date(2026, 11, 2)
    assert facts.tests[0].performer_role == "pt"
    assert facts.signer_has_credentials is True
    assert facts.has_interpretation is True
    assert facts.payer_kind == "medicare"


def test_changing_the_patients_payer_recomputes_drafts(
    clinician_client, patient, clinician
):
    # given a draft decided under Medicare ($50.00 a unit)
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    decision_compute(session=session, now=NOW)
    private = PayerFactory(
        clinic=patient.clinic,
        name="Private",
        kind="commercial",
        rate_97750=Decimal("60.00"),
        method="cpt_midpoint",
    )

    # when the patient form moves the patient to the private payer
    response = clinician_client.post(
        reverse("clinic:patient-update", args=[patient.uuid]),
        {
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "mrn": patient.mrn,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "payer": private.pk,
            "member_id": patient.member_id,
            "diagnoses-TOTAL_FORMS": "0",
            "diagnoses-INITIAL_FORMS": "0",
        },
    )

    # then the draft's decision follows the new payer
    assert response.status_code == HTTPStatus.FOUND
    decision = BillingDecision.objects.get(session=session)
    assert (decision.method, decision.estimated_payment) == (
        "cpt_midpoint",
        Decimal("60.00"),
    )


def test_changing_a_payers_rate_recomputes_drafts_not_signed(patient, clinician):
    # given a draft and a signed session of the same Medicare patient
    draft = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    signed = _session(patient, clinician, NOW - dt.timedelta(days=9), [20])
    patient_decisions_refresh(patient=patient, now=NOW)
    mark_signed(signed)

    # when the rate goes up
    payer = patient.payer
    payer.rate_97750 = Decimal("55.00")
    payer.save()
    payer_decisions_refresh(payer=payer, now=NOW)

    # then only the draft moves
    assert BillingDecision.objects.get(session=draft).estimated_payment == Decimal(
        "55.00"
    )
    assert BillingDecision.objects.get(session=signed).estimated_payment == Decimal(
        "50.00"
    )
