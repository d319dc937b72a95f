"""A clinic that requires a second factor: a TOTP code after the password, or nothing.

With ``Clinic.requires_second_factor`` on, a user without an authenticator app
is sent to set one up, a user with one is asked for its code, wrong codes are
throttled, and no other page (the admin's neither) opens until a right code.
"""

import re
import time
from base64 import b32decode
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.second_factor import TOO_MANY_WRONG_CODES, WRONG_CODE
from clinic.services import clinic_admin_group_ensure
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
SETUP = reverse("second-factor-setup")
VERIFY = reverse("second-factor-verify")
PATIENTS = reverse("assessments:patient-list")
ADMIN = reverse("admin:index")


def _code(device, steps_ahead=0):
    """The code the user's app shows now (or ``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def enforced(clinic):
    clinic.requires_second_factor = True
    clinic.save(update_fields=["requires_second_factor"])
    return clinic


@pytest.fixture
def app_of(enforced):
    """Return ``app_of(user)``: a confirmed authenticator app of the user."""

    def app_of(user):
        return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)

    return app_of


def _log_in(client, user, next_url=PATIENTS):
    return client.post(
        f"{LOGIN}?next={next_url}",
        {"username": user.username, "password": DEFAULT_PASSWORD, "next": next_url},
        follow=True,
    )


def test_off_by_default_so_the_password_is_enough(client, clinician):
    # given a clinic that left the setting alone
    assert clinician.clinic.requires_second_factor is False

    # when
    response = _log_in(client, clinician.user)

    # then
    assert response.redirect_chain == [(PATIENTS, HTTPStatus.FOUND)]
    assert response.status_code == HTTPStatus.OK
    assert not TOTPDevice.objects.exists()


def test_the_setup_page_redirects_home_where_it_is_not_required(clinician_client):
    response = clinician_client.get(SETUP)

    assert response.status_code == HTTPStatus.FOUND
    assert not TOTPDevice.objects.exists()


def test_without_an_app_the_password_leads_to_setup(client, clinician, enforced):
    # when
    response = _log_in(client, clinician.user)

    # then the setup page shows the secret three ways, and nothing else opened
    assert response.redirect_chain[-1][0] == f"{SETUP}?next={PATIENTS}"
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=clinician.user, confirmed=False)
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', body).group(1)
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert "otpauth://totp/Perfnote%3A" in body
    assert 'src="data:image/svg+xml' in body
    assert client.get(PATIENTS).url == f"{SETUP}?next={PATIENTS}"


def test_setup_keeps_its_secret_until_confirmed(clinician_client, enforced):
    clinician_client.get(SETUP)
    clinician_client.get(SETUP)

    assert TOTPDevice.objects.filter(confirmed=False).count() == 1


def test_the_right_code_confirms_the_app_and_opens_the_app(
    clinician_client, clinician, enforced
):
    # given
    clinician_client.get(SETUP)
    device = TOTPDevice.objects.get(user=clinician.user)

    # when
    response = clinician_client.post(
        f"{SETUP}?next={PATIENTS}", {"code": _code(device)}
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == PATIENTS
    device.refresh_from_db()
    assert device.confirmed is True
    assert clinician_client.get(PATIENTS).status_code == HTTPStatus.OK


def test_a_wrong_setup_code_leaves_the_app_unconfirmed(
    clinician_client, clinician, enforced, field_errors
):
    clinician_client.get(SETUP)
    device = TOTPDevice.objects.get(user=clinician.user)

    response = clinician_client.post(SETUP, {"code": _wrong(_code(device))})

    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, "id_code") == [WRONG_CODE]
    device.refresh_from_db()
    assert device.confirmed is False
    assert clinician_client.get(PATIENTS).status_code == HTTPStatus.FOUND


def test_with_an_app_the_password_leads_to_the_code(client, clinician, app_of):
    app_of(clinician.user)

    response = _log_in(client, clinician.user)

    assert response.redirect_chain[-1][0] == f"{VERIFY}?next={PATIENTS}"
    assert "Type your code" in response.content.decode()
    assert client.get(SETUP).url == f"{VERIFY}?next={reverse('home')}"


def test_a_wrong_code_is_refused_and_nothing_opens(
    clinician_client, clinician, app_of, field_errors
):
    device = app_of(clinician.user)

    response = clinician_client.post(VERIFY, {"code": _wrong(_code(device))})

    assert field_errors(response, "id_code") == [WRONG_CODE]
    assert clinician_client.get(PATIENTS).url == f"{VERIFY}?next={PATIENTS}"


def test_the_right_code_opens_the_app_and_goes_on(clinician_client, clinician, app_of):
    device = app_of(clinician.user)

    response = clinician_client.post(
        f"{VERIFY}?next={PATIENTS}", {"code": _code(device)}
    )

    assert response.url == PATIENTS
    assert clinician_client.get(PATIENTS).status_code == HTTPStatus.OK


def test_a_code_is_taken_only_once(client, clinician, app_of, field_errors):
    # given a code used in one session
    device = app_of(clinician.user)
    code = _code(device)
    client.force_login(clinician.user)
    client.post(VERIFY, {"code": code})

    # when it is typed again in another
    client.logout()
    client.force_login(clinician.user)
    response = client.post(VERIFY, {"code": code})

    # then
    assert field_errors(response, "id_code") == [WRONG_CODE]


def test_a_foreign_next_is_not_followed(clinician_client, clinician, app_of):
    device = app_of(clinician.user)

    response = clinician_client.post(
        f"{VERIFY}?next=https://evil.example/", {"code": _code(device)}
    )

    assert response.url == reverse("home")


def test_after_a_wrong_code_even_the_right_one_waits(
    clinician_client, clinician, app_of, field_errors
):
    # given one wrong code
    device = app_of(clinician.user)
    clinician_client.post(VERIFY, {"code": _wrong(_code(device))})

    # when the right one follows at once
    response = clinician_client.post(VERIFY, {"code": _code(device)})

    # then it is refused with the time to wait, and counted
    [error] = field_errors(response, "id_code")
    assert error.startswith(TOO_MANY_WRONG_CODES.split("{")[0])
    assert clinician_client.get(PATIENTS).status_code == HTTPStatus.FOUND
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_each_wrong_code_doubles_the_wait(clinician_client, clinician, app_of):
    # given three wrong codes, each after its wait
    device = app_of(clinician.user)
    for failures in range(3):
        TOTPDevice.objects.filter(pk=device.pk).update(
            throttling_failure_timestamp=None
        )
        clinician_client.post(VERIFY, {"code": _wrong(_code(device))})
        device.refresh_from_db()
        assert device.throttling_failure_count == failures + 1

    # then the next code waits 2**(3-1) = 4 seconds
    allowed, throttle = device.verify_is_allowed()
    assert allowed is False
    wait = throttle["locked_until"] - device.throttling_failure_timestamp
    assert wait.total_seconds() == 4


def test_a_right_code_after_the_wait_resets_the_count(
    clinician_client, clinician, app_of
):
    device = app_of(clinician.user)
    clinician_client.post(VERIFY, {"code": _wrong(_code(device))})
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    response = clinician_client.post(VERIFY, {"code": _code(device)})

    assert response.status_code == HTTPStatus.FOUND
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


@pytest.fixture
def staff_admin(clinic_admin, enforced):
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    return user


def test_the_admin_stays_closed_until_the_code(client, staff_admin, app_of):
    # given a clinic admin who gave their password at the admin's login
    device = app_of(staff_admin)
    response = client.post(
        f"{reverse('admin:login')}?next={ADMIN}",
        {"username": staff_admin.username, "password": DEFAULT_PASSWORD, "next": ADMIN},
    )
    assert client.session["_auth_user_id"] == str(staff_admin.pk)

    # when they ask for any admin page, they are sent to the code
    for url in (ADMIN, reverse("admin:clinic_patient_changelist")):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND
        assert urlsplit(response.url).path == VERIFY
        assert parse_qs(urlsplit(response.url).query)["next"] == [url]

    # then the right code opens the admin
    client.post(f"{VERIFY}?next={ADMIN}", {"code": _code(device)})
    assert client.get(ADMIN).status_code == HTTPStatus.OK


def test_pages_open_to_anyone_stay_open(clinician_client, enforced):
    assert clinician_client.get(reverse("verify")).status_code == HTTPStatus.OK


def test_logout_is_reachable_before_the_code(clinician_client, enforced):
    response = clinician_client.post(reverse("logout"))

    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in clinician_client.session


def test_another_clinics_users_are_not_asked(other_clinician_client, enforced):
    assert other_clinician_client.get(PATIENTS).status_code == HTTPStatus.OK
