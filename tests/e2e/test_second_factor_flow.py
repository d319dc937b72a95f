"""A clinician of a clinic that requires a second factor sets up the app in the browser.

The page shows the QR code as an image (no script, under the strict CSP) and
the key; the test types the key into its own TOTP, as an app would.
"""

import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from tests.factories import ClinicianFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "perfnote-e2e"


def _code(key):
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_set_up_the_app_then_work(live_server, browser, tmp_path):
    # given a clinician whose clinic requires a second factor
    clinician = ClinicianFactory(
        user__username="careful",
        user__password=PASSWORD,
        clinic__requires_second_factor=True,
    )
    page = browser.new_context().new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text))

    # when they log in, they are asked to set up an authenticator app
    page.goto(f"{live_server.url}/patients/")
    page.get_by_label("Username").fill("careful")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(
        page.get_by_role("heading", name="Set up your authenticator app")
    ).to_be_visible()
    qr_code = page.locator("#totp-qr")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.naturalWidth") > 0
    page.screenshot(path=str(tmp_path / "setup.png"), full_page=True)

    # and the app's first code confirms it and opens the page they asked for
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_label("Code from your authenticator app").fill(_code(key))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()
    expect(page.get_by_text("Your authenticator app is set up")).to_be_visible()
    assert clinician.user.totpdevice_set.get().confirmed is True
    # no Content-Security-Policy violation on the way
    assert not [text for text in errors if "Content Security Policy" in text]
