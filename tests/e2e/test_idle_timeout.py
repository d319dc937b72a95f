"""The idle warning in a real browser: it appears, "Stay signed in" works, a lapse logs out.

The clinic's timeout is counted in minutes (2 at least), too long to wait for
in a test, so the server's clock is shortened to a few seconds by replacing
``idle_timeout_seconds``: the live server runs in this process, and the page's
script (``static/js/idle-timeout.js``) reads whatever the server says.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import ClinicianFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "perfnote-e2e"
# The script warns halfway through a timeout this short (3 s before the end).
TIMEOUT_SECONDS = 6


@pytest.fixture
def short_idle_timeout(monkeypatch):
    monkeypatch.setattr(
        "clinic.middleware.idle_timeout_seconds", lambda *, user: TIMEOUT_SECONDS
    )


def _log_in(page, live_server):
    ClinicianFactory(user__username="idler", user__password=PASSWORD)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("idler")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()


def test_stay_signed_in_keeps_the_session(live_server, browser, short_idle_timeout):
    page = browser.new_context().new_page()
    _log_in(page, live_server)
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()

    # when the user does nothing, the warning comes before the timeout
    expect(warning).to_be_visible(timeout=TIMEOUT_SECONDS * 1000)
    expect(page.locator("#idle-countdown")).to_have_text(re.compile(r"0:0[0-3]"))

    # and "Stay signed in" restarts the server's clock and hides it
    with page.expect_response("**/accounts/session/") as answer:
        page.get_by_role("button", name="Stay signed in").click()
    assert answer.value.request.method == "POST"
    assert answer.value.json()["seconds_left"] == TIMEOUT_SECONDS
    expect(warning).to_be_hidden()

    # then the session is still signed in after the first deadline has passed
    page.wait_for_timeout(3000)
    page.reload()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()


def test_letting_the_warning_lapse_logs_out(live_server, browser, short_idle_timeout):
    page = browser.new_context().new_page()
    _log_in(page, live_server)
    expect(page.locator("#idle-warning")).to_be_visible(timeout=TIMEOUT_SECONDS * 1000)

    # when nobody answers it, the page reloads onto the login page and says why,
    # keeping the page it was on (the worklist home) to return to
    expect(page).to_have_url(
        f"{live_server.url}/accounts/login/?next=/",
        timeout=(TIMEOUT_SECONDS + 5) * 1000,
    )
    expect(page.get_by_text("You were logged out after")).to_be_visible()
