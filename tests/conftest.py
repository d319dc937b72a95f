"""Shared fixtures: the actors of every access test, and helpers to read pages back.

The actors are a physical therapist of ``clinic``, a colleague in the same
clinic, a stranger working in ``other_clinic``, a front-office admin of
``clinic`` (no Clinician row), a user who works in no clinic at all and an
anonymous visitor. ``user_of`` gives any of them by name, so an access test can
be one table of who gets what.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests import pages
from tests.actors import INSIDERS, OUTSIDERS
from tests.factories import (
    ClinicAdminFactory,
    ClinicFactory,
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
    UserFactory,
)


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Lakeside Physical Therapy")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Hilltop Rehab")


@pytest.fixture
def clinician(clinic):
    return ClinicianFactory(
        clinic=clinic, user__first_name="Rosa", user__last_name="Diaz"
    )


@pytest.fixture
def other_clinician(other_clinic):
    return ClinicianFactory(clinic=other_clinic)


@pytest.fixture
def clinic_admin(clinic):
    return ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def user_without_clinic(db):
    return UserFactory()


_ACTOR_FIXTURES = {
    "clinician": "clinician",
    "clinic admin": "clinic_admin",
    "other clinician": "other_clinician",
    "no clinic": "user_without_clinic",
}


@pytest.fixture
def user_of(request):
    """Return ``user_of(actor)``: the login of one actor named in tests.actors.

    Rows are made only for the actor asked for, through the fixtures above.
    """

    def user_of(actor):
        assert actor in INSIDERS + OUTSIDERS, f"no actor {actor!r}"
        if actor == "anonymous":
            return AnonymousUser()
        if actor == "colleague":
            return ClinicianFactory(clinic=request.getfixturevalue("clinic")).user
        found = request.getfixturevalue(_ACTOR_FIXTURES[actor])
        return getattr(found, "user", found)

    return user_of


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician.user)
    return client


@pytest.fixture
def other_clinician_client(client, other_clinician):
    client.force_login(other_clinician.user)
    return client


@pytest.fixture
def clinic_admin_client(client, clinic_admin):
    client.force_login(clinic_admin.user)
    return client


@pytest.fixture
def no_clinic_client(client, user_without_clinic):
    client.force_login(user_without_clinic)
    return client


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, first_name="Maria", last_name="Lopez")


@pytest.fixture
def other_patient(other_clinic):
    return PatientFactory(clinic=other_clinic)


@pytest.fixture
def session(patient, clinician):
    """A finished draft session of ``patient`` with one Timed Up and Go."""
    session = TestSessionFactory(patient=patient, clinician=clinician)
    PerformedTestFactory(session=session)
    return session


@pytest.fixture
def other_session(other_patient, other_clinician):
    session = TestSessionFactory(patient=other_patient, clinician=other_clinician)
    PerformedTestFactory(session=session)
    return session


@pytest.fixture
def field_errors():
    """Return ``read(response, field_id) -> [message, ...]`` for one field's errors."""
    return pages.field_errors


@pytest.fixture
def form_values():
    """Return ``read(response) -> {name: value}`` of the re-rendered form's controls."""
    return pages.form_values
