"""Tenant scoping of test sessions: own clinic, other clinic, no clinic."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from assessments.access import access_session_by_uuid
from assessments.services import session_billing_refresh
from tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


def test_clinician_can_access_a_session_of_their_clinic(clinician, session):
    # when
    result = access_session_by_uuid(clinician.user, session.uuid)

    # then
    assert result == session


def test_colleague_in_the_same_clinic_can_access_the_session(clinic, session):
    # given
    colleague = ClinicianFactory(clinic=clinic)

    # when
    result = access_session_by_uuid(colleague.user, session.uuid)

    # then
    assert result == session


def test_clinic_admin_can_access_a_session_of_their_clinic(clinic_admin, session):
    # when
    result = access_session_by_uuid(clinic_admin.user, session.uuid)

    # then
    assert result == session


def test_session_of_another_clinic_is_not_found(clinician, other_session):
    # when
    with pytest.raises(Http404) as error:
        access_session_by_uuid(clinician.user, other_session.uuid)

    # then
    assert str(error.value) == "No such session."


def test_user_without_clinic_cannot_access_a_session(user_without_clinic, session):
    # when
    with pytest.raises(Http404) as error:
        access_session_by_uuid(user_without_clinic, session.uuid)

    # then
    assert str(error.value) == "No clinic."


def test_anonymous_user_cannot_access_a_session(session):
    # when
    with pytest.raises(Http404) as error:
        access_session_by_uuid(AnonymousUser(), session.uuid)

    # then
    assert str(error.value) == "No clinic."


def test_unknown_session_uuid_is_not_found(clinician):
    # when
    with pytest.raises(Http404) as error:
        access_session_by_uuid(clinician.user, uuid.uuid4())

    # then
    assert str(error.value) == "No such session."


def test_session_comes_with_patient_decision_payer_and_clinician_in_one_query(
    clinician, session, django_assert_num_queries
):
    """The session, its clinic, its decision's payer and its clinician: one query."""
    # given a session with its billing decision
    session_billing_refresh(session=session)
    user = clinician.user
    user.clinician.clinic  # noqa: B018 - warm the user's own clinic lookup

    # when
    with django_assert_num_queries(1):
        result = access_session_by_uuid(user, session.uuid)
        names = (
            result.patient.clinic.name,
            result.billing_decision.payer.name,
            result.clinician.user.username,
        )

    # then
    assert names == (
        session.patient.clinic.name,
        session.patient.coverage.payer.name,
        session.clinician.user.username,
    )
