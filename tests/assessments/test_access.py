"""Tenant scoping of test sessions: own clinic, other clinic, no clinic."""

import uuid

import pytest
from django.http import Http404

from assessments.access import access_session_by_uuid
from assessments.services import session_billing_refresh
from tests.actors import INSIDERS

pytestmark = pytest.mark.django_db


# Why an outsider cannot open a session of ``clinic``.
SESSION_REFUSALS = {
    "other clinician": "No such session.",
    "no clinic": "No clinic.",
    "anonymous": "No clinic.",
}


@pytest.mark.parametrize("actor", INSIDERS)
def test_everyone_in_the_clinic_can_access_its_session(user_of, session, actor):
    # when
    result = access_session_by_uuid(user=user_of(actor), session_uuid=session.uuid)

    # then
    assert result == session


@pytest.mark.parametrize(("actor", "message"), SESSION_REFUSALS.items())
def test_nobody_outside_the_clinic_can_access_its_session(
    user_of, session, actor, message
):
    # when
    with pytest.raises(Http404) as error:
        access_session_by_uuid(user=user_of(actor), session_uuid=session.uuid)

    # then
    assert str(error.value) == message


def test_unknown_session_uuid_is_not_found(clinician):
    # when
    with pytest.raises(Http404) as error:
        access_session_by_uuid(user=clinician.user, session_uuid=uuid.uuid4())

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
        result = access_session_by_uuid(user=user, session_uuid=session.uuid)
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
