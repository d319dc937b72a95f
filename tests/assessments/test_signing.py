"""Signing locks a session, freezes its decision and stores one sealed PDF; addenda chain."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from assessments.models import Addendum, NoteVersion, TestSession
from assessments.notes import signing
from assessments.notes.sealing import check_seal
from billing.models import BillingDecision, Payer
from billing.services import CoverageInput, coverage_save
from tests.factories import DEFAULT_PASSWORD, ClinicianFactory, PayerFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC)


def _text(pdf):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_sign_locks_and_stores_a_sealed_note(session, clinician):
    # when
    version = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )

    # then the session is signed with the signer as they were
    session.refresh_from_db()
    assert session.status == TestSession.Status.SIGNED
    assert session.signed_at == NOW
    assert session.signed_by == clinician
    assert session.signer == signing.signer_snapshot(clinician=clinician)
    # and one sealed, intact, trusted PDF is stored with its hash
    pdf = bytes(version.pdf)
    assert version.number == 1
    assert version.previous_sha256 == ""
    assert version.sha256 == hashlib.sha256(pdf).hexdigest()
    seal = check_seal(pdf, clinics=[session.patient.clinic])
    assert (seal.intact, seal.trusted, seal.document_id) == (
        True,
        True,
        version.document_id,
    )
    assert "Electronically signed by" in _text(pdf)
    # and the decision was frozen with it
    decision = BillingDecision.objects.get(sessions=session)
    assert decision.status == BillingDecision.Status.FINAL


def test_wrong_password_signs_nothing(session, clinician):
    with pytest.raises(ValidationError) as error:
        signing.session_sign(
            session=session, clinician=clinician, password="wrong", now=NOW
        )

    assert error.value.message_dict == {"password": [signing.WRONG_PASSWORD]}
    session.refresh_from_db()
    assert session.status == TestSession.Status.DRAFT
    assert NoteVersion.objects.exists() is False


@pytest.mark.parametrize("role", ["pta", "ota"])
def test_assistant_cannot_sign(session, clinician, role):
    # given the performing clinician is an assistant
    clinician.role = role
    clinician.save()

    # when / then
    with pytest.raises(ValidationError, match="not within an assistant's scope"):
        signing.session_sign(
            session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
        )
    session.refresh_from_db()
    assert session.status == TestSession.Status.DRAFT
    assert NoteVersion.objects.exists() is False


def test_only_the_performer_signs(session, clinic):
    colleague = ClinicianFactory(clinic=clinic)

    with pytest.raises(ValidationError, match="Only the clinician who performed"):
        signing.session_sign(
            session=session, clinician=colleague, password=DEFAULT_PASSWORD, now=NOW
        )
    assert NoteVersion.objects.exists() is False


def test_signing_twice_is_refused(session, clinician):
    signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )

    with pytest.raises(ValidationError, match="already signed"):
        signing.session_sign(
            session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
        )
    assert NoteVersion.objects.count() == 1


def test_unbillable_session_can_be_signed_and_says_so(session, clinician):
    # given no interpretation: billing is blocked
    TestSession.objects.filter(pk=session.pk).update(interpretation="")
    session.refresh_from_db()

    # when
    version = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )

    # then
    session.refresh_from_db()
    assert session.billing_decision.qualifies is False
    assert "Not billable as CPT 97750" in _text(bytes(version.pdf))


def test_signing_freezes_the_billing_decision(session, clinician, patient):
    """After signing, the session's decision is final, computed at the signing time."""
    # when
    signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )

    # then
    session.refresh_from_db()
    decision = session.billing_decision
    assert decision.status == BillingDecision.Status.FINAL == "final"
    assert (decision.computed_at, decision.payer, decision.patient) == (
        NOW,
        patient.coverage.payer,
        patient,
    )


