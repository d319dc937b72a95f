"""Norms, change and trend charts on the session page, the session form and the patient chart."""

import datetime as dt
import html
from http import HTTPStatus

import pytest
from django.urls import reverse

from assessments.models import NoteVersion
from assessments.notes import signing
from assessments.results import NO_SEX
from clinic.models import Patient
from tests.factories import (
    DEFAULT_PASSWORD,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
    mark_signed,
)

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2026, 9, 1, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago


@pytest.fixture
def patient(clinic):
    return PatientFactory(
        clinic=clinic, date_of_birth=dt.date(1950, 3, 14), sex=Patient.Sex.FEMALE
    )


def _session(patient, clinician, days, tug, *, signed=False):
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=FIRST + dt.timedelta(days=days),
    )
    PerformedTestFactory(
        session=session, catalog_code="timed_up_and_go", trials={"na": [tug]}
    )
    return mark_signed(session) if signed else session


@pytest.fixture
def retest(patient, clinician):
    """A draft TUG re-test 30 days after a signed one."""
    _session(patient, clinician, 0, "15.0", signed=True)
    return _session(patient, clinician, 30, "14.2")


def _page(client, name, *args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == HTTPStatus.OK
    return html.unescape(response.content.decode())


def test_session_page_shows_norm_flags_change_sources_and_chart(
    clinician_client, retest
):
    # when
    page = _page(clinician_client, "assessments:session-detail", retest.uuid)

    # then where the result stands, what it crosses and since when it changed
    assert "data-result-norms" in page
    assert "Adults 70–79" in page
    assert "≥ 13.5 s" in page
    assert "Since last time:" in page
    assert "since 09/01/2026" in page
    # with its sources listed and linked by number
    assert 'id="reference-1"' in page
    assert 'href="#reference-1"' in page
    # and the chart, as an image of its own URL with its data table
    chart = reverse("assessments:session-trend", args=[retest.uuid, "timed_up_and_go"])
    assert f'src="{chart}"' in page
    assert "Timed Up and Go (TUG): results by date" in page
    # and its key in words, the chart itself drawing no legend
    assert "Key: green band = 95 % CI of the mean, adults 70–79" in page
    assert "blue line = Timed Up and Go (TUG); red dashed line = " in page


def test_session_page_offers_the_drafted_interpretation_to_read(
    clinician_client, retest
):
    # when
    page = _page(clinician_client, "assessments:session-detail", retest.uuid)

    # then it is shown, apart from the interpretation, with the way to insert it
    assert "Drafted from the norms and cut-offs" in page
    assert "Timed Up and Go (TUG) 14.2 s:" in page
    assert "Edit the session to insert it" in page


def test_session_form_offers_the_draft_with_a_button_to_insert_it(
    clinician_client, retest
):
    # when
    page = _page(clinician_client, "assessments:session-update", retest.uuid)

    # then the button fills the interpretation field (static/js), never saves
    assert 'data-insert-draft="id_interpretation"' in page
    assert "js/interpretation_draft.js" in page
    assert "Timed Up and Go (TUG) 14.2 s:" in page
    retest.refresh_from_db()
    assert "Timed Up and Go" not in retest.interpretation


def test_a_new_session_form_has_no_draft(clinician_client, patient):
    page = _page(clinician_client, "assessments:session-create", patient.uuid)

    assert "data-insert-draft" not in page


def test_patient_of_unknown_sex_sees_results_without_norms_and_why(
    clinician_client, clinic, clinician
):
    # given
    patient = PatientFactory(clinic=clinic, sex=Patient.Sex.UNKNOWN)
    session = TestSessionFactory(patient=patient, clinician=clinician)
    PerformedTestFactory(
        session=session, catalog_code="chair_stand_30s", trials={"na": ["9"]}
    )

    # when
    page = _page(clinician_client, "assessments:session-detail", session.uuid)

    # then the page says once why, and each result why it has no norm
    assert NO_SEX.format(sex="unknown") in page
    assert "data-norm-missing" in page


def test_session_chart_is_an_svg_image_under_its_own_policy(clinician_client, retest):
    # when
    response = clinician_client.get(
        reverse("assessments:session-trend", args=[retest.uuid, "timed_up_and_go"])
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'"
    )
    svg = response.content.decode()
    assert svg.startswith("<svg")
    assert "Timed Up and Go (TUG), s" in svg
    assert "09/01/26" in svg


def test_chart_of_a_test_without_an_earlier_result_is_not_found(
    clinician_client, patient, clinician
):
    # given a first TUG
    session = _session(patient, clinician, 0, "12.0")

    # when
    response = clinician_client.get(
        reverse("assessments:session-trend", args=[session.uuid, "timed_up_and_go"])
    )

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_chart_of_another_clinics_session_is_not_found(other_clinician_client, retest):
    response = other_clinician_client.get(
        reverse("assessments:session-trend", args=[retest.uuid, "timed_up_and_go"])
    )

    assert response.status_code == HTTPStatus.NOT_FOUND


def test_patient_chart_shows_progress_of_every_test_newest_first(
    clinician_client, patient, clinician, retest
):
    # given a chair stand done after the TUGs
    session = TestSessionFactory(
        patient=patient, clinician=clinician, started_at=FIRST + dt.timedelta(days=40)
    )
    PerformedTestFactory(
        session=session, catalog_code="chair_stand_30s", trials={"na": ["9"]}
    )

    # when
    page = _page(clinician_client, "assessments:patient-detail", patient.uuid)

    # then
    assert 'id="progress"' in page
    assert page.index('data-trend="chair_stand_30s"') < page.index(
        'data-trend="timed_up_and_go"'
    )
    chart = reverse("assessments:patient-trend", args=[patient.uuid, "timed_up_and_go"])
    assert f'src="{chart}"' in page
    assert "draft" in page  # the re-test is not signed yet


def test_patient_chart_svg(clinician_client, patient, retest):
    response = clinician_client.get(
        reverse("assessments:patient-trend", args=[patient.uuid, "timed_up_and_go"])
    )

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "image/svg+xml"


def test_patient_without_results_has_an_empty_progress_section(
    clinician_client, patient
):
    page = _page(clinician_client, "assessments:patient-detail", patient.uuid)

    assert "No results yet." in page


def test_a_signed_session_page_shows_what_its_note_says(
    clinician_client, patient, clinician
):
    """A signed result compared later with an earlier one signed afterwards
    still shows the comparison its sealed note made."""
    # given a signed TUG, and a re-test signed with its note
    _session(patient, clinician, 0, "15.0", signed=True)
    retest = _session(patient, clinician, 30, "14.2")
    signing.session_sign(
        session=retest,
        clinician=clinician,
        password=DEFAULT_PASSWORD,
        now=FIRST + dt.timedelta(days=30, hours=2),
    )
    # and a draft between them, signed only afterwards
    _session(patient, clinician, 15, "13.0", signed=True)

    # when
    page = _page(clinician_client, "assessments:session-detail", retest.uuid)

    # then the page still compares with 09/01, as the note does
    assert "since 09/01/2026" in page
    assert "since 09/16/2026" not in page
    assert "Drafted from the norms" not in page


def test_a_note_signed_before_norms_shows_none_on_its_page(
    clinician_client, patient, clinician
):
    # given a TUG re-test whose sealed note was stored before notes held norms
    _session(patient, clinician, 0, "15.0", signed=True)
    retest = _session(patient, clinician, 30, "14.2", signed=True)
    NoteVersion.objects.create(
        session=retest,
        number=1,
        document_id="PN-BEFORE-NORMS-V1",
        pdf=b"%PDF-1.7",
        sha256="0" * 64,
        context={"tests": [{"number": 1, "name": "Timed Up and Go (TUG)"}]},
        created_at=retest.ended_at,
    )

    # when
    page = _page(clinician_client, "assessments:session-detail", retest.uuid)

    # then the page shows what that note says: no norms, no chart
    assert "data-result-norms" not in page
    assert 'id="references"' not in page
    assert "Results over time" not in page
