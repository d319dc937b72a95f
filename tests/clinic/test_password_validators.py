"""Every place a password is set holds it to AUTH_PASSWORD_VALIDATORS.

The password-change page is tested in test_password_change.py; here the
admin's user forms and createsuperuser, whose --noinput mode Django lets skip
the validators.
"""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WEAK = "12345678"
STRONG = "tidal-orchard-5419"


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_createsuperuser_noinput_refuses_a_weak_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", WEAK)

    with pytest.raises(CommandError, match="This password is too common"):
        call_command(
            "createsuperuser",
            "--noinput",
            "--username",
            "root2",
            "--email",
            "root2@example.com",
        )

    assert not get_user_model().objects.filter(username="root2").exists()


def test_createsuperuser_noinput_refuses_a_password_like_the_username(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "rosalind-diaz")
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "rosalind-diaz")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "rd@example.com")

    with pytest.raises(CommandError, match="too similar to the username"):
        call_command("createsuperuser", "--noinput")


def test_createsuperuser_noinput_takes_a_strong_password(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)

    call_command(
        "createsuperuser",
        "--noinput",
        "--username",
        "root2",
        "--email",
        "root2@example.com",
        verbosity=0,
    )

    assert get_user_model().objects.get(username="root2").check_password(STRONG)


def test_admin_add_user_refuses_a_weak_password(superuser_client):
    response = superuser_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "newcomer",
            "usable_password": "true",
            "password1": WEAK,
            "password2": WEAK,
        },
    )

    assert response.status_code == HTTPStatus.OK
    assert "This password is too common." in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()


def test_admin_set_password_refuses_a_weak_password(superuser_client):
    user = UserFactory()

    response = superuser_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": WEAK, "password2": WEAK},
    )

    assert response.status_code == HTTPStatus.OK
    assert "This password is entirely numeric." in response.content.decode()
    user.refresh_from_db()
    assert not user.check_password(WEAK)
