"""An assistant meets the refusals before typing anything; a clinic admin lands
on the review queues and reads the billing list, on a tablet and a laptop.

Screenshots go to $PERFNOTE_SCREENSHOTS when set (for a person to look at),
else to the test's temporary folder.
"""

import datetime as dt
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect

from assessments.notes import signing
from assessments.services import session_billing_refresh
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    DEFAULT_PASSWORD,
    ClinicAdminFactory,
    ClinicFactory,
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "perfnote-e2e"
VIEWPORTS = {
    "tablet": {"width": 768, "height": 1024},
    "laptop": {"width": 1280, "height": 800},
}


@pytest.fixture
def screenshots(tmp_path):
    folder = Path(os.environ.get("PERFNOTE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def clinic_day(flushable_signed_notes):
    """A clinic with a PT's draft and signed note, its PTA and its front office."""
    clinic = ClinicFactory(name="Riverside Physical Therapy")
    therapist = ClinicianFactory(
        clinic=clinic, user__first_name="Rosa", user__last_name="Diaz"
    )
    ClinicianFactory(
        clinic=clinic,
        role="pta",
        credentials="PTA",
        user__username="assistant",
        user__password=PASSWORD,
    )
    front_office = ClinicAdminFactory(
        clinic=clinic, user__username="frontdesk", user__password=PASSWORD
    )
    front_office.user.is_staff = True
    front_office.user.save()
    front_office.user.groups.add(clinic_admin_group_ensure())
    patient = PatientFactory(clinic=clinic, first_name="Ada", last_name="Okafor")
    sessions = []
    for days_ago in (1, 8):
        start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(
            days=days_ago
        )
        session = TestSessionFactory(
            patient=patient,
            clinician=therapist,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=30),
        )
        PerformedTestFactory(
            session=session, started_at=start, ended_at=start + dt.timedelta(minutes=20)
        )
        session_billing_refresh(session=session)
        sessions.append(session)
    draft, signed = sessions
    # a second draft day that cannot be billed: its row names why
    blocked = TestSessionFactory(
        patient=PatientFactory(
            clinic=clinic, first_name="Bartholomew", last_name="Vanderkellen-Smythe"
        ),
        clinician=therapist,
        started_at=draft.started_at,
        ended_at=draft.started_at + dt.timedelta(minutes=10),
    )
    PerformedTestFactory(
        session=blocked,
        started_at=blocked.started_at,
        ended_at=blocked.started_at + dt.timedelta(minutes=5),
    )
    session_billing_refresh(session=blocked)
    # pyHanko seals with asyncio.run(), which Playwright's running loop in this
    # thread forbids: sign in a thread of its own, as the server would.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_sign, signed, therapist).result()
    return {"patient": patient, "draft": draft, "signed": signed}


def _sign(session, clinician):
    try:
        signing.session_sign(
            session=session,
            clinician=clinician,
            password=DEFAULT_PASSWORD,
            now=session.ended_at,
        )
    finally:
        connection.close()


def _log_in(page, base_url, username):
    page.goto(f"{base_url}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


@pytest.mark.parametrize("device", VIEWPORTS)
def test_an_assistant_meets_each_refusal_before_typing(
    live_server, browser, clinic_day, screenshots, device
):
    page = browser.new_context(viewport=VIEWPORTS[device]).new_page()
    base = live_server.url

    # when the assistant logs in, they land on their (empty) worklist
    _log_in(page, base, "assistant")
    expect(page.get_by_role("heading", name=re.compile("My worklist"))).to_be_visible()
    expect(page.locator("#my-drafts")).to_contain_text("No unsigned notes")
    expect(page.locator("#idle-warning")).to_be_hidden()

    # a PT's draft offers them no Edit or Sign, and says who signs it
    page.goto(base + clinic_day["draft"].get_absolute_url())
    expect(page.get_by_role("link", name="Sign note")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit session")).to_have_count(0)
    expect(page.locator("#read-only-draft")).to_contain_text("A53309")
    page.screenshot(path=screenshots / f"assistant-draft-{device}.png", full_page=True)

    # a signed note offers no addendum, but its sealed PDF on top
    page.goto(base + clinic_day["signed"].get_absolute_url())
    expect(page.get_by_role("link", name="Add addendum")).to_have_count(0)
    expect(page.locator("#sealed-note")).to_contain_text("version 1")
    expect(page.get_by_role("link", name=re.compile("^Print"))).to_have_attribute(
        "target", "_blank"
    )

    # the patient's chart offers no new session
    patient = clinic_day["patient"]
    page.goto(base + reverse("assessments:patient-detail", args=[patient.uuid]))
    expect(page.get_by_role("link", name="New test session")).to_have_count(0)

    # and the addresses themselves say why, and who can, before a form
    page.goto(base + reverse("assessments:session-create", args=[patient.uuid]))
    expect(
        page.get_by_role(
            "heading", name="Tests are recorded by a therapist or physician"
        )
    ).to_be_visible()
    expect(page.locator("#refusal")).to_contain_text(
        "WPS Billing and Coding Article A53309"
    )
    expect(page.locator("#refusal-who")).to_contain_text("physical therapist")
    expect(page.get_by_label("Reason for testing")).to_have_count(0)
    page.screenshot(
        path=screenshots / f"assistant-refused-{device}.png", full_page=True
    )
    page.goto(
        base + reverse("assessments:addendum-create", args=[clinic_day["signed"].uuid])
    )
    expect(
        page.get_by_role(
            "heading", name="Addenda are signed by a therapist or physician"
        )
    ).to_be_visible()
    expect(page.get_by_label("Your password")).to_have_count(0)
    page.get_by_role("link", name="Back to the session").click()
    expect(page.locator("#sealed-note")).to_be_visible()


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_clinic_admin_goes_from_the_queues_to_a_billing_list_that_fits(
    live_server, browser, clinic_day, screenshots, device
):
    viewport = VIEWPORTS[device]
    page = browser.new_context(viewport=viewport).new_page()

    # when the front office logs in, it lands on the review queues
    _log_in(page, live_server.url, "frontdesk")
    expect(
        page.get_by_role("heading", name=re.compile("Review queues"))
    ).to_be_visible()
    sessions = page.get_by_role("link", name=re.compile("Sessions awaiting signature"))
    expect(sessions).to_contain_text("2")
    page.screenshot(path=screenshots / f"admin-queues-{device}.png", full_page=True)

    # the draft decisions open as the admin's filtered list
    page.get_by_role("link", name=re.compile("Draft billing decisions")).click()
    expect(page).to_have_url(re.compile(r"billingdecision/\?status__exact=draft"))
    table = page.locator("#result_list")
    expect(table).to_contain_text("Okafor, Ada")
    expect(table).to_contain_text("Not billable")
    page.screenshot(path=screenshots / f"admin-decisions-{device}.png", full_page=True)

    # and the whole row fits the screen: nothing is cut off to the right
    right = table.evaluate("table => table.getBoundingClientRect().right")
    shown = table.evaluate("table => table.parentElement.getBoundingClientRect().right")
    assert right <= shown <= viewport["width"], f"{device}: {right}, {shown} px"
    for column in ("billed", "charge", "expected_payment"):
        expect(page.locator(f"th.column-{column}")).to_be_in_viewport()
    if device == "tablet":  # the filters follow the list, not squeeze it
        filters = page.locator("#changelist-filter").bounding_box()
        assert filters["y"] > table.bounding_box()["y"]
        assert filters["x"] + filters["width"] <= viewport["width"]
    payer = page.locator("th.column-payer")
    if device == "tablet":
        expect(payer).to_be_hidden()
    else:
        expect(payer).to_be_visible()

    # the queue of sessions opens as well
    page.go_back()
    sessions.click()
    expect(page).to_have_url(re.compile(r"testsession/\?status__exact=draft"))
    expect(page.locator("#result_list")).to_contain_text("Okafor, Ada")


def test_the_sign_button_shows_progress_and_cannot_be_pressed_twice(
    live_server, browser, clinic_day
):
    therapist = clinic_day["draft"].clinician.user
    therapist.username = "therapist"
    therapist.set_password(PASSWORD)
    therapist.save()
    page = browser.new_context(viewport=VIEWPORTS["tablet"]).new_page()
    _log_in(page, live_server.url, "therapist")
    url = reverse("assessments:session-sign", args=[clinic_day["draft"].uuid])
    page.goto(live_server.url + url)
    # Hold the form on the page, as a slow seal would, to watch the button.
    page.evaluate(
        "document.querySelector('form[data-signing]')"
        ".addEventListener('submit', event => event.preventDefault())"
    )

    page.get_by_label("Your password").fill(PASSWORD)
    button = page.locator("form[data-signing] button[type=submit]")
    button.click()

    expect(button).to_be_disabled()
    expect(button).to_have_text("Signing and sealing the note…")
    expect(page.get_by_role("status")).to_have_text("Signing and sealing the note…")


def test_a_pt_goes_from_the_worklist_to_a_signed_note_and_prints_it(
    live_server, browser, clinic_day
):
    # given the PT whose draft waits on their worklist
    therapist = clinic_day["draft"].clinician.user
    therapist.username = "therapist"
    therapist.set_password(PASSWORD)
    therapist.save()
    context = browser.new_context(viewport=VIEWPORTS["tablet"])
    page = context.new_page()
    _log_in(page, live_server.url, "therapist")

    # when they open it from "My unsigned notes" and sign it
    drafts = page.locator("#my-drafts-title ~ .list-group").first
    drafts.get_by_role("link", name=re.compile("Okafor, Ada")).click()
    page.get_by_role("link", name="Sign note").click()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign note").click()

    # then the page says which version was sealed
    expect(page.get_by_text("Note signed; version 1 sealed.")).to_be_visible()
    # and Print opens the sealed PDF in a tab of its own
    with context.expect_page() as opened:
        page.get_by_role("link", name=re.compile("^Print")).click()
    pdf = opened.value
    pdf.wait_for_load_state()
    assert pdf.url.endswith("/print.pdf")
    response = pdf.request.get(pdf.url)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF-")
    # and the note has left their unsigned notes
    page.goto(live_server.url + "/")
    expect(drafts.get_by_role("link", name=re.compile("Okafor, Ada"))).to_have_count(0)
