"""Every password prompt locks a username out after five wrong passwords (django-axes).

The login, the admin's login and the password re-entered at signing and at an
addendum all count; once locked, the right password is refused too, until the
cool-off passes.
"""

import datetime as dt
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from assessments.models import TestSession
from assessments.notes import signing
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
ADMIN_LOGIN = reverse("admin:login")
WRONG = "not-the-password"
NOW = dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC)


def _fail(client, url, username, times, **extra):
    for _ in range(times):
        client.post(url, {"username": username, "password": WRONG, **extra})


def test_failure_limit_is_five():
    assert settings.AXES_FAILURE_LIMIT == 5


def test_five_wrong_passwords_then_the_right_one_is_refused_at_login(client, clinician):
    # given
    username = clinician.user.username
    _fail(client, LOGIN, username, 5)

    # when
    response = client.post(LOGIN, {"username": username, "password": DEFAULT_PASSWORD})

    # then
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "Too many wrong passwords" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_then_the_right_one_logs_in(client, clinician):
    username = clinician.user.username
    _fail(client, LOGIN, username, 4)

    response = client.post(LOGIN, {"username": username, "password": DEFAULT_PASSWORD})

    assert response.status_code == HTTPStatus.FOUND
    assert client.session["_auth_user_id"] == str(clinician.user.pk)
    # a success forgets the failures
    assert not AccessAttempt.objects.filter(username=username).exists()


def test_lockout_is_per_username_and_ip(client, clinician):
    """Another address may still log in: an attacker cannot lock a clinician out everywhere."""
    username = clinician.user.username
    _fail(client, LOGIN, username, 5)

    response = client.post(
        LOGIN,
        {"username": username, "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="10.0.0.7",
    )

    assert response.status_code == HTTPStatus.FOUND


def test_lockout_ends_after_the_cool_off(client, clinician):
    username = clinician.user.username
    _fail(client, LOGIN, username, 5)
    AccessAttempt.objects.filter(username=username).update(
        attempt_time=dt.datetime.now(tz=dt.UTC)
        - settings.AXES_COOLOFF_TIME
        - dt.timedelta(minutes=1)
    )

    response = client.post(LOGIN, {"username": username, "password": DEFAULT_PASSWORD})

    assert response.status_code == HTTPStatus.FOUND


def test_five_wrong_passwords_then_the_right_one_is_refused_at_admin_login(
    client, clinic_admin
):
    username = clinic_admin.user.username
    _fail(client, ADMIN_LOGIN, username, 5, next="/admin/")

    response = client.post(
        ADMIN_LOGIN,
        {"username": username, "password": DEFAULT_PASSWORD, "next": "/admin/"},
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_at_signing_then_the_right_one_cannot_sign(
    clinician_client, session
):
    # given
    url = reverse("assessments:session-sign", args=[session.uuid])
    for _ in range(4):
        wrong = clinician_client.post(url, {"password": WRONG})
        assert signing.WRONG_PASSWORD in wrong.content.decode()
    clinician_client.post(url, {"password": WRONG})

    # when
    response = clinician_client.post(url, {"password": DEFAULT_PASSWORD})

    # then
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    session.refresh_from_db()
    assert session.status == TestSession.Status.DRAFT
    assert not session.note_versions.exists()


def test_locked_out_at_login_cannot_sign_either(client, clinician, session):
    """The lock is per username and IP, whichever prompt the failures came from."""
    _fail(client, LOGIN, clinician.user.username, 5)
    client.force_login(clinician.user)

    response = client.post(
        reverse("assessments:session-sign", args=[session.uuid]),
        {"password": DEFAULT_PASSWORD},
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    session.refresh_from_db()
    assert session.status == TestSession.Status.DRAFT


def test_five_wrong_passwords_at_an_addendum_then_the_right_one_cannot_add_it(
    clinician_client, session, clinician
):
    # given
    signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    url = reverse("assessments:addendum-create", args=[session.uuid])
    _fail(clinician_client, url, clinician.user.username, 5, text="Late entry.")

    # when
    response = clinician_client.post(
        url, {"text": "Late entry.", "password": DEFAULT_PASSWORD}
    )

    # then
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert session.addenda.count() == 0
    assert session.note_versions.count() == 1


def test_wrong_password_at_signing_is_recorded_against_the_username(
    clinician_client, session, clinician
):
    clinician_client.post(
        reverse("assessments:session-sign", args=[session.uuid]), {"password": WRONG}
    )

    attempt = AccessAttempt.objects.get()
    assert attempt.username == clinician.user.username
    assert attempt.failures_since_start == 1
