"""A therapist records a re-test and sees where it stands, the change and the chart."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from clinic.models import Patient
from tests.e2e.test_session_flow import midday_zone
from tests.factories import (
    ClinicFactory,
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "perfnote-e2e"


def test_retest_shows_change_and_chart_without_csp_violations(
    live_server, browser, flushable_signed_notes
):
    # given a patient whose TUG of 15.0 s was signed a month ago
    now = dt.datetime.now(dt.UTC)
    zone = midday_zone(now)
    clinic = ClinicFactory(time_zone=zone)
    clinician = ClinicianFactory(
        clinic=clinic, user__username="therapist", user__password=PASSWORD
    )
    patient = PatientFactory(
        clinic=clinic,
        first_name="Rosa",
        last_name="Alvarez",
        date_of_birth=dt.date(1950, 3, 14),
        sex=Patient.Sex.FEMALE,
    )
    earlier = TestSessionFactory(
        patient=patient, clinician=clinician, started_at=now - dt.timedelta(days=30)
    )
    PerformedTestFactory(
        session=earlier, catalog_code="timed_up_and_go", trials={"na": ["15.0"]}
    )
    mark_signed(earlier)
    context = browser.new_context(
        timezone_id=zone, viewport={"width": 1024, "height": 1200}
    )
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.clock.install(time=now - dt.timedelta(minutes=20))

    # when they log in and record a TUG re-test of 12.1 s
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Alvarez, Rosa").click()
    page.get_by_role("link", name="New test session").click()
    page.locator("[data-session-clock='time_in']").click()
    page.get_by_label("Reason for testing").fill("Fall-risk re-test after 4 weeks.")
    row = page.locator("[data-test-row]").nth(0)
    row.locator("[name$='-catalog_code']").select_option("timed_up_and_go")
    row.get_by_role("button", name="Start").click()
    page.clock.fast_forward("05:00")
    row.get_by_role("button", name="Stop").click()
    row.locator("[name$='-trial_1']").fill("12.1")
    page.clock.fast_forward("02:00")
    page.locator("[data-session-clock='time_out']").click()
    page.get_by_role("button", name="Save session").click()

    # then the session page shows the change since the signed TUG
    expect(page.get_by_text("Session saved.")).to_be_visible()
    norms = page.locator("[data-result-norms]")
    expect(norms.locator("[data-change]")).to_contain_text(
        re.compile(r"Since last time: .*2\.9 s")
    )
    expect(norms.locator("[data-flag]").first).to_contain_text("12 s")
    # and the chart of both results, drawn as an image, with its table
    chart = page.locator("[data-trend='timed_up_and_go']")
    expect(chart.locator("tbody tr")).to_have_count(2)
    image = chart.locator("img")
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth") > 0

    # when they insert the drafted interpretation on the form
    page.get_by_role("link", name="Edit the session to insert it").click()
    page.get_by_role("button", name="Insert the draft into the interpretation").click()

    # then the field holds it to edit, and nothing is saved until they save
    field = page.get_by_label("Interpretation / written report")
    expect(field).to_have_value(re.compile(r"^Timed Up and Go \(TUG\) 12\.1 s: "))
    assert patient.sessions.get(pk__gt=earlier.pk).interpretation == ""

    # and the patient chart's Progress shows the same chart
    page.goto(f"{live_server.url}/patients/{patient.uuid}/")
    progress = page.locator("#progress [data-trend='timed_up_and_go']")
    expect(progress.locator("tbody tr")).to_have_count(2)
    progress_image = progress.locator("img")
    expect(progress_image).to_be_visible()
    assert progress_image.evaluate("img => img.complete && img.naturalWidth") > 0
    # nothing broke the pages' Content-Security-Policy
    assert [text for text in console if "Content Security Policy" in text] == []
    context.close()
