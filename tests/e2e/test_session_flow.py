"""A therapist logs in, adds a patient and records a session with two timed tests."""

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from clinic.models import Patient
from tests.factories import ClinicFactory, ClinicianFactory, PayerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "perfnote-e2e"


def midday_zone(now):
    """Return a fixed-offset zone where it is now between 09:00 and 15:00.

    Start/Stop stamp the clinic's clock; a clinic at midday keeps the session
    on one date and in the past whenever the suite runs.
    """
    for offset in range(-12, 15):
        # Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
        name = f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
        local = now.astimezone(zoneinfo.ZoneInfo(name))
        if 9 <= local.hour < 15:
            return name
    raise AssertionError("no zone at midday")


def test_record_session_with_two_timed_tests(live_server, browser, server_clock):
    """The new patient keeps their coverage; the session shows each test's minutes.

    The session also lists a same-day procedure added with "Add procedure".
    """
    # given a physical therapist of a clinic whose time is midday
    now = dt.datetime.now(dt.UTC)
    zone = midday_zone(now)
    clinic = ClinicFactory(time_zone=zone)
    PayerFactory(clinic=clinic, name="Medicare")
    ClinicianFactory(clinic=clinic, user__username="therapist", user__password=PASSWORD)
    context = browser.new_context(
        timezone_id=zone, viewport={"width": 768, "height": 1024}
    )
    page = context.new_page()
    # The page's and the server's clocks start 40 minutes ago so a whole
    # session fits before now.
    page.clock.install(time=now - dt.timedelta(minutes=40))
    server_clock.at(now - dt.timedelta(minutes=40))

    # when they log in
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("therapist")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=re.compile("My worklist"))).to_be_visible()
    page.get_by_role("link", name="Find a patient").click()
    expect(page.get_by_role("heading", name=re.compile("Patients"))).to_be_visible()

    # and add a patient
    page.get_by_role("link", name="New patient").click()
    page.get_by_label("First name").fill("Rosa")
    page.get_by_label("Last name").fill("Alvarez")
    page.get_by_label("MRN").fill("E2E-001")
    page.get_by_label("Date of birth").fill("1948-03-14")
    page.get_by_label("Sex").select_option("female")
    coverage = page.locator("h2:text-is('Coverage') + div")
    coverage.get_by_label("Primary payer").select_option(label="Medicare")
    coverage.get_by_label("Member ID").fill("1EG4-TE5-MK72")
    page.locator("[name='diagnoses-0-code']").fill("R26.81")
    page.locator("[name='diagnoses-0-description']").fill("Unsteadiness on feet")
    page.get_by_role("button", name="Save patient").click()
    expect(page.get_by_role("heading", name="Alvarez, Rosa")).to_be_visible()

    # and record a session: a typed reason, TUG timed 8 minutes, grip timed 12
    page.get_by_role("link", name="New test session").click()
    page.locator("[data-session-clock='time_in']").click()
    page.get_by_label("Reason for testing").fill("Fall risk after two falls.")
    first = page.locator("[data-test-row]").nth(0)
    first.locator("[name$='-catalog_code']").select_option("timed_up_and_go")
    first.get_by_role("button", name="Start").click()
    page.clock.fast_forward("08:00")
    first.get_by_role("button", name="Stop").click()
    first.locator("[name$='-trial_1']").fill("14.2")
    expect(first.locator("[data-minutes]")).to_have_text("8 min")
    # a formal-battery reason is asked only of routine measures (ROM, MMT)
    battery = first.locator("[data-battery-reason]")
    expect(battery).to_be_hidden()
    first.locator("[name$='-catalog_code']").select_option("manual_muscle_test")
    expect(battery).to_be_visible()
    first.locator("[name$='-catalog_code']").select_option("timed_up_and_go")
    expect(battery).to_be_hidden()

    page.get_by_role("button", name="Add test").click()
    second = page.locator("[data-test-row]").nth(1)
    second.locator("[name$='-catalog_code']").select_option("grip_dynamometry")
    second.locator("[name$='-side']").select_option("both")
    second.get_by_role("button", name="Start").click()
    page.clock.fast_forward("12:00")
    second.get_by_role("button", name="Stop").click()
    for number, (left, right) in enumerate(
        [("18.5", "22.0"), ("19", "23.5"), ("18", "22")], 1
    ):
        second.locator(f"[name$='-trial_{number}']").first.fill(left)
        second.locator(f"[name$='-right_trial_{number}']").fill(right)
    expect(page.locator("#total-minutes")).to_have_text("20")
    page.get_by_role("button", name="Add procedure").click()
    procedure = page.locator("#procedure-rows [data-procedure-row]").last
    procedure.locator("[name$='-code']").select_option("97110")
    procedure.locator("[name$='-minutes']").fill("10")
    page.locator("[data-session-clock='time_out']").click()
    page.get_by_label("Interpretation / written report").fill(
        "TUG 14.2 s is above the 12 s STEADI cut-off: increased fall risk."
    )
    server_clock.reset()
    page.get_by_role("button", name="Save session").click()

    # then the session shows each test's minutes and the total timed minutes
    expect(page.get_by_text("Session saved.")).to_be_visible()
    expect(page.locator("#total-timed-minutes")).to_have_text("20")
    rows = page.locator("tbody tr:not(.norms-row)")
    expect(rows.nth(0)).to_contain_text("Timed Up and Go")
    expect(rows.nth(0).locator("td").nth(4)).to_have_text("8")
    expect(rows.nth(1)).to_contain_text("Grip strength")
    expect(rows.nth(1).locator("td").nth(4)).to_have_text("12")
    expect(rows.nth(1)).to_contain_text("Right: 22.5 kg")
    expect(page.locator("#same-day-procedures li")).to_have_text(
        ["97110 Therapeutic exercise (timed) · 10 min"]
    )
    patient = Patient.objects.get(mrn="E2E-001")
    session = patient.sessions.get()
    assert session.tests.count() == 2
    assert list(session.same_day_procedures.values_list("code", "minutes")) == [
        ("97110", 10)
    ]
    assert (patient.coverage.payer.name, patient.coverage.member_id) == (
        "Medicare",
        "1EG4-TE5-MK72",
    )
    context.close()
