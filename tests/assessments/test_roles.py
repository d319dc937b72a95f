"""Roles shown before they bite: who records, edits, signs and amends a session.

Assistants (PTA, COTA) do not perform formal testing (WPS A53309): they see
no Sign, Addendum or New session action, and the addresses of those actions
answer with a page that says why and who can. Only the performing clinician
edits a draft; everyone else of the clinic reads it. Every save names who
made it and when.
"""

import datetime as dt
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from assessments.models import NoteAccessEvent, TestSession
from assessments.notes import signing
from assessments.roles import (
    ASSISTANT_CANNOT_RECORD,
    NOT_YOUR_DRAFT,
    WHO_MAY_RECORD,
    SessionActions,
    session_actions,
)
from assessments.selectors import session_input_get
from assessments.services import session_create, session_update
from tests.factories import DEFAULT_PASSWORD, ClinicianFactory, mark_signed
from tests.pages import flashed_messages

pytestmark = pytest.mark.django_db

# The factories record sessions a day before the real clock; "now" follows it so
# a session is never "in the future" on the day the suite runs.
NOW = timezone.now().replace(microsecond=0)


@pytest.fixture(params=["pta", "ota"])
def assistant(request, clinic):
    return ClinicianFactory(clinic=clinic, role=request.param, credentials="PTA")


@pytest.fixture
def colleague(clinic):
    return ClinicianFactory(
        clinic=clinic, user__first_name="Sam", user__last_name="Lee"
    )


