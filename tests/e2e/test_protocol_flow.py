"""A therapist adds the clinic's fall-risk battery and scores a Berg item by item."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from assessments.models import TestSession
from assessments.services import BatteryInput, battery_save
from tests.e2e.test_session_flow import PASSWORD, midday_zone
from tests.factories import ClinicFactory, ClinicianFactory, PatientFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BERG_ITEMS = [4, 4, 4, 4, 3, 4, 3, 3, 3, 3, 2, 3, 2, 1]
FALL_RISK = ("timed_up_and_go", "chair_stand_30s", "steadi_four_stage_balance")


def _time(page, row, minutes):
    row.get_by_role("button", name="Start").click()
    page.clock.fast_forward(f"{minutes:02d}:00")
    row.get_by_role("button", name="Stop").click()
    page.clock.fast_forward("00:30")


def test_battery_and_berg_item_by_item(live_server, browser, server_clock):
    # given a clinic with a fall-risk battery, one of its therapists and a patient
    now = dt.datetime.now(dt.UTC)
    zone = midday_zone(now)
    clinic = ClinicFactory(time_zone=zone)
    battery_save(
        battery=None,
        clinic=clinic,
        data=BatteryInput(name="Fall risk", codes=FALL_RISK),
    )
    ClinicianFactory(clinic=clinic, user__username="therapist", user__password=PASSWORD)
    patient = PatientFactory(clinic=clinic)
    context = browser.new_context(
        timezone_id=zone, viewport={"width": 768, "height": 1024}
    )
    page = context.new_page()
    page.clock.install(time=now - dt.timedelta(minutes=40))
    server_clock.at(now - dt.timedelta(minutes=40))
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # when they start a session and add the battery in one step
    url = reverse("assessments:session-create", args=[patient.uuid])
    page.goto(f"{live_server.url}{url}")
    page.locator("[data-session-clock='time_in']").click()
    page.get_by_label("Reason for testing").fill("Fall risk screen after a fall.")
    page.locator("#battery-choice").select_option(label="Fall risk")
    page.get_by_role("button", name="Add battery").click()
    rows = page.locator("[data-test-row]")
    expect(rows).to_have_count(3)
    codes = [
        rows.nth(i).locator("[name$='-catalog_code']").input_value() for i in range(3)
    ]
    assert codes == list(FALL_RISK)
    for index, value in enumerate(["13.0", "9", "3"]):
        row = rows.nth(index)
        _time(page, row, 2)
        row.locator("[name$='-trial_1']").fill(value)
    # TUG asks for the walking aid the protocol allows
    tug = rows.nth(0)
    tug.get_by_label("Assistive device").select_option("Single-point cane")

    # and find the Berg by its abbreviation and score each item
    page.get_by_role("button", name="Add test").click()
    berg = rows.nth(3)
    berg.locator("[data-test-filter]").fill("BBS")
    expect(berg.locator("[name$='-catalog_code']")).to_have_value("berg_balance_scale")
    expect(berg.get_by_label("11. Turning 360 degrees (0–4)")).to_be_visible()
    _time(page, berg, 15)
    for number, score in enumerate(BERG_ITEMS, start=1):
        berg.locator(f"[name$='-item_{number}']").fill(str(score))
    expect(berg.locator("[data-item-total]")).to_have_text("43 points")
    page.locator("[data-session-clock='time_out']").click()
    server_clock.reset()
    page.get_by_role("button", name="Save session").click()

    # then the session stores the battery's tests and the Berg's items and total
    expect(page.get_by_text("Session saved.")).to_be_visible()
    expect(page.locator("[data-item-scores] li")).to_have_count(14)
    expect(page.locator("[data-item-scores] li").nth(10)).to_have_text(
        "Turning 360 degrees: 2/4"
    )
    session = TestSession.objects.get(patient=patient)
    tests = {test.catalog_code: test for test in session.tests.all()}
    assert set(tests) == {*FALL_RISK, "berg_balance_scale"}
    assert tests["berg_balance_scale"].trials == {"na": ["43"]}
    assert tests["berg_balance_scale"].item_scores == BERG_ITEMS
    assert tests["timed_up_and_go"].conditions == {"device": "Single-point cane"}
    context.close()
