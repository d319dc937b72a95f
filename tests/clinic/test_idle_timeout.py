"""A signed-in user is logged out after their clinic's idle timeout, warned before it."""

import time
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.middleware import IDLE_LOGGED_OUT, LAST_ACTIVITY_KEY
from tests.factories import ClinicFactory

pytestmark = pytest.mark.django_db

PATIENTS = reverse("assessments:patient-list")
STATUS = reverse("session-status")


def _idle_for(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_default_is_fifteen_minutes():
    assert ClinicFactory.build().idle_timeout_minutes == 15


@pytest.mark.parametrize("minutes", [1, 721])
def test_timeout_outside_2_to_720_minutes_is_refused(minutes):
    clinic = ClinicFactory.build(idle_timeout_minutes=minutes)

    with pytest.raises(ValidationError) as error:
        clinic.full_clean()

    assert "idle_timeout_minutes" in error.value.message_dict


def test_login_starts_the_clock(clinician_client):
    assert abs(clinician_client.session[LAST_ACTIVITY_KEY] - time.time()) < 5


def test_idle_for_the_timeout_logs_out(clinician_client):
    # given
    _idle_for(clinician_client, 15 * 60)

    # when
    response = clinician_client.get(PATIENTS, follow=True)

    # then
    assert response.redirect_chain[0][0].startswith(reverse("login"))
    assert IDLE_LOGGED_OUT.format(minutes=15) in response.content.decode()
    assert "_auth_user_id" not in clinician_client.session


def test_idle_just_under_the_timeout_stays_signed_in(clinician_client):
    _idle_for(clinician_client, 15 * 60 - 5)

    response = clinician_client.get(PATIENTS)

    assert response.status_code == HTTPStatus.OK
    # and the request restarted the clock
    assert abs(clinician_client.session[LAST_ACTIVITY_KEY] - time.time()) < 5


def test_clinic_setting_is_used(client, clinician):
    clinician.clinic.idle_timeout_minutes = 5
    clinician.clinic.save()
    client.force_login(clinician.user)
    _idle_for(client, 5 * 60)

    response = client.get(PATIENTS)

    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


def test_clinic_admin_times_out_too(clinic_admin_client):
    _idle_for(clinic_admin_client, 15 * 60)

    response = clinic_admin_client.get(reverse("admin:index"))

    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in clinic_admin_client.session


def test_page_carries_the_warning_and_its_script(clinician_client):
    page = clinician_client.get(PATIENTS).content.decode()

    assert 'data-idle-timeout="900"' in page
    assert 'id="idle-warning"' in page
    assert "js/idle-timeout.js" in page


def test_login_page_has_no_idle_warning(client):
    page = client.get(reverse("login")).content.decode()

    assert "idle-timeout.js" not in page


def test_status_check_does_not_restart_the_clock(clinician_client):
    _idle_for(clinician_client, 10 * 60)

    response = clinician_client.get(STATUS)

    assert 295 <= response.json()["seconds_left"] <= 300
    assert time.time() - clinician_client.session[LAST_ACTIVITY_KEY] >= 10 * 60 - 5


def test_stay_signed_in_restarts_the_clock(clinician_client):
    _idle_for(clinician_client, 14 * 60)

    response = clinician_client.post(STATUS)

    assert response.json() == {"seconds_left": 900}
    assert abs(clinician_client.session[LAST_ACTIVITY_KEY] - time.time()) < 5


def test_status_after_the_timeout_is_zero_and_logged_out(clinician_client):
    _idle_for(clinician_client, 16 * 60)

    response = clinician_client.get(STATUS)

    assert response.json() == {"seconds_left": 0}
    assert "_auth_user_id" not in clinician_client.session