def _page(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- the rules, as the services apply them ---------------------------------------


def test_an_assistant_cannot_record_a_session(assistant, session, patient):
    with pytest.raises(ValidationError) as error:
        session_create(
            patient=patient,
            clinician=assistant,
            data=session_input_get(session=session),
            now=NOW,
        )

    assert error.value.messages == [ASSISTANT_CANNOT_RECORD]
    assert TestSession.objects.count() == 1


def test_the_refusal_cites_the_public_source_and_says_who_can():
    assert "WPS Billing and Coding Article A53309" in ASSISTANT_CANNOT_RECORD
    assert "Pub. 100-02, Ch. 15 §230" in ASSISTANT_CANNOT_RECORD
    assert "physical therapist, an occupational therapist or a physician" in (
        WHO_MAY_RECORD
    )


def test_only_the_performer_edits_a_draft(session, colleague):
    data = session_input_get(session=session)

    with pytest.raises(ValidationError) as error:
        session_update(session=session, data=data, editor=colleague.user, now=NOW)

    assert error.value.messages == [NOT_YOUR_DRAFT.format(performer="Rosa Diaz")]
    session.refresh_from_db()
    assert session.last_edited_by is None


def test_every_save_names_its_editor_and_time(session, clinician, clinic_admin):
    data = session_input_get(session=session)
    created = session_create(
        patient=session.patient, clinician=clinician, data=data, now=NOW
    )
    later = NOW + dt.timedelta(minutes=5)

    session_update(session=created, data=data, editor=clinic_admin.user, now=later)

    created.refresh_from_db()
    assert (created.last_edited_by, created.last_edited_at) == (
        clinic_admin.user,
        later,
    )


def test_the_performer_is_named_when_recording(session, clinician):
    created = session_create(
        patient=session.patient,
        clinician=clinician,
        data=session_input_get(session=session),
        now=NOW,
    )

    assert (created.last_edited_by, created.last_edited_at) == (clinician.user, NOW)


@pytest.mark.parametrize(
    ("who", "draft", "expected"),
    [
        ("performer", True, SessionActions(edit=True, sign=True, addendum=False)),
        ("performer", False, SessionActions(edit=False, sign=False, addendum=True)),
        ("colleague", True, SessionActions(edit=False, sign=False, addendum=False)),
        ("colleague", False, SessionActions(edit=False, sign=False, addendum=True)),
        ("assistant", True, SessionActions(edit=False, sign=False, addendum=False)),
        ("assistant", False, SessionActions(edit=False, sign=False, addendum=False)),
        ("front office", True, SessionActions(edit=False, sign=False, addendum=False)),
    ],
)
def test_session_actions(
    who, draft, expected, session, clinician, colleague, assistant, clinic_admin
):
    users = {
        "performer": clinician.user,
        "colleague": colleague.user,
        "assistant": assistant.user,
        "front office": clinic_admin.user,
    }
    if not draft:
        mark_signed(session)

    assert session_actions(session=session, user=users[who]) == expected


def test_an_assistant_performer_of_an_old_draft_may_not_edit_or_sign_it(session):
    session.clinician.role = "pta"

    assert session_actions(session=session, user=session.clinician.user) == (
        SessionActions(edit=False, sign=False, addendum=False)
    )


# --- the pages: hidden actions, and a clear page for a typed address --------------


def test_an_assistant_sees_no_action_they_cannot_take(client, assistant, session):
    page = _page(client, assistant.user, session.get_absolute_url()).content.decode()

    assert "Sign note" not in page
    assert "Edit session" not in page
    assert 'id="read-only-draft"' in page
    assert "A53309" in page


def test_an_assistant_sees_no_addendum_action_on_a_signed_note(
    client, assistant, session
):
    mark_signed(session)

    page = _page(client, assistant.user, session.get_absolute_url()).content.decode()

    assert "Add addendum" not in page


def test_an_assistant_is_offered_no_new_session(client, assistant, patient):
    url = reverse("assessments:patient-detail", args=[patient.uuid])

    page = _page(client, assistant.user, url).content.decode()

    assert reverse("assessments:session-create", args=[patient.uuid]) not in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_new_session_address_tells_an_assistant_why_and_who_can(
    client, assistant, patient, method
):
    client.force_login(assistant.user)
    url = reverse("assessments:session-create", args=[patient.uuid])

    response = getattr(client, method)(url, {})

    page = response.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "WPS Billing and Coding Article A53309" in page
    assert 'id="refusal-who"' in page
    assert 'name="reason"' not in page
    assert TestSession.objects.count() == 0


def test_the_addendum_address_tells_an_assistant_why_before_anything_is_typed(
    client, assistant, session
):
    mark_signed(session)
    client.force_login(assistant.user)
    url = reverse("assessments:addendum-create", args=[session.uuid])

    response = client.get(url)

    page = response.content.decode()
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "A53309" in page
    assert 'name="password"' not in page


def test_a_colleague_reads_a_draft_without_edit_or_sign(client, colleague, session):
    page = _page(client, colleague.user, session.get_absolute_url()).content.decode()

    assert "Edit session" not in page
    assert "Sign note" not in page
    assert "only Rosa Diaz, who performed these tests, can edit and sign it" in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_edit_address_refuses_a_colleague_with_a_clear_page(
    client, colleague, session, method
):
    client.force_login(colleague.user)
    url = reverse("assessments:session-update", args=[session.uuid])
    before = session.updated_at

    response = getattr(client, method)(url, {"reason": "Changed by a colleague."})

    assert response.status_code == HTTPStatus.FORBIDDEN
    assert "Only Rosa Diaz, who performed these tests" in response.content.decode()
    session.refresh_from_db()
    assert session.updated_at == before


def test_the_session_page_names_the_last_editor(clinician_client, session, clinician):
    session_update(
        session=session,
        data=session_input_get(session=session),
        editor=clinician.user,
        now=NOW,
    )

    page = clinician_client.get(session.get_absolute_url()).content.decode()

    assert "Last edited" in page
    shown = timezone.localtime(NOW, ZoneInfo(session.patient.clinic.time_zone))
    assert f"Rosa Diaz · {shown:%m/%d/%Y %H:%M}" in page


def test_the_admin_offers_no_assistant_as_a_sessions_clinician(
    admin_client, session, clinic
):
    ClinicianFactory(
        clinic=clinic, role="pta", user__first_name="Jamal", user__last_name="Brooks"
    )
    url = reverse("admin:assessments_testsession_change", args=[session.pk])

    page = admin_client.get(url).content.decode()

    assert "Rosa Diaz" in page
    assert "Jamal Brooks" not in page


# --- signing: what happened, and the sealed note on top ---------------------------


def test_signing_says_which_version_was_sealed(clinician_client, session):
    url = reverse("assessments:session-sign", args=[session.uuid])

    response = clinician_client.post(url, {"password": DEFAULT_PASSWORD}, follow=True)

    assert flashed_messages(response) == ["Note signed; version 1 sealed."]
    page = response.content.decode()
    assert page.index('id="sealed-note"') < page.index('id="signature"')
    assert reverse("assessments:note-print", args=[session.uuid, 1]) in page


def test_an_addendum_says_which_version_was_sealed(
    clinician_client, session, clinician
):
    signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    url = reverse("assessments:addendum-create", args=[session.uuid])

    response = clinician_client.post(
        url, {"text": "TUG with a cane.", "password": DEFAULT_PASSWORD}, follow=True
    )

    assert flashed_messages(response) == ["Addendum signed; version 2 sealed."]
    page = response.content.decode()
    top = page[page.index('id="sealed-note"') :]
    assert "version 2" in top[: top.index("</section>")]
    assert reverse("assessments:note-download", args=[session.uuid, 2]) in top


def test_the_sign_form_is_marked_for_its_progress_script(clinician_client, session):
    url = reverse("assessments:session-sign", args=[session.uuid])

    page = clinician_client.get(url).content.decode()

    assert 'data-signing="Signing and sealing the note…"' in page
    assert "js/signing.js" in page


def test_print_opens_the_sealed_pdf_inline_and_is_recorded(
    clinician_client, session, clinician
):
    version = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    url = reverse("assessments:note-print", args=[session.uuid, 1])

    response = clinician_client.get(url)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert response.content == bytes(version.pdf)
    policy = response["Content-Security-Policy"]
    assert policy == "frame-ancestors 'none'"  # no object-src: the viewer may run
    event = NoteAccessEvent.objects.get()
    assert (event.action, event.user) == (NoteAccessEvent.Action.PRINT, clinician.user)


def test_print_of_another_clinics_note_is_404(
    other_clinician_client, session, clinician
):
    signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    url = reverse("assessments:note-print", args=[session.uuid, 1])

    assert other_clinician_client.get(url).status_code == HTTPStatus.NOT_FOUND
    assert not NoteAccessEvent.objects.exists()
