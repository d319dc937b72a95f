"""Stored billing decisions: computed from the session, refreshed on drafts, frozen once signed."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.selectors import visit_facts_get
from assessments.services import session_billing_refresh
from billing.models import BillingDecision
from billing.services import DECISION_NOT_DRAFT, PayerInput, payer_save
from tests.factories import (
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
    return BillingDecision.objects.get(session=session)


def _rate_changed(payer, rate):
    """Change the payer's rate through its write path, as the admin does."""
    return payer_save(
        payer=payer,
        clinic=payer.clinic,
        data=PayerInput(
            name=payer.name, kind=payer.kind, rate_97750=rate, method=payer.method
        ),
    )


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
    assert decision.estimated_payment == Decimal("150.00")
    assert decision.method == "cms_8_minute"
    assert decision.computed_at == NOW
    assert decision.has_blocking_findings is False
    assert decision.inputs["rate"] == "50.00"
    assert len(decision.inputs["tests"]) == 2
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
    decision = BillingDecision.objects.get(session=session)
    assert decision.pk == first.pk
    assert decision.outputs["units_by_code"] == {"97750": 1, "97110": 2}
    assert BillingDecision.objects.count() == 1


def test_signed_session_keeps_its_decision(patient, clinician):
    """A final decision keeps its figures; recomputing a signed session is refused."""
    # given a decision, then the session is signed
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])
    before = _decided(session)
    mark_signed(session)

    # when the payer's rate changes and a recompute is asked for
    _rate_changed(patient.coverage.payer, Decimal("99.00"))
    with pytest.raises(ValidationError) as refused:
        session_billing_refresh(session=session, now=NOW + dt.timedelta(hours=1))

    # then the refresh is refused and nothing changed
    assert refused.value.messages == [DECISION_NOT_DRAFT]
    after = BillingDecision.objects.get(session=session)
    assert after.pk == before.pk
    assert after.status == BillingDecision.Status.FINAL
    assert after.estimated_payment == Decimal("50.00")
    assert after.inputs["rate"] == "50.00"
    assert after.computed_at == NOW


def test_patient_without_coverage_has_a_decision_without_payer(clinic, clinician):
    """Without coverage the session still has a decision: no payer, not billable."""
    # given a patient without coverage and a session of theirs
    patient = PatientFactory(clinic=clinic, coverage=None)
    session = _session(patient, clinician, NOW - dt.timedelta(days=2), [20])

    # when
    session_billing_refresh(session=session, now=NOW)

    # then one decision row, with nobody to bill and only the visit's facts
    decision = BillingDecision.objects.get(session=session)
    assert decision.patient == patient
    assert decision.rendering_clinician == clinician
    assert decision.payer is None
    assert decision.status == BillingDecision.Status.DRAFT
    assert decision.qualifies is False
    assert decision.has_blocking_findings is False
    assert decision.units == 0
    assert decision.modifiers == ""
    assert decision.estimated_payment == Decimal("0.00")
    assert decision.method == ""
    assert decision.outputs == {}
    assert decision.inputs == visit_facts_get(session=session).to_dict()
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
    assert decision.estimated_payment == Decimal("0.00")
    assert "assistant_performed" in [f["code"] for f in decision.blocking_findings]


def test_year_to_date_charges_count_only_earlier_sessions_of_that_year(
    patient, clinician
):
    """A decision's year-to-date charges are the patient's earlier payments that year."""
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

    # when
    for session in (last_year, earlier, today):
        session_billing_refresh(session=session, now=NOW)

    # then only the March session's $100.00 counts for November
    def charges(session):
        decision = BillingDecision.objects.get(session=session)
        return Decimal(decision.inputs["year_to_date_charges"])

    assert charges(last_year) == Decimal("0.00")
    assert charges(earlier) == Decimal("0.00")
    assert charges(today) == Decimal("100.00")


def test_kx_is_added_once_the_year_passes_the_threshold(clinic, clinician):
    """Recording an earlier visit recomputes the later draft, which then takes KX."""
    # given a Medicare payer at $1,200 a unit so two sessions pass $2,480 in 2026
    payer = PayerFactory(clinic=clinic, rate_97750=Decimal("1200.00"))
    patient = PatientFactory(clinic=clinic, coverage__payer=payer)
    first = _session(
        patient, clinician, dt.datetime(2026, 3, 2, 15, tzinfo=dt.UTC), [30]
    )
    second = _session(
        patient, clinician, dt.datetime(2026, 4, 6, 15, tzinfo=dt.UTC), [8]
    )
    session_billing_refresh(session=second, now=NOW)
    assert BillingDecision.objects.get(session=second).modifiers == "GP"

    # when the earlier session is recorded after it
    session_billing_refresh(session=first, now=NOW)

    # then the first ($2,400) stays under and the second ($3,600) passes
    assert BillingDecision.objects.get(session=first).modifiers == "GP"
    assert BillingDecision.objects.get(session=second).modifiers == "GP, KX"


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
    decision = BillingDecision.objects.get(session=session)
    assert (decision.payer, decision.method, decision.estimated_payment) == (
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
    assert BillingDecision.objects.get(session=draft).estimated_payment == Decimal(
        "55.00"
    )
    assert BillingDecision.objects.get(session=signed).estimated_payment == Decimal(
        "50.00"
    )
