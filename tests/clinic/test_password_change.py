"""A signed-in user changes their own password; the validators and the lock-out apply."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from clinic.views import PASSWORD_CHANGED
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

URL = reverse("password-change")
NEW = "Quadriceps-lag-2026"


def _change(client, old, new1, new2=None):
    return client.post(
        URL,
        {"old_password": old, "new_password1": new1, "new_password2": new2 or new1},
        follow=True,
    )


def test_navbar_links_the_page(clinician_client):
    page = clinician_client.get(reverse("assessments:patient-list"))

    assert f'href="{URL}"' in page.content.decode()


def test_password_is_changed_and_the_user_stays_signed_in(clinician_client, clinician):
    response = _change(clinician_client, DEFAULT_PASSWORD, NEW)

    assert PASSWORD_CHANGED in response.content.decode()
    clinician.user.refresh_from_db()
    assert clinician.user.check_password(NEW)
    assert clinician_client.get(URL).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("short1", "This password is too short"),
        ("password123", "This password is too common"),
        ("83920174659", "This password is entirely numeric"),
    ],
)
def test_password_validators_apply(
    clinician_client, clinician, field_errors, new, message
):
    response = _change(clinician_client, DEFAULT_PASSWORD, new)

    assert any(message in error for error in field_errors(response, "id_new_password2"))
    clinician.user.refresh_from_db()
    assert clinician.user.check_password(DEFAULT_PASSWORD)


def test_password_like_the_username_is_refused(
    clinician_client, clinician, field_errors
):
    response = _change(
        clinician_client, DEFAULT_PASSWORD, clinician.user.username + "x"
    )

    assert any(
        "too similar" in error for error in field_errors(response, "id_new_password2")
    )


def test_wrong_old_password_is_refused(clinician_client, clinician, field_errors):
    response = _change(clinician_client, "not-it", NEW)

    assert field_errors(response, "id_old_password")
    clinician.user.refresh_from_db()
    assert clinician.user.check_password(DEFAULT_PASSWORD)


def test_five_wrong_old_passwords_lock_the_page(clinician_client, clinician):
    for _ in range(5):
        _change(clinician_client, "not-it", NEW)

    response = clinician_client.post(
        URL,
        {"old_password": DEFAULT_PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )

    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    clinician.user.refresh_from_db()
    assert clinician.user.check_password(DEFAULT_PASSWORD)


def test_admin_password_change_leads_to_the_page(clinic_admin_client):
    response = clinic_admin_client.get(reverse("admin:password_change"))

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == URL


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("login"))
