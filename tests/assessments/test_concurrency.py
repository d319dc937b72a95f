"""Two people at the same record at the same moment: nothing is lost, nothing fails.

PostgreSQL only: SQLite serialises every write, so these races cannot happen
there. Each actor runs in a thread of its own, so with a connection of its
own, and the actors start together at a barrier; the few places where a race
depends on timing are widened by a short pause in the code under test, so each
test meets the race on every run, not now and then.
"""

import datetime as dt
import threading
import time
from collections.abc import Callable
from http import HTTPStatus

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from assessments import selectors, services
from assessments.models import TestSession
from assessments.notes import signing
from billing import services as billing_services
from billing.models import BillingDecision
from billing.services import CoverageInput, coverage_save
from clinic.models import Patient
from tests.factories import (
    DEFAULT_PASSWORD,
    ClinicianFactory,
    PayerFactory,
    one_test_session,
)
from tests.pages import flashed_messages, form_values

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises every write: these races need PostgreSQL",
    ),
]

RACE_TIMEOUT = 60
# Long enough for the other actor to read, write and commit meanwhile.
WINDOW = 0.5
START = dt.datetime(2026, 11, 2, 15, tzinfo=dt.UTC)


def race(*actors: Callable[[], object]) -> list[object]:
    """Run the actors at once, each in its own thread; return what each returned.

    An exception is returned in place of a result, so a test can assert it.
    """
    barrier = threading.Barrier(len(actors))
    results: list[object] = [None] * len(actors)

    def run(index: int, actor: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = actor()
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, actor))
        for index, actor in enumerate(actors)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(RACE_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "deadlock"
    return results


def widen(monkeypatch, module, name: str, *, after: bool = True) -> threading.Event:
    """Make ``module.name`` pause (after it returns, or before it runs); return
    the event set when the pause begins.

    Only the first call pauses, so only the actor that gets there first
    leaves the window open for the other, which may wait for the event.
    """
    original = getattr(module, name)
    paused = threading.Event()

    def slow(*args, **kwargs):
        first = not paused.is_set()
        if first and not after:
            paused.set()
            time.sleep(WINDOW)
        result = original(*args, **kwargs)
        if first and after:
            if hasattr(result, "__iter__") and not isinstance(result, dict):
                result = list(result)
            paused.set()
            time.sleep(WINDOW)
        return result

    monkeypatch.setattr(module, name, slow)
    return paused


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened(client: Client, url: str) -> dict[str, str]:
    """Return the form as the page gave it, as a browser would post it back."""
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    return form_values(response)


@pytest.fixture
def draft(patient, clinician):
    return one_test_session(
        patient=patient, clinician=clinician, start=START, minutes=20
    )


def test_two_saves_of_one_draft_never_overwrite_silently(clinician, draft):
    # given the performer has the draft open on two devices
    url = reverse("assessments:session-update", args=[draft.uuid])
    tablet, desk = logged_in(clinician.user), logged_in(clinician.user)
    forms = [opened(tablet, url), opened(desk, url)]
    forms[0]["interpretation"] = "Written on the tablet."
    forms[1]["interpretation"] = "Written at the desk."

    # when both save at the same moment
    responses = race(
        lambda: tablet.post(url, forms[0]), lambda: desk.post(url, forms[1])
    )

    # then one is saved and the other is shown again, stale, with its text kept
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [HTTPStatus.OK, HTTPStatus.FOUND]
    kept = next(r for r in responses if r.status_code == HTTPStatus.OK)
    saved = next(r for r in responses if r.status_code == HTTPStatus.FOUND)
    assert "after you opened it" in kept.content.decode()
    draft.refresh_from_db()
    winner = forms[responses.index(saved)]["interpretation"]
    assert draft.interpretation == winner
    assert (
        form_values(kept)["interpretation"]
        == forms[responses.index(kept)]["interpretation"]
    )


def test_save_while_signing_is_kept_or_refused_never_lost(
    monkeypatch, clinician, draft
):
    # given the performer opened the draft, and signs it from another device
    url = reverse("assessments:session-update", args=[draft.uuid])
    editor, signer = logged_in(clinician.user), logged_in(clinician.user)
    form = opened(editor, url)
    form["interpretation"] = "Typed while the note was being signed."
    widen(monkeypatch, services, "day_sessions")

    # when the save and the signature arrive together
    saved, signed = race(
        lambda: editor.post(url, form),
        lambda: signer.post(
            reverse("assessments:session-sign", args=[draft.uuid]),
            {"password": DEFAULT_PASSWORD},
        ),
    )

    # then neither fails; the signature is made; the save is sealed or refused
    assert signed.status_code == HTTPStatus.FOUND
    assert saved.status_code in (HTTPStatus.FOUND, HTTPStatus.OK)
    draft.refresh_from_db()
    assert draft.status == TestSession.Status.SIGNED
    if saved.status_code == HTTPStatus.FOUND:
        assert draft.interpretation == form["interpretation"]
    else:
        assert "signed" in saved.content.decode()
        assert form_values(saved)["interpretation"] == form["interpretation"]


def test_two_patient_edits_never_overwrite_silently(clinician, patient):
    # given two colleagues opened the same patient
    url = reverse("assessments:patient-update", args=[patient.uuid])
    colleague = ClinicianFactory(
        clinic=patient.clinic, user__first_name="Dana", user__last_name="Reyes"
    )
    mine, theirs = logged_in(clinician.user), logged_in(colleague.user)
    forms = [opened(mine, url), opened(theirs, url)]
    forms[0]["first_name"] = "Mariana"
    forms[1]["date_of_birth"] = "1950-02-03"

    # when both save at the same moment
    responses = race(
        lambda: mine.post(url, forms[0]), lambda: theirs.post(url, forms[1])
    )

    # then one is saved; the other sees who changed what, with its input kept
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [HTTPStatus.OK, HTTPStatus.FOUND]
    patient.refresh_from_db()
    kept = next(r for r in responses if r.status_code == HTTPStatus.OK)
    if responses[0] is kept:
        assert (patient.first_name, str(patient.date_of_birth)) == (
            "Maria",
            "1950-02-03",
        )
        assert "Dana Reyes saved this patient at" in kept.content.decode()
        assert "date of birth changed" in kept.content.decode()
        assert form_values(kept)["first_name"] == "Mariana"
    else:
        assert patient.first_name == "Mariana"
        assert "Rosa Diaz saved this patient at" in kept.content.decode()
        assert "first name changed" in kept.content.decode()
        assert form_values(kept)["date_of_birth"] == "1950-02-03"


def test_decisions_recomputed_while_the_day_is_signed(monkeypatch, patient):
    """Finding 2: a recompute that read a draft signed a moment later failed."""
    # given a draft with its day's decision, and a payer for the patient
    draft = one_test_session(
        patient=patient,
        clinician=ClinicianFactory(clinic=patient.clinic),
        start=START,
        minutes=20,
    )
    services.session_billing_refresh(session=draft)
    payer = PayerFactory(clinic=patient.clinic)
    # The recompute reads the day's draft decision, then the note is signed.
    read = widen(monkeypatch, billing_services, "_decide", after=False)

    def sign():
        read.wait(RACE_TIMEOUT)
        return signing.session_sign(
            session=TestSession.objects.get(pk=draft.pk),
            clinician=draft.clinician,
            password=DEFAULT_PASSWORD,
            now=START + dt.timedelta(hours=4),
        )

    # when the coverage changes (every draft recomputed) as the note is signed
    changed, signed = race(
        lambda: coverage_save(
            patient=Patient.objects.get(pk=patient.pk),
            data=CoverageInput(payer=payer, member_id="M-1"),
        ),
        sign,
    )

    # then both are done, and the day's decision is final under the new payer
    assert not isinstance(changed, Exception), changed
    assert not isinstance(signed, Exception), signed
    decision = BillingDecision.objects.get(patient=patient)
    assert decision.status == BillingDecision.Status.FINAL
    assert decision.payer == payer


def test_a_session_saved_while_its_sibling_is_signed(monkeypatch, patient):
    # given two clinicians' drafts of the patient on one day
    first, second = (
        one_test_session(
            patient=patient,
            clinician=ClinicianFactory(clinic=patient.clinic),
            start=START + dt.timedelta(hours=hour),
            minutes=20,
        )
        for hour in (0, 2)
    )
    editor, signer = logged_in(first.clinician.user), logged_in(second.clinician.user)
    url = reverse("assessments:session-update", args=[first.uuid])
    form = opened(editor, url)
    form["interpretation"] = "Saved while the sibling was signed."
    # The save reads the day's sessions, then the sibling is signed.
    widen(monkeypatch, selectors, "day_sessions")
    monkeypatch.setattr(services, "day_sessions", selectors.day_sessions)

    # when the first is saved as the second is signed
    saved, signed = race(
        lambda: editor.post(url, form),
        lambda: signer.post(
            reverse("assessments:session-sign", args=[second.uuid]),
            {"password": DEFAULT_PASSWORD},
        ),
    )

    # then both succeed
    assert saved.status_code == HTTPStatus.FOUND, flashed_messages(saved)
    assert signed.status_code == HTTPStatus.FOUND
    assert TestSession.objects.get(pk=second.pk).status == TestSession.Status.SIGNED
    assert TestSession.objects.get(pk=first.pk).interpretation == form["interpretation"]


def test_the_last_two_notes_of_a_day_signed_at_once_finish_the_day(patient):
    # given two clinicians' drafts of the patient on one day
    first, second = (
        one_test_session(
            patient=patient,
            clinician=ClinicianFactory(clinic=patient.clinic),
            start=START + dt.timedelta(hours=hour),
            minutes=20,
        )
        for hour in (0, 2)
    )
    # when both are signed at the same moment
    results = race(
        *(
            lambda session=session: signing.session_sign(
                session=TestSession.objects.get(pk=session.pk),
                clinician=session.clinician,
                password=DEFAULT_PASSWORD,
                now=START + dt.timedelta(hours=4),
            )
            for session in (first, second)
        )
    )

    # then both are signed and the day's decision is final: nothing is left a draft
    assert not any(isinstance(result, Exception) for result in results), results
    assert list(
        BillingDecision.objects.filter(patient=patient).values_list("status", flat=True)
    ) == [BillingDecision.Status.FINAL]
