"""Claims: made frozen when a day's notes are all signed, locked at the database,
and exported as a CSV of CMS-1500 items or an 837P that pyx12 accepts."""

import csv
import datetime as dt
import io
from decimal import Decimal
from http import HTTPStatus
from pathlib import Path

import pytest
import pyx12.params
import pyx12.x12n_document
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.html import escape

from assessments.models import TestSession
from assessments.services import session_billing_refresh
from billing.claim_files import CSV_COLUMNS, NO_PAYER_ID, claims_export
from billing.claims import NO_CLINICIAN_NPI, NO_MEMBER_ID, claim_problems
from billing.models import BillingDecision, Claim, ClaimExport, ClaimLine
from clinic.models import AuditEvent
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    ClinicFactory,
    ClinicianFactory,
    DiagnosisFactory,
    PatientFactory,
    PayerFactory,
    one_test_session,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
DAY = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago


@pytest.fixture
def billing_clinic(db):
    return ClinicFactory(
        name="Riverside Physical Therapy",
        address="1420 River Road, Suite 200\nSpringfield, IL 62704",
        npi="1643829173",
        tax_id="36-4821753",
    )


@pytest.fixture
def therapist(billing_clinic):
    return ClinicianFactory(
        clinic=billing_clinic,
        user__first_name="Sarah",
        user__last_name="Mitchell",
        npi="1482905639",
    )


@pytest.fixture
def medicare(billing_clinic):
    return PayerFactory(
        clinic=billing_clinic, name="Medicare", payer_identifier="06102"
    )


def _patient(clinic, payer, **fields):
    patient = PatientFactory(
        **{
            "clinic": clinic,
            "first_name": "Eleanor",
            "last_name": "Whitfield",
            "date_of_birth": dt.date(1945, 10, 23),
            "coverage__payer": payer,
            "coverage__member_id": "1EG4TE5MK72",
            **fields,
        }
    )
    DiagnosisFactory(patient=patient, code="M17.11", position=0)
    DiagnosisFactory(patient=patient, code="R26.81", position=1)
    return patient


def _sign(session, now=NOW):
    """Lock the session as signing does; the day's last signed note makes the claim."""
    session_billing_refresh(session=session, now=now)
    TestSession.objects.filter(pk=session.pk).update(
        status=TestSession.Status.SIGNED,
        signed_at=session.ended_at,
        signed_by=session.clinician,
    )
    session_billing_refresh(session=session, now=now)
    return BillingDecision.objects.filter(sessions=session).get()


@pytest.fixture
def claim(billing_clinic, therapist, medicare):
    patient = _patient(billing_clinic, medicare)
    session = one_test_session(
        patient=patient, clinician=therapist, start=DAY, minutes=30
    )
    return _sign(session).claim


def test_signing_the_days_last_note_makes_a_frozen_claim(claim, medicare):
    """Everything a CMS-1500 needs is copied onto the claim and its lines."""
    # then
    assert (claim.number, claim.status, claim.frequency) == (
        f"PN{claim.decision.pk:08d}",
        "ready",
        "1",
    )
    assert (claim.payer, claim.payer_name, claim.payer_identifier) == (
        medicare,
        "Medicare",
        "06102",
    )
    assert (claim.member_id, claim.patient_name, claim.patient_birth_date) == (
        "1EG4TE5MK72",
        "Whitfield, Eleanor",
        dt.date(1945, 10, 23),
    )
    assert claim.diagnoses == ["M17.11", "R26.81"]
    assert (claim.place_of_service, claim.date_of_service) == (
        "11",
        dt.date(2026, 11, 2),
    )
    assert (claim.rendering_npi, claim.billing_npi, claim.billing_tax_id) == (
        "1482905639",
        "1643829173",
        "36-4821753",
    )
    assert claim.billing_address == {
        "street": ["1420 River Road, Suite 200"],
        "city": "Springfield",
        "state": "IL",
        "zip": "62704",
    }
    assert [
        (line.number, line.code, line.modifiers, line.units, line.diagnosis_pointers)
        for line in claim.lines.all()
    ] == [(1, "97750", "GP", 2, "12")]
    assert (claim.total_expected_payment, claim.lines.get().expected_payment) == (
        Decimal("100.00"),
        Decimal("100.00"),
    )