def test_a_patient_without_coverage_is_signed_with_no_payer(session, clinician):
    """No coverage: the final decision has no payer and the note says none is on file."""
    # given
    coverage_save(patient=session.patient, data=None)

    # when
    version = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )

    # then
    session.refresh_from_db()
    decision = session.billing_decision
    assert (decision.status, decision.payer, decision.qualifies) == (
        BillingDecision.Status.FINAL,
        None,
        False,
    )
    assert version.context["billing"] is None
    assert version.context["patient"]["payer"] == ""
    assert "No payer on file, so no billing decision was made." in _text(
        bytes(version.pdf)
    )


@pytest.mark.parametrize("_case", ["moved to another payer", "removed"])
def test_a_later_coverage_change_leaves_the_signed_decision_and_note_alone(
    session, clinician, clinic, _case
):
    """Changing the coverage after signing recomputes drafts only: the signed stay."""
    # given a signed session, its decision and its note as signed
    version = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    session.refresh_from_db()
    decision = BillingDecision.objects.filter(pk=session.billing_decision_id)
    signed_decision = decision.values().get()
    signed_note = (version.sha256, bytes(version.pdf), version.context)
    other = PayerFactory(
        clinic=clinic,
        name="Acme Health",
        kind=Payer.Kind.COMMERCIAL,
        method=Payer.Method.WHOLE_UNITS,
    )
    data = (
        CoverageInput(payer=other, member_id="ACME-001")
        if _case == "moved to another payer"
        else None
    )

    # when
    coverage_save(patient=session.patient, data=data)

    # then
    assert decision.values().get() == signed_decision
    assert signed_decision["status"] == BillingDecision.Status.FINAL
    stored = NoteVersion.objects.get(session=session)
    assert (stored.sha256, bytes(stored.pdf), stored.context) == signed_note


def test_addenda_chain_versions_and_keep_the_original(session, clinician):
    # given a signed note
    first = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )

    # when two addenda are signed
    second = signing.addendum_add(
        session=session,
        author=clinician,
        text="Correction: TUG used a cane.",
        password=DEFAULT_PASSWORD,
        now=NOW + dt.timedelta(days=1),
    )
    third = signing.addendum_add(
        session=session,
        author=clinician,
        text="Results sent to the referring physician.",
        password=DEFAULT_PASSWORD,
        now=NOW + dt.timedelta(days=2),
    )

    # then versions are numbered and chained by hash
    assert [v.number for v in session.note_versions.all()] == [1, 2, 3]
    assert second.previous_sha256 == first.sha256
    assert third.previous_sha256 == second.sha256
    # and the last holds the original content, then both addenda in order
    text = _text(bytes(third.pdf))
    assert text.index("Correction: TUG used a cane.") < text.index(
        "Results sent to the referring physician."
    )
    for line in ("Timed Up and Go", session.patient.mrn, "Electronically signed by"):
        assert line in text
    assert check_seal(bytes(third.pdf), clinics=[]).intact is True
    assert Addendum.objects.filter(session=session).count() == 2


def test_addendum_needs_a_signed_note_and_text(session, clinician):
    with pytest.raises(ValidationError, match="signed notes only"):
        signing.addendum_add(
            session=session,
            author=clinician,
            text="Too early.",
            password=DEFAULT_PASSWORD,
            now=NOW,
        )
    signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    with pytest.raises(ValidationError) as error:
        signing.addendum_add(
            session=session,
            author=clinician,
            text="  ",
            password=DEFAULT_PASSWORD,
            now=NOW,
        )
    assert error.value.message_dict == {"text": [signing.EMPTY_ADDENDUM]}
    assert Addendum.objects.exists() is False


def test_signed_note_keeps_patient_data_as_signed(session, clinician):
    # given a signed note, then the patient's name changes
    signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=NOW
    )
    old_name = session.patient.last_name
    session.patient.last_name = "Renamed"
    session.patient.save()

    # when an addendum is signed
    version = signing.addendum_add(
        session=session,
        author=clinician,
        text="Late entry.",
        password=DEFAULT_PASSWORD,
        now=NOW + dt.timedelta(days=1),
    )

    # then the new version still prints the note as signed
    text = _text(bytes(version.pdf))
    assert old_name in text
    assert "Renamed" not in text
