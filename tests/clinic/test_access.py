"""Tenant scoping of clinics and patients: own clinic, other clinic, no clinic."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from clinic.access import (
    NOT_A_CLINICIAN,
    access_clinic,
    access_clinician,
    access_patient_by_uuid,
    clinic_for_user,
)

pytestmark = pytest.mark.django_db


# --- clinic_for_user ----------------------------------------------------------


def test_clinician_works_in_their_clinic(clinician, clinic):
    # when
    result = clinic_for_user(clinician.user)

    # then
    assert result == clinic


def test_clinic_admin_works_in_their_clinic(clinic_admin, clinic):
    # when
    result = clinic_for_user(clinic_admin.user)

    # then
    assert result == clinic


def test_clinician_of_another_clinic_works_in_that_clinic(
    other_clinician, other_clinic
):
    # when
    result = clinic_for_user(other_clinician.user)

    # then
    assert result == other_clinic


def test_user_without_clinic_has_no_clinic(user_without_clinic):
    # when
    result = clinic_for_user(user_without_clinic)

    # then
    assert result is None


def test_anonymous_user_has_no_clinic():
    # when
    result = clinic_for_user(AnonymousUser())

    # then
    assert result is None


# --- access_clinic ------------------------------------------------------------


def test_clinician_can_access_their_clinic(clinician, clinic):
    # when
    result = access_clinic(clinician.user)

    # then
    assert result == clinic


def test_clinician_of_another_clinic_gets_only_that_clinic(
    other_clinician, other_clinic
):
    # when
    result = access_clinic(other_clinician.user)

    # then
    assert result == other_clinic


def test_user_without_clinic_cannot_access_any_clinic(user_without_clinic):
    # when
    with pytest.raises(Http404) as error:
        access_clinic(user_without_clinic)

    # then
    assert str(error.value) == "No clinic."


def test_anonymous_user_cannot_access_any_clinic():
    # when
    with pytest.raises(Http404) as error:
        access_clinic(AnonymousUser())

    # then
    assert str(error.value) == "No clinic."


# --- access_clinician --------------------------------------------------------


def test_clinician_gets_their_clinician_record(clinician):
    """A clinician's user reaches their own Clinician row."""
    # when
    result = access_clinician(clinician.user)

    # then
    assert result == clinician


@pytest.mark.parametrize("_case", ["clinic admin", "no clinic", "anonymous"])
def test_only_clinicians_get_a_clinician_record(
    clinic_admin, user_without_clinic, _case
):
    """A front-office admin, a user without a clinic and an anonymous user get 404."""
    # given
    user = {
        "clinic admin": clinic_admin.user,
        "no clinic": user_without_clinic,
        "anonymous": AnonymousUser(),
    }[_case]

    # when
    with pytest.raises(Http404) as error:
        access_clinician(user)

    # then
    assert str(error.value) == NOT_A_CLINICIAN


# --- access_patient_by_uuid ---------------------------------------------------


def test_clinician_can_access_a_patient_of_their_clinic(clinician, patient):
    # when
    result = access_patient_by_uuid(clinician.user, patient.uuid)

    # then
    assert result == patient


def test_clinic_admin_can_access_a_patient_of_their_clinic(clinic_admin, patient):
    # when
    result = access_patient_by_uuid(clinic_admin.user, patient.uuid)

    # then
    assert result == patient


def test_patient_of_another_clinic_is_not_found(clinician, other_patient):
    # when
    with pytest.raises(Http404) as error:
        access_patient_by_uuid(clinician.user, other_patient.uuid)

    # then
    assert str(error.value) == "No such patient."


def test_user_without_clinic_cannot_access_a_patient(user_without_clinic, patient):
    # when
    with pytest.raises(Http404) as error:
        access_patient_by_uuid(user_without_clinic, patient.uuid)

    # then
    assert str(error.value) == "No clinic."


def test_unknown_patient_uuid_is_not_found(clinician):
    # when
    with pytest.raises(Http404) as error:
        access_patient_by_uuid(clinician.user, uuid.uuid4())

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
        result = access_patient_by_uuid(user, patient.uuid)
        name = result.clinic.name

    # then
    assert name == patient.clinic.name