def test_drafts_never_make_claims(billing_clinic, therapist, medicare):
    # given a draft session
    session = one_test_session(
        patient=_patient(billing_clinic, medicare),
        clinician=therapist,
        start=DAY,
        minutes=30,
    )
    # when
    session_billing_refresh(session=session, now=NOW)
    # then
    assert Claim.objects.count() == 0


def test_a_day_with_a_draft_left_makes_no_claim_yet(
    billing_clinic, therapist, medicare
):
    # given two sessions on one day; only the first is signed
    patient = _patient(billing_clinic, medicare)
    first = one_test_session(
        patient=patient, clinician=therapist, start=DAY, minutes=10
    )
    second = one_test_session(
        patient=patient,
        clinician=therapist,
        start=DAY + dt.timedelta(hours=4),
        minutes=10,
    )
    session_billing_refresh(session=second, now=NOW)
    # when
    _sign(first)
    # then
    assert Claim.objects.count() == 0
    # and when the second is signed, one claim pools both
    claim = _sign(second).claim
    assert claim.lines.get().units == 1


def test_a_claim_that_cannot_be_made_says_why(billing_clinic, medicare):
    """No member ID, no rendering NPI: no claim; the reasons are listed."""
    # given
    patient = _patient(billing_clinic, medicare, coverage__member_id="")
    clinician = ClinicianFactory(clinic=billing_clinic, npi="")
    session = one_test_session(
        patient=patient, clinician=clinician, start=DAY, minutes=30
    )
    # when
    decision = _sign(session)
    # then
    assert not Claim.objects.exists()
    assert decision.status == "final"
    assert claim_problems(decision=decision) == [NO_MEMBER_ID, NO_CLINICIAN_NPI]


def test_a_later_session_of_a_finished_day_voids_and_replaces_its_claim(
    claim, therapist
):
    """Nothing is edited in place: the old claim is void, a replacement names it."""
    # given a second session the same day, signed later
    later = one_test_session(
        patient=claim.patient,
        clinician=therapist,
        start=DAY + dt.timedelta(hours=4),
        minutes=30,
    )
    # when
    replacement = _sign(later, now=NOW + dt.timedelta(days=1)).claim
    # then
    claim.refresh_from_db()
    assert (claim.status, claim.voided_at) == ("void", NOW + dt.timedelta(days=1))
    assert (replacement.frequency, replacement.replaces) == ("7", claim)
    assert replacement.lines.get().units == 4


@pytest.mark.parametrize(
    "change",
    [
        {"member_id": "CHANGED"},
        {"total_charge": Decimal("1.00")},
        {"diagnoses": ["Z00.00"]},
        {"payer_name": "Other"},
    ],
)
def test_the_database_refuses_to_change_a_claim(claim, change):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(**change)


