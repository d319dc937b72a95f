"""Tenant scoping of clinics and patients: own clinic, other clinic, no clinic."""

import uuid

import pytest
from django.http import Http404

from clinic.access import (
    NOT_A_CLINICIAN,
    access_clinic,
    access_clinician,
    access_patient_by_uuid,
    clinic_for_user,
)
from tests.actors import INSIDERS

pytestmark = pytest.mark.django_db


# Where each actor works, as a fixture name (None: nowhere).
WORKS_IN = {
    "clinician": "clinic",
    "colleague": "clinic",
    "clinic admin": "clinic",
    "other clinician": "other_clinic",
    "no clinic": None,
    "anonymous": None,
}
# Why an outsider cannot open a patient of ``clinic``.
PATIENT_REFUSALS = {
    "other clinician": "No such patient.",
    "no clinic": "No clinic.",
    "anonymous": "No clinic.",
}


# --- clinic_for_user and access_clinic -----------------------------------------


@pytest.mark.parametrize(("actor", "works_in"), WORKS_IN.items())
def test_clinic_for_user_is_the_clinic_the_user_works_in(
    user_of, request, actor, works_in
):
    # given
    expected = request.getfixturevalue(works_in) if works_in else None

    # when
    result = clinic_for_user(user=user_of(actor))

    # then
    assert result == expected


@pytest.mark.parametrize(
    ("actor", "works_in"),
    [(actor, works_in) for actor, works_in in WORKS_IN.items() if works_in],
)
def test_access_clinic_gives_only_the_users_own_clinic(
    user_of, request, actor, works_in
):
    # when
    result = access_clinic(user=user_of(actor))

    # then
    assert result == request.getfixturevalue(works_in)


@pytest.mark.parametrize("actor", ["no clinic", "anonymous"])
def test_a_user_working_nowhere_cannot_access_any_clinic(user_of, actor):
    # when
    with pytest.raises(Http404) as error:
        access_clinic(user=user_of(actor))

    # then
    assert str(error.value) == "No clinic."


# --- access_clinician --------------------------------------------------------


def test_clinician_gets_their_clinician_record(clinician):
    """A clinician's user reaches their own Clinician row."""
    # when
    result = access_clinician(user=clinician.user)

    # then
    assert result == clinician


@pytest.mark.parametrize("actor", ["clinic admin", "no clinic", "anonymous"])
def test_only_clinicians_get_a_clinician_record(user_of, actor):
    """A front-office admin, a user without a clinic and an anonymous user get 404."""
    # when
    with pytest.raises(Http404) as error:
        access_clinician(user=user_of(actor))

    # then
    assert str(error.value) == NOT_A_CLINICIAN


# --- access_patient_by_uuid ---------------------------------------------------


@pytest.mark.parametrize("actor", INSIDERS)
def test_everyone_in_the_clinic_can_access_its_patient(user_of, patient, actor):
    # when
    result = access_patient_by_uuid(user=user_of(actor), patient_uuid=patient.uuid)

    # then
    assert result == patient


@pytest.mark.parametrize(("actor", "message"), PATIENT_REFUSALS.items())
def test_nobody_outside_the_clinic_can_access_its_patient(
    user_of, patient, actor, message
):
    # when
    with pytest.raises(Http404) as error:
        access_patient_by_uuid(user=user_of(actor), patient_uuid=patient.uuid)

    # then
    assert str(error.value) == message


def test_unknown_patient_uuid_is_not_found(clinician):
    # when
    with pytest.raises(Http404) as error:
        access_patient_by_uuid(user=clinician.user, patient_uuid=uuid.uuid4())

    # then
    assert str(error.value) == "No such patient."


def test_patient_comes_with_its_clinic_in_one_query(
    clinician, patient, django_assert_num_queries
):
    """The patient and its clinic load in one query; coverage is billing's to load."""
    # given
    user = clinician.user
    user.clinician.clinic  # noqa: B018 - warm the user's own clinic lookup

    # when
    with django_assert_num_queries(1):
        result = access_patient_by_uuid(user=user, patient_uuid=patient.uuid)
        name = result.clinic.name

    # then
    assert name == patient.clinic.name
