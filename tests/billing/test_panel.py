"""The session page's billing panel: decision, findings, and all three methods side by side."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.services import session_billing_refresh
from billing.models import BillingDecision
from billing.selectors import DecisionPanel, decision_panel_get
from billing.services import RateInput, payer_rates_set
from tests.factories import (
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db


def _yesterday_in_chicago():
    """The factories' clinic is in Chicago; yesterday there is always in the past."""
    return timezone.localdate(
        timezone=zoneinfo.ZoneInfo("America/Chicago")
    ) - dt.timedelta(days=1)


def _post_data(day, **overrides):
    data = {
        "date": day.isoformat(),
        "time_in": "09:00",
        "time_out": "09:45",
        "discipline": "PT",
        "reason": "Fall risk.",
        "interpretation": "TUG above the STEADI cut-off.",
        "tests-TOTAL_FORMS": "1",
        "tests-INITIAL_FORMS": "0",
        "tests-0-catalog_code": "timed_up_and_go",
        "tests-0-side": "na",
        "tests-0-start": "09:05",
        "tests-0-stop": "09:25",
        "tests-0-trial_1": "13.1",
        "procedures-TOTAL_FORMS": "1",
        "procedures-INITIAL_FORMS": "0",
        "procedures-0-code": "97161",
        "procedures-0-minutes": "",
    }
    data.update(overrides)
    return data


def _session_of_25_minutes(patient, clinician):
    """Return a draft 40-minute session with 25 minutes of testing, decided."""
    start = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=40),
    )
    PerformedTestFactory(
        session=session, started_at=start, ended_at=start + dt.timedelta(minutes=25)
    )
    return session_billing_refresh(session=session)


def test_saving_a_session_computes_its_decision(clinician_client, patient):
    """Saving a session stores its decision, with the same-day evaluation checked."""
    # given yesterday in the clinic's zone
    day = _yesterday_in_chicago()

    # when a session with a same-day PT evaluation is saved
    response = clinician_client.post(
        reverse("assessments:session-create", args=[patient.uuid]), _post_data(day)
    )

    # then the decision exists, with the NCCI warning and the evaluation not pooled
    assert response.status_code == HTTPStatus.FOUND
    decision = BillingDecision.objects.get(sessions__patient=patient)
    assert decision.units == 1
    assert decision.outputs["units_by_code"] == {"97750": 1}
    codes = [finding["code"] for finding in decision.findings]
    assert "same_day_evaluation" in codes
    assert decision.inputs["visits"][0]["other_procedures"] == [
        {"code": "97161", "minutes": 0}
    ]


def test_timed_procedure_needs_minutes(clinician_client, patient, field_errors):
    """A timed procedure without minutes is refused next to its minutes; nothing stored."""
    day = _yesterday_in_chicago()

    # when 97110 is listed without minutes
    response = clinician_client.post(
        reverse("assessments:session-create", args=[patient.uuid]),
        _post_data(day, **{"procedures-0-code": "97110"}),
    )

    # then the form comes back with the message next to the minutes
    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, "id_procedures-0-minutes") == [
        "Give the direct minutes of this timed procedure."
    ]
    assert BillingDecision.objects.exists() is False


def test_panel_shows_decision_and_three_methods(clinician_client, patient, clinician):
    """The panel shows the decision and each counting method, the payer's marked."""
    # given a 25-minute session, decided under the patient's CMS payer
    session = _session_of_25_minutes(patient, clinician)

    # when
    response = clinician_client.get(session.get_absolute_url())

    # then
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Qualifies: 97750 × 2" in page
    assert "$100.00" in page
    panel = response.context["billing"]
    assert panel.decision == session.billing_decision
    assert [(row.method, row.decision.units) for row in panel.comparison] == [
        ("cms_8_minute", 2),
        ("cpt_midpoint", 2),
        ("whole_units", 1),
    ]
    assert [row.is_payer_method for row in panel.comparison] == [True, False, False]
    assert [row.label for row in panel.comparison] == [
        "CMS 8-minute rule (minutes pooled)",
        "CPT midpoint rule (each code on its own)",
        "Whole units only (15 minutes per unit)",
    ]


def test_panel_of_a_signed_session_replays_the_facts_it_was_signed_with(
    patient, clinician
):
    """A final decision's panel compares methods at the rate stored when it was signed."""
    # given a signed 25-minute session, then the payer's rate changes
    session = _session_of_25_minutes(patient, clinician)
    mark_signed(session)
    payer_rates_set(
        payer=patient.coverage.payer,
        rates=[RateInput(code="97750", expected_payment=Decimal("99.00"))],
    )

    # when
    panel = decision_panel_get(decision=session.billing_decision)

    # then every method is priced at the stored $50.00 a unit
    assert isinstance(panel, DecisionPanel)
    assert [
        (row.method, row.decision.expected_payment) for row in panel.comparison
    ] == [
        ("cms_8_minute", Decimal("100.00")),
        ("cpt_midpoint", Decimal("100.00")),
        ("whole_units", Decimal("50.00")),
    ]


def test_panel_is_none_without_decision_or_payer(clinic, clinician):
    """decision_panel_get gives None for no decision and for a decision without payer."""
    # given a decided session of a patient without coverage
    patient = PatientFactory(clinic=clinic, coverage=None)
    session = _session_of_25_minutes(patient, clinician)

    # when / then
    assert decision_panel_get(decision=None) is None
    assert session.billing_decision.payer is None
    assert decision_panel_get(decision=session.billing_decision) is None


@pytest.mark.parametrize(
    ("signed", "message"),
    [
        (False, "No billing decision: no payer covers Maria Lopez on this date"),
        (
            True,
            "No billing decision: no payer covered Maria Lopez on this date of "
            "service when the note was signed, so it is not billed.",
        ),
    ],
    ids=["draft", "signed"],
)
def test_panel_without_payer_says_so(
    clinician_client, clinic, clinician, signed, message
):
    """Without a payer on the date of service the panel says so, draft or signed."""
    # given a decided session of a patient without coverage
    patient = PatientFactory(
        clinic=clinic, first_name="Maria", last_name="Lopez", coverage=None
    )
    session = _session_of_25_minutes(patient, clinician)
    if signed:
        mark_signed(session)

    # when
    response = clinician_client.get(session.get_absolute_url())

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["billing"] is None
    assert message in response.content.decode()