def test_the_database_refuses_to_delete_a_claim_or_touch_its_lines(claim):
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.filter(claim=claim).update(units=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimLine.objects.filter(claim=claim).delete()


def test_a_status_only_moves_forward(claim):
    # given an exported claim
    Claim.objects.filter(pk=claim.pk).update(status="exported", exported_at=NOW)
    # when it is set back to ready / then refused
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="ready")
    # and a void claim never changes again
    Claim.objects.filter(pk=claim.pk).update(status="void", voided_at=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(status="exported")


# --- exports ---


def _export(claims, fmt, *, reexport=False, user=None):
    out = io.BytesIO()
    result = claims_export(
        claims=claims, fmt=fmt, out=out, user=user, reexport=reexport, now=NOW
    )
    return result, out.getvalue().decode()


def x12_accepted(text: str) -> bool:
    """Return whether pyx12 validates the 837P with no error (a 999 accepting it)."""
    ack = io.StringIO()
    valid = pyx12.x12n_document.x12n_document(
        param=pyx12.params.params(),
        src_file=io.StringIO(text),
        fd_997=ack,
        fd_html=None,
        fd_xmldoc=None,
    )
    return valid and "IK5*A~" in ack.getvalue() and "AK9*A*" in ack.getvalue()


def test_csv_has_one_row_per_line_named_after_cms_1500_items(claim):
    # when
    result, text = _export(Claim.objects.all(), "csv")
    # then
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == CSV_COLUMNS
    assert rows == [
        {
            "claim_number": claim.number,
            "claim_frequency": "1",
            "payer": "Medicare",
            "1a_insured_id": "1EG4TE5MK72",
            "2_patient_name": "Whitfield, Eleanor",
            "3_patient_birth_date": "1945-10-23",
            "3_patient_sex": "female",
            "17_referring_provider": "",
            "17b_referring_npi": "",
            "21_diagnoses": "A. M17.11;B. R26.81",
            "24_line": "1",
            "24A_date_of_service": "2026-11-02",
            "24B_place_of_service": "11",
            "24D_cpt": "97750",
            "24D_modifiers": "GP",
            "24E_diagnosis_pointer": "AB",
            "24F_charges": "0.00",
            "24G_units": "2",
            "24J_rendering_npi": "1482905639",
            "25_federal_tax_id": "36-4821753",
            "33_billing_provider": "Riverside Physical Therapy",
            "33a_billing_npi": "1643829173",
            "expected_payment": "100.00",
        }
    ]
    claim.refresh_from_db()
    assert (claim.status, claim.export, result.written) == (
        "exported",
        result.export,
        1,
    )


def test_the_837p_passes_pyx12_and_control_numbers_never_repeat(claim, therapist):
    """Each file is one interchange whose control numbers are the export's own."""
    # given a replacement claim too
    later = one_test_session(
        patient=claim.patient,
        clinician=therapist,
        start=DAY + dt.timedelta(hours=4),
        minutes=10,
    )
    first_result, first = _export(Claim.objects.all(), "837p")
    replacement = _sign(later).claim
    # when
    second_result, second = _export(Claim.objects.filter(pk=replacement.pk), "837p")
    # then
    assert x12_accepted(first)
    assert x12_accepted(second)
    controls = [text.split("*")[13] for text in (first, second)]
    assert controls == [
        first_result.export.control_number,
        second_result.export.control_number,
    ]
    assert controls[0] != controls[1]
    assert f"CLM*{replacement.number}*" in second
    assert f"REF*F8*{claim.number}~" in second
    assert ":B:7*" in second


def test_the_validator_catches_a_broken_file(claim):
    """pyx12 is a real check: a file with a bad segment is refused."""
    # given
    _, text = _export(Claim.objects.all(), "837p")
    # when the place of service composite loses its qualifier
    broken = text.replace("*11:B:1*", "*11:Q:1*")
    # then
    assert x12_accepted(text)
    assert not x12_accepted(broken)


def test_void_and_exported_claims_are_left_out_with_the_reason(claim):
    # given an exported claim
    _export(Claim.objects.all(), "csv")
    # when it is exported again without re-export
    result, text = _export(Claim.objects.all(), "csv")
    # then
    assert (result.export, result.written, text) == (None, 0, "")
    assert result.skipped == (
        (claim.number, "already exported (re-export to send it again)"),
    )
    # and with re-export it goes again, recorded as such
    again, _ = _export(Claim.objects.all(), "csv", reexport=True)
    assert (again.written, again.export.reexport) == (1, True)


def test_a_payer_without_an_electronic_id_is_left_out_of_an_837p(
    billing_clinic, therapist
):
    """The CSV still carries it; the 837P says why it left it out."""
    # given a claim made while the payer had no electronic ID
    payer = PayerFactory(clinic=billing_clinic, name="Medicare", payer_identifier="")
    session = one_test_session(
        patient=_patient(billing_clinic, payer),
        clinician=therapist,
        start=DAY,
        minutes=30,
    )
    claim = _sign(session).claim
    # when
    result, text = _export(Claim.objects.all(), "837p")
    # then
    assert (result.export, text) == (None, "")
    assert result.skipped == ((claim.number, NO_PAYER_ID),)
    assert _export(Claim.objects.all(), "csv")[0].written == 1


def test_a_new_payer_id_does_not_change_a_frozen_claim(claim):
    # when
    claim.payer.payer_identifier = "99999"
    claim.payer.save()
    # then
    assert Claim.objects.get(pk=claim.pk).payer_identifier == "06102"


# --- the command ---


def test_export_claims_writes_the_range_and_marks_it_exported(claim, tmp_path):
    # given
    out = tmp_path / "claims.x12"
    stdout = io.StringIO()
    # when
    call_command(
        "export_claims",
        "--from=2026-11-01",
        "--to=2026-11-30",
        "--format=837p",
        f"--out={out}",
        stdout=stdout,
    )
    # then
    assert x12_accepted(out.read_text())
    export = ClaimExport.objects.get()
    assert (export.destination, export.created_by, export.claim_count) == (
        str(out.resolve()),
        None,
        1,
    )
    assert f"Wrote 1 claim(s) to {out}" in stdout.getvalue()
    assert Claim.objects.get().status == "exported"


def test_an_empty_range_writes_nothing_and_says_so(claim, tmp_path):
    out = tmp_path / "claims.csv"
    stdout = io.StringIO()
    call_command(
        "export_claims",
        "--from=2025-01-01",
        "--to=2025-01-31",
        "--format=csv",
        f"--out={out}",
        stdout=stdout,
    )
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    assert "No claim to export from 2025-01-01 to 2025-01-31" in stdout.getvalue()
    assert not ClaimExport.objects.exists()


@pytest.mark.parametrize("where", ["missing folder", "existing file"])
def test_an_unwritable_out_is_a_clear_error_and_nothing_is_exported(
    claim, tmp_path, where
):
    out = tmp_path / "nowhere" / "claims.csv"
    if where == "existing file":
        out = tmp_path / "claims.csv"
        out.write_text("keep me")
    with pytest.raises(CommandError):
        call_command(
            "export_claims",
            "--from=2026-11-01",
            "--to=2026-11-30",
            "--format=csv",
            f"--out={out}",
        )
    assert Claim.objects.get().status == "ready"
    assert not ClaimExport.objects.exists()
    if where == "existing file":
        assert Path(out).read_text() == "keep me"


# --- the admin ---


@pytest.fixture
def billing_office(client, billing_clinic):
    from tests.factories import ClinicAdminFactory

    admin = ClinicAdminFactory(clinic=billing_clinic)
    admin.user.is_staff = True
    admin.user.save(update_fields=["is_staff"])
    admin.user.groups.add(clinic_admin_group_ensure())
    client.force_login(admin.user)
    return client


def _admin_export(client, action, claims, capture):
    """Run an export action; the worker's task runs when the request commits."""
    with capture(execute=True):
        client.post(
            reverse("admin:billing_claim_changelist"),
            {"action": action, "_selected_action": [claim.pk for claim in claims]},
        )
    export = ClaimExport.objects.latest("pk")
    return export, client.get(
        reverse("admin:billing_claimexport_change", args=[export.pk])
    )


def test_the_admin_queues_the_export_and_shows_its_page(
    billing_office, claim, django_capture_on_commit_callbacks
):
    """The action returns to the export's page at once; the worker writes the file."""
    # when the action runs, before the worker
    response = billing_office.post(
        reverse("admin:billing_claim_changelist"),
        {"action": "export_837p", "_selected_action": [claim.pk]},
        follow=True,
    )
    export = ClaimExport.objects.get()
    # then its page says it is being written, and reloads itself
    assert response.redirect_chain[-1][0] == reverse(
        "admin:billing_claimexport_change", args=[export.pk]
    )
    page = response.content.decode()
    assert (export.status, export.selection) == ("queued", [claim.pk])
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Queued: this page updates itself" in page
    assert Claim.objects.get().status == "ready"


def test_the_worker_writes_the_file_and_the_page_shows_it(
    billing_office, claim, django_capture_on_commit_callbacks
):
    # when
    export, response = _admin_export(
        billing_office, "export_837p", [claim], django_capture_on_commit_callbacks
    )
    # then
    page = response.content.decode()
    assert (export.status, export.claim_count) == ("done", 1)
    assert "1 claim exported." in page
    assert claim.number in page
    assert "refresh" not in page
    assert x12_accepted(export.file.read().decode())
    assert Claim.objects.get().status == "exported"


def test_the_export_page_says_why_nothing_was_exported(
    billing_office, claim, django_capture_on_commit_callbacks
):
    # given the claim was exported
    _export(Claim.objects.all(), "csv")
    # when it is exported again without re-export
    export, response = _admin_export(
        billing_office, "export_csv", [claim], django_capture_on_commit_callbacks
    )
    # then its page shows why
    page = response.content.decode()
    assert (export.claim_count, bool(export.file)) == (0, False)
    assert "No claim was exported: every one chosen was left out" in page
    assert f"{claim.number}: already exported" in page


def test_the_admin_lists_only_own_clinics_claims(billing_office, claim, other_clinic):
    response = billing_office.get(reverse("admin:billing_claim_changelist"))
    assert list(response.context["cl"].result_list) == [claim]
    searched = billing_office.get(
        reverse("admin:billing_claim_changelist"), {"q": "Whitfield"}
    )
    assert list(searched.context["cl"].result_list) == [claim]


def test_the_session_page_shows_the_claim_or_why_there_is_none(
    client, billing_clinic, medicare
):
    # given one signed day with a claim, and one without a member ID
    clinician = ClinicianFactory(clinic=billing_clinic, npi="1482905639")
    billed = one_test_session(
        patient=_patient(billing_clinic, medicare),
        clinician=clinician,
        start=DAY,
        minutes=30,
    )
    unbilled = one_test_session(
        patient=_patient(billing_clinic, medicare, coverage__member_id=""),
        clinician=clinician,
        start=DAY,
        minutes=30,
    )
    claim = _sign(billed).claim
    _sign(unbilled)
    client.force_login(clinician.user)
    # when
    shown = client.get(billed.get_absolute_url()).content.decode()
    refused = client.get(unbilled.get_absolute_url()).content.decode()
    # then
    assert f"Claim {claim.number}</strong> · Ready" in shown
    assert f"<strong>No claim:</strong> {escape(NO_MEMBER_ID)}." in refused


def test_the_export_page_hands_out_its_file_to_its_clinic_only(
    billing_office, claim, client, other_clinic, django_capture_on_commit_callbacks
):
    # given an export made in the admin
    export, _ = _admin_export(
        billing_office, "export_csv", [claim], django_capture_on_commit_callbacks
    )
    url = reverse("admin:billing_claimexport_download", args=[export.pk])
    # when
    response = billing_office.get(url)
    # then
    assert response.status_code == HTTPStatus.OK
    assert b"".join(response.streaming_content).decode().startswith("claim_number,")
    page = billing_office.get(
        reverse("admin:billing_claimexport_change", args=[export.pk])
    )
    assert url in page.content.decode()
    # and another clinic's office gets nothing
    from tests.factories import ClinicAdminFactory

    stranger = ClinicAdminFactory(clinic=other_clinic)
    stranger.user.is_staff = True
    stranger.user.save(update_fields=["is_staff"])
    stranger.user.groups.add(clinic_admin_group_ensure())
    client.force_login(stranger.user)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_a_bad_date_is_a_clear_error(claim, tmp_path):
    with pytest.raises(
        CommandError, match="'2026-13-01' is not a date like 2026-11-02"
    ):
        call_command(
            "export_claims",
            "--from=2026-13-01",
            "--to=2026-11-30",
            "--format=csv",
            f"--out={tmp_path / 'claims.csv'}",
        )
    assert not ClaimExport.objects.exists()


def test_an_export_records_each_patient_whose_claims_left(claim, therapist):
    # when
    result, _text = _export(Claim.objects.all(), "csv", user=therapist.user)
    # then one audit event per patient, naming the export
    [event] = AuditEvent.objects.all()
    assert (event.action, event.user, event.patient) == (
        AuditEvent.Action.EXPORTED,
        therapist.user,
        claim.patient,
    )
    assert event.what == f"claim export {result.export.uuid}"


def test_the_admins_decision_page_shows_the_claim_or_why_there_is_none(
    billing_office, claim, billing_clinic, therapist, medicare
):
    # given a signed day without a member ID beside the claimed one
    unbilled = one_test_session(
        patient=_patient(billing_clinic, medicare, coverage__member_id=""),
        clinician=therapist,
        start=DAY,
        minutes=30,
    )
    refused = _sign(unbilled)

    # when billing staff open each decision in the admin
    def page(decision):
        url = reverse("admin:billing_billingdecision_change", args=[decision.pk])
        return billing_office.get(url).content.decode()

    # then the claimed one links its claim, the other says why it has none
    claim_url = reverse("admin:billing_claim_change", args=[claim.pk])
    assert f'<a href="{claim_url}">{claim.number}</a> (Ready)' in page(claim.decision)
    assert f"No claim: {escape(NO_MEMBER_ID)}." in page(refused)
