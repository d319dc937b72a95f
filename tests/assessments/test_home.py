"""The home page: a clinician's worklist, the front office's review queues."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import TestSession
from assessments.services import session_billing_refresh
from assessments.views.home import ROWS_PER_LIST
from assessments.worklist import day_bounds, my_drafts, todays_sessions
from billing.models import BillingDecision, Claim
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _session(patient, clinician, started_at):
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=started_at,
        ended_at=started_at + dt.timedelta(minutes=30),
    )
    PerformedTestFactory(
        session=session,
        started_at=started_at,
        ended_at=started_at + dt.timedelta(minutes=20),
    )
    return session


def _days_ago(days):
    return timezone.now().replace(microsecond=0) - dt.timedelta(days=days)


def test_home_sends_an_anonymous_user_to_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_my_drafts_are_mine_unsigned_and_oldest_first(
    clinician, patient, other_session
):
    newer = _session(patient, clinician, _days_ago(1))
    older = _session(patient, clinician, _days_ago(9))
    mark_signed(_session(patient, clinician, _days_ago(20)))
    _session(patient, ClinicianFactory(clinic=clinician.clinic), _days_ago(30))

    assert list(my_drafts(clinician=clinician)) == [older, newer]


def test_the_worklist_shows_each_drafts_age(clinician_client, clinician, patient):
    _session(patient, clinician, _days_ago(9))

    page = clinician_client.get(reverse("home")).content.decode()

    assert "My unsigned notes" in page
    assert "1\xa0week, 2\xa0days ago" in page


def test_today_is_the_clinics_day_not_utcs():
    # 23:30 in Chicago on Dec 2 is already Dec 3 in UTC
    now = dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC)

    with timezone.override(CHICAGO):
        start, end = day_bounds(now=now)

    assert start == dt.datetime(2026, 12, 2, 0, 0, tzinfo=CHICAGO)
    assert end == dt.datetime(2026, 12, 3, 0, 0, tzinfo=CHICAGO)


def test_todays_sessions_are_the_clinics_of_today_in_time_order(
    clinic, clinician, patient, other_patient, other_clinician
):
    now = dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC)  # Dec 2, 23:30 Chicago
    evening = _session(patient, clinician, dt.datetime(2026, 12, 3, 1, tzinfo=dt.UTC))
    colleague = ClinicianFactory(clinic=clinic)
    morning = _session(patient, colleague, dt.datetime(2026, 12, 2, 15, tzinfo=dt.UTC))
    _session(patient, clinician, dt.datetime(2026, 12, 2, 5, tzinfo=dt.UTC))  # Dec 1
    _session(
        other_patient, other_clinician, dt.datetime(2026, 12, 2, 16, tzinfo=dt.UTC)
    )

    with timezone.override(CHICAGO):
        sessions = list(todays_sessions(clinic=clinic, now=now))

    assert sessions == [morning, evening]


def test_recent_patients_are_those_i_tested_most_recent_first(
    clinician_client, clinician, clinic
):
    first = PatientFactory(clinic=clinic, last_name="Abbott")
    second = PatientFactory(clinic=clinic, last_name="Baker")
    PatientFactory(clinic=clinic, last_name="Untested")
    _session(first, clinician, _days_ago(10))
    _session(second, clinician, _days_ago(5))
    _session(first, clinician, _days_ago(2))

    page = clinician_client.get(reverse("home")).content.decode()
    table = page[page.index('id="recent-patients"') :]

    assert table.index("Abbott") < table.index("Baker")
    assert "Untested" not in table


def test_each_list_pages_on_its_own_and_keeps_the_others_page(
    clinician_client, clinician, patient
):
    for day in range(ROWS_PER_LIST + 2):
        _session(patient, clinician, _days_ago(day + 1))

    first = clinician_client.get(reverse("home")).content.decode()
    second = clinician_client.get(reverse("home"), {"drafts": 2, "patients": 1})

    assert f"Page 1 of 2 · {ROWS_PER_LIST + 2}" in first
    assert "?drafts=2" in first
    drafts = second.context["drafts"].page
    assert (drafts.number, len(drafts)) == (2, 2)
    assert "?drafts=1&amp;patients=1" in second.content.decode()


def test_the_worklist_shows_no_other_clinics_rows(
    clinician_client, other_session, other_patient
):
    page = clinician_client.get(reverse("home")).content.decode()

    assert other_patient.mrn not in page
    assert str(other_session.uuid) not in page


def test_the_worklist_costs_the_same_however_long_its_lists(
    clinician_client, clinician, patient, django_assert_max_num_queries
):
    for day in range(25):
        _session(patient, clinician, _days_ago(day % 3))

    # the session and the user with their clinic (2), the request's savepoint
    # and its release (2), then a count and a page for each of the three lists,
    # and the audit event of the page (lock the chain's head, insert, move the
    # head: 3)
    with django_assert_max_num_queries(2 + 2 + 3 * 2 + 3):
        response = clinician_client.get(reverse("home"))

    assert response.status_code == HTTPStatus.OK


def test_a_clinic_admin_lands_on_the_review_queues(
    clinic_admin_client, clinician, patient, other_session
):
    draft = _session(patient, clinician, _days_ago(1))
    session_billing_refresh(session=draft)
    session_billing_refresh(session=other_session)

    response = clinic_admin_client.get(reverse("home"))

    page = response.content.decode()
    queues = {queue.title: queue for queue in response.context["queues"]}
    assert queues["Sessions awaiting signature"].count == 1
    assert queues["Draft billing decisions"].count == 1
    assert queues["Claims ready to export"].count == 0
    assert BillingDecision.objects.count() == 2  # the other clinic's is not counted
    assert (
        f"{reverse('admin:assessments_testsession_changelist')}?status__exact=draft"
        in page
    )
    assert f"{reverse('admin:billing_claim_changelist')}?status__exact=ready" in page
    assert (
        f"{reverse('admin:billing_billingdecision_changelist')}?status__exact=draft"
        in page
    )
    assert Claim.objects.count() == 0


def test_the_queues_cost_one_count_each(
    clinic_admin_client, django_assert_max_num_queries
):
    # session, user, savepoint and release, then one count per queue, and the
    # audit event of the page (head, insert, head)
    with django_assert_max_num_queries(4 + 4 + 3):
        clinic_admin_client.get(reverse("home"))


def test_the_queue_links_open_for_a_clinic_admin(clinic_admin_client, clinic_admin):
    clinic_admin.user.is_staff = True
    clinic_admin.user.save()
    clinic_admin.user.groups.add(clinic_admin_group_ensure())

    response = clinic_admin_client.get(reverse("home"))

    for queue in response.context["queues"]:
        assert clinic_admin_client.get(queue.url).status_code == HTTPStatus.OK, (
            queue.title
        )


def test_a_user_of_no_clinic_has_no_home(no_clinic_client):
    assert no_clinic_client.get(reverse("home")).status_code == HTTPStatus.NOT_FOUND


def test_a_session_recorded_today_is_on_todays_list(
    clinician_client, clinician, patient
):
    session = _session(patient, clinician, timezone.now().replace(microsecond=0))

    page = clinician_client.get(reverse("home")).content.decode()
    today = page[page.index('id="today"') : page.index('id="recent-patients"')]

    assert session.get_absolute_url() in today
    assert TestSession.objects.count() == 1
