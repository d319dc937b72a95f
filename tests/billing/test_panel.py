"""The session page's billing panel: decision, findings, and all three methods side by side."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import BillingDecision
from billing.services import decision_compute
from tests.factories import PerformedTestFactory, TestSessionFactory

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
        "services-TOTAL_FORMS": "1",
        "services-INITIAL_FORMS": "0",
        "services-0-code": "97161",
        "services-0-minutes": "",
    }
    data.update(overrides)
    return data


def test_saving_a_session_computes_its_decision(clinician_client, patient):
    # given yesterday in the clinic's zone
    day = _yesterday_in_chicago()

    # when a session with a same-day PT evaluation is saved
    response = clinician_client.post(
        reverse("assessments:session-create", args=[patient.uuid]), _post_data(day)
    )

    # then the decision exists, with the NCCI warning and the evaluation not pooled
    assert response.status_code == HTTPStatus.FOUND
    decision = BillingDecision.objects.get(session__patient=patient)
    assert decision.units == 1
    assert decision.outputs["units_by_code"] == {"97750": 1}
    codes = [finding["code"] for finding in decision.findings]
    assert "same_day_evaluation" in codes
    assert decision.inputs["other_services"] == [{"code": "97161", "minutes": 0}]


def test_timed_service_needs_minutes(clinician_client, patient):
    day = _yesterday_in_chicago()

    # when 97110 is listed without minutes
    response = clinician_client.post(
        reverse("assessments:session-create", args=[patient.uuid]),
        _post_data(day, **{"services-0-code": "97110"}),
    )

    # then the form comes back with the message next to the minutes
    assert response.status_code == HTTPStatus.OK
    assert "Give the direct minutes of this timed service." in response.content.decode()
    assert BillingDecision.objects.exists() is False


def test_panel_shows_decision_and_three_methods(clinician_client, patient, clinician):
    # given a 25-minute session, decided under the patient's CMS payer
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
    decision_compute(session=session)

    # when
    response = clinician_client.get(session.get_absolute_url())

    # then
    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Qualifies: 97750 × 2" in page
    assert "$100.00" in page
    comparison = response.context["billing"]["comparison"]
    assert [(row["method"], row["decision"].units) for row in comparison] == [
        ("cms_8_minute", 2),
        ("cpt_midpoint", 2),
        ("whole_units", 1),
    ]
    assert [row["is_payer_method"] for row in comparison] == [True, False, False]


def test_panel_without_payer_says_so(clinician_client, session):
    # given no decision was stored (the patient's payer is removed)
    session.patient.payer = None
    session.patient.save()

    # when
    response = clinician_client.get(session.get_absolute_url())

    # then
    assert "has no primary payer" in response.content.decode()
