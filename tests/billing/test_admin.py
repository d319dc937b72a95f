"""The billing review list in the admin: scoped, filtered, read-only, and its CSV."""

import csv
import datetime as dt
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.claims import CLAIM_COLUMNS
from billing.models import BillingDecision
from billing.services import decision_compute
from clinic.admin_scoping import clinic_admin_group_ensure
from tests.factories import (
    ClinicianFactory,
    DiagnosisFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:billing_billingdecision_changelist")
START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago


@pytest.fixture
def front_office_client(client, clinic_admin):
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)
    return client


def _decided_session(patient, clinician, minutes, start=START):
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes + 5),
    )
    PerformedTestFactory(
        session=session,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=minutes),
    )
    decision_compute(session=session)
    return session


def test_list_shows_only_own_clinic(front_office_client, session, other_session):
    # given decisions in both clinics
    decision_compute(session=session)
    decision_compute(session=other_session)

    # when
    response = front_office_client.get(CHANGELIST)

    # then
    assert response.status_code == HTTPStatus.OK
    shown = list(response.context["cl"].result_list)
    assert shown == [session.billing_decision]


def test_filter_by_qualifies_and_search_by_mrn(front_office_client, clinic, clinician):
    # given a billable 30-minute session and a 5-minute one that is not
    patient = PatientFactory(clinic=clinic, mrn="RV-1001")
    billable = _decided_session(patient, clinician, 30)
    short = _decided_session(PatientFactory(clinic=clinic), clinician, 5)

    # when / then
    not_billable = front_office_client.get(CHANGELIST, {"qualifies__exact": "0"})
    assert list(not_billable.context["cl"].result_list) == [short.billing_decision]
    blocked = front_office_client.get(CHANGELIST, {"has_blocking_findings__exact": "1"})
    assert list(blocked.context["cl"].result_list) == [short.billing_decision]
    found = front_office_client.get(CHANGELIST, {"q": "RV-1001"})
    assert list(found.context["cl"].result_list) == [billable.billing_decision]


def test_list_query_count_does_not_grow(front_office_client, clinic):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = front_office_client.get(CHANGELIST)
        assert response.status_code == HTTPStatus.OK
        return len(queries)

    # given one decided session
    clinician = ClinicianFactory(clinic=clinic)
    _decided_session(PatientFactory(clinic=clinic), clinician, 30)
    one = count_queries()

    # when 14 more sessions of other patients are decided
    for day in range(1, 15):
        _decided_session(
            PatientFactory(clinic=clinic),
            clinician,
            30,
            start=START - dt.timedelta(days=day),
        )

    # then the list issues the same number of queries
    assert count_queries() == one


def test_decisions_are_read_only(front_office_client, session):
    decision = decision_compute(session=session)

    # when the change page is opened and a delete is tried
    page = front_office_client.get(
        reverse("admin:billing_billingdecision_change", args=[decision.pk])
    )
    delete = front_office_client.post(
        reverse("admin:billing_billingdecision_delete", args=[decision.pk]),
        {"post": "yes"},
    )

    # then it shows but cannot be deleted
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert BillingDecision.objects.filter(pk=decision.pk).exists() is True


def test_claim_lines_csv(front_office_client, clinic):
    # given a billable session with two diagnoses and one that does not qualify
    clinician = ClinicianFactory(
        clinic=clinic,
        user__first_name="Dana",
        user__last_name="Reyes",
        credentials="PT, DPT",
        npi="1457389201",
    )
    patient = PatientFactory(
        clinic=clinic,
        mrn="RV-2002",
        first_name="Rosa",
        last_name="Alvarez",
        member_id="1EG4-TE5-MK72",
        payer__name="Medicare",
        payer__clinic=clinic,
    )
    DiagnosisFactory(patient=patient, code="R26.81", description="Unsteady", position=0)
    DiagnosisFactory(patient=patient, code="Z91.81", description="Falls", position=1)
    billable = _decided_session(patient, clinician, 38)
    short = _decided_session(PatientFactory(clinic=clinic), clinician, 5)

    # when both are selected for download
    response = front_office_client.post(
        CHANGELIST,
        {
            "action": "download_claim_lines",
            "_selected_action": [
                billable.billing_decision.pk,
                short.billing_decision.pk,
            ],
        },
    )

    # then one line, for the billable session, with the stored figures
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert list(rows[0]) == CLAIM_COLUMNS
    assert rows == [
        {
            "date_of_service": "2026-11-02",
            "patient": "Alvarez, Rosa",
            "mrn": "RV-2002",
            "payer": "Medicare",
            "member_id": "1EG4-TE5-MK72",
            "cpt": "97750",
            "modifiers": "GP",
            "units": "3",
            "charge": "150.00",
            "rendering_clinician": "Dana Reyes, PT, DPT",
            "rendering_npi": "1457389201",
            "icd10_codes": "R26.81;Z91.81",
        }
    ]
    assert billable.billing_decision.estimated_payment == Decimal("150.00")


def test_claim_lines_with_nothing_billable_download_nothing(
    front_office_client, clinic
):
    clinician = ClinicianFactory(clinic=clinic)
    short = _decided_session(PatientFactory(clinic=clinic), clinician, 5)

    response = front_office_client.post(
        CHANGELIST,
        {
            "action": "download_claim_lines",
            "_selected_action": [short.billing_decision.pk],
        },
        follow=True,
    )

    assert response.status_code == HTTPStatus.OK
    assert "do not qualify for 97750" in response.content.decode()
