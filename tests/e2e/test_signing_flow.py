"""A therapist signs a note in the browser, downloads the sealed PDF and verifies it."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from assessments.models import NoteAccessEvent
from assessments.services import session_billing_refresh
from billing.models import BillingDecision
from tests.factories import (
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "perfnote-e2e"


def test_sign_download_and_verify(
    live_server, browser, tmp_path, flushable_signed_notes
):
    """Signing seals a note and freezes the decision; /verify/ tells it from a forgery."""
    # given a draft session with a 20-minute TUG, yesterday
    clinician = ClinicianFactory(user__username="signer", user__password=PASSWORD)
    patient = PatientFactory(clinic=clinician.clinic, last_name="Okafor")
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(days=1)
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=start,
        ended_at=start + dt.timedelta(minutes=30),
    )
    PerformedTestFactory(
        session=session, started_at=start, ended_at=start + dt.timedelta(minutes=20)
    )
    session_billing_refresh(session=session)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()

    # when they log in, open the session and sign with their password
    page.goto(f"{live_server.url}{session.get_absolute_url()}")
    page.get_by_label("Username").fill("signer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Sign note").click()
    expect(page.locator("#attestation")).to_contain_text("I attest")
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Sign note").click()

    # then the session is signed and its sealed PDF can be downloaded
    expect(page.get_by_text("Note signed; version 1 sealed.")).to_be_visible()
    expect(page.get_by_role("link", name="Edit session")).to_have_count(0)
    session.refresh_from_db()
    assert session.billing_decision.status == BillingDecision.Status.FINAL
    with page.expect_download() as download_info:
        page.locator("#note-versions a").first.click()
    pdf_path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")
    assert NoteAccessEvent.objects.filter(action="download").count() == 1

    # and anyone can verify it on /verify/
    public = browser.new_context().new_page()
    public.goto(f"{live_server.url}/verify/")
    public.get_by_label("PDF note").set_input_files(str(pdf_path))
    public.get_by_role("button", name="Verify").click()
    expect(public.locator("#verify-result")).to_contain_text(
        "Verified: genuine and unaltered"
    )
    expect(public.locator("#verify-result")).not_to_contain_text("Okafor")

    # and a file changed by one byte is not verified
    data = bytearray(pdf_path.read_bytes())
    data[len(data) // 3] ^= 0x01
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(bytes(data))
    public.get_by_label("PDF note").set_input_files(str(forged))
    public.get_by_role("button", name="Verify").click()
    expect(public.locator("#verify-result")).to_contain_text("Not verified")
    context.close()
