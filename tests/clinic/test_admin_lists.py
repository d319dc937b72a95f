"""LargeListMixin keeps Django's list markup while skipping its slow paths."""

import pytest
from django.contrib import admin

from billing.admin import BillingReviewAdmin
from billing.models import BillingDecision
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_action_checkbox_is_djangos_markup(clinic):
    """The actions script finds the rows by this markup; only its rendering is cheaper."""
    # given
    patient = PatientFactory(clinic=clinic)
    ours = BillingReviewAdmin(BillingDecision, admin.site)
    djangos = admin.ModelAdmin(BillingDecision, admin.site)

    # when / then
    assert ours.action_checkbox(patient) == djangos.action_checkbox(patient)
