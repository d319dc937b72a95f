"""A signed-in request loads the user with their clinic: two queries, then the view."""

from http import HTTPStatus

import pytest
from django.contrib.auth import get_user
from django.test import RequestFactory
from django.urls import reverse

pytestmark = pytest.mark.django_db

PING = reverse("ping")


def test_anonymous_ping_makes_no_query(client, django_assert_num_queries):
    # when
    with django_assert_num_queries(0):
        response = client.get(PING)

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.content == b"ok"


@pytest.mark.parametrize("actor", ["clinician", "clinic admin"])
def test_signed_in_request_costs_two_queries(
    client, user_of, actor, django_assert_num_queries
):
    """Session and user (joined with the clinician or clinic admin and the clinic)."""
    # given
    client.force_login(user_of(actor))

    # when the middleware activates the clinic's time zone
    with django_assert_num_queries(2):
        response = client.get(PING)

    # then
    assert response.status_code == HTTPStatus.OK


def test_user_comes_with_their_clinic(client, clinician, django_assert_num_queries):
    # given
    client.force_login(clinician.user)
    request = RequestFactory().get(PING)
    request.session = client.session

    # when: the session, then the user with their clinician and clinic
    with django_assert_num_queries(2):
        user = get_user(request)
        clinic = user.clinician.clinic

    # then
    assert clinic == clinician.clinic


def test_deactivated_user_is_signed_out(client, clinician):
    # given
    client.force_login(clinician.user)
    clinician.user.is_active = False
    clinician.user.save()

    # when
    response = client.get(reverse("assessments:patient-list"))

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))
