"""Logging out forgets the form drafts the browser keeps: they hold a patient's results."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ClinicianFactory, PatientFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "perfnote-e2e"
KEPT = """() => Object.keys(window.localStorage).filter((key) => key.startsWith("perfnote:"))"""


def test_log_out_leaves_no_draft_in_the_browser(live_server, browser):
    # given a PT halfway through typing a new session on a shared tablet
    clinician = ClinicianFactory(user__username="therapist", user__password=PASSWORD)
    patient = PatientFactory(clinic=clinician.clinic)
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    new_session = reverse("assessments:session-create", args=[patient.uuid])
    page.goto(f"{live_server.url}{new_session}")
    page.get_by_label("Reason for testing").fill("Fall risk after two falls.")
    # (the form keeps its draft 0.4 s after the last keystroke; the page's CSP
    # forbids the eval that page.wait_for_function would need)
    for _ in range(20):
        if page.evaluate(KEPT):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(KEPT), "the form kept no draft to forget"

    # when they log out, leaving the form
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Log out").click()

    # then the browser keeps nothing of it
    expect(page.get_by_role("button", name="Log in")).to_be_visible()
    assert page.evaluate(KEPT) == []
