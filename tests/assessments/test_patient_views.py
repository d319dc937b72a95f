"""Patient pages, login and the home redirect, seen through the test client.

The patient pages live in assessments; they save a patient, their diagnoses and
their coverage through assessments.services.patient_chart_save.
"""

import datetime as dt
import zoneinfo
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertRedirects

from assessments.services import session_billing_refresh
from assessments.views.patients import SESSIONS_PER_PAGE
from billing.models import COVERAGE_ENDS_BEFORE_START, Coverage, Payer
from clinic.forms import MAX_DIAGNOSES
from clinic.models import (
    DOB_IN_FUTURE,
    DOB_TOO_OLD,
    MAX_AGE_YEARS,
    Diagnosis,
    Patient,
    years_before,
)
from clinic.services import MRN_TAKEN
from tests.factories import (
    DEFAULT_PASSWORD,
    DiagnosisFactory,
    PatientFactory,
    PayerFactory,
    PerformedTestFactory,
    TestSessionFactory,
)
from tests.pages import flashed_messages

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
INVALID_ICD10 = (
    "Give an ICD-10-CM code such as M17.11 (letter, two characters, optional "
    "dot and up to four more)."
)


def _clinic_today():
    return timezone.localdate(timezone=CHICAGO)


def _detail_url(patient):
    return reverse("assessments:patient-detail", args=[patient.uuid])


def _patient_data(*, payer=None, diagnoses=(), **fields):
    """Return the POST body of the patient form, as a browser sends it.

    The coverage fields (payer, member_id, starts_on, ends_on) have no prefix.
    """
    data = {
        "first_name": "Maria",
        "last_name": "Lopez",
        "mrn": "A-1001",
        "date_of_birth": "1950-03-14",
        "sex": "female",
        "payer": str(payer.pk) if payer else "",
        "member_id": "1EG4-TE5-MK73",
        "starts_on": "",
        "ends_on": "",
        "diagnoses-TOTAL_FORMS": str(len(diagnoses)),
        "diagnoses-INITIAL_FORMS": "0",
        "diagnoses-MIN_NUM_FORMS": "0",
        "diagnoses-MAX_NUM_FORMS": "1000",
    }
    for index, (code, description) in enumerate(diagnoses):
        data[f"diagnoses-{index}-code"] = code
        data[f"diagnoses-{index}-description"] = description
    data.update(fields)
    return data


@pytest.fixture
def payer(clinic):
    return PayerFactory(clinic=clinic, name="Medicare Part B")


# --- login, logout and the home page ---------------------------------------------


def test_login_page_is_open_to_anonymous_users(client):
    # when
    response = client.get(reverse("login"))

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].fields.keys() == {"username", "password"}


def test_login_with_the_right_password_goes_to_the_worklist(client, clinician):
    # when
    response = client.post(
        reverse("login"),
        {"username": clinician.user.username, "password": DEFAULT_PASSWORD},
    )

    # then
    assertRedirects(response, reverse("home"))
    assert response.wsgi_request.user == clinician.user


def test_login_with_a_wrong_password_stays_on_the_login_page(client, clinician):
    # when
    response = client.post(
        reverse("login"),
        {"username": clinician.user.username, "password": "not-the-password"},
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors() == [
        "Please enter a correct username and password. Note that both fields may "
        "be case-sensitive."
    ]
    assert "_auth_user_id" not in client.session


def test_home_sends_an_anonymous_user_to_login(client):
    # when
    response = client.get(reverse("home"))

    # then
    assertRedirects(response, f"{reverse('login')}?next=/")


@pytest.mark.parametrize(
    ("_case", "url_name", "needs_patient"),
    [
        ("patient list", "assessments:patient-list", False),
        ("patient create", "assessments:patient-create", False),
        ("patient detail", "assessments:patient-detail", True),
        ("patient update", "assessments:patient-update", True),
    ],
)
def test_patient_pages_need_login(client, patient, _case, url_name, needs_patient):
    # given
    url = reverse(url_name, args=[patient.uuid] if needs_patient else [])

    # when
    response = client.get(url)

    # then
    assertRedirects(response, f"{reverse('login')}?next={url}")


def test_anonymous_post_creates_no_patient(client, clinic):
    # when
    response = client.post(reverse("assessments:patient-create"), _patient_data())

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))
    assert Patient.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "url_name", "needs_patient"),
    [
        ("patient list", "assessments:patient-list", False),
        ("patient create", "assessments:patient-create", False),
        ("patient detail", "assessments:patient-detail", True),
        ("patient update", "assessments:patient-update", True),
    ],
)
def test_user_without_clinic_sees_no_patient_page(
    no_clinic_client, patient, _case, url_name, needs_patient
):
    # given
    url = reverse(url_name, args=[patient.uuid] if needs_patient else [])

    # when
    response = no_clinic_client.get(url)

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- patient list ------------------------------------------------------------------


def test_patient_list_shows_only_the_clinics_patients(
    clinician_client, clinic, patient, other_patient
):
    # given
    colleague_patient = PatientFactory(
        clinic=clinic, first_name="Ann", last_name="Baker"
    )

    # when
    response = clinician_client.get(reverse("assessments:patient-list"))

    # then
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["patients"]) == [colleague_patient, patient]
    assert other_patient.mrn not in response.content.decode()


def test_patient_list_counts_sessions_and_shows_the_last_one(
    clinician_client, patient, clinician
):
    """Each row counts the patient's sessions and shows the latest one's date."""
    # given
    for day in (3, 10):
        TestSessionFactory(
            patient=patient,
            clinician=clinician,
            started_at=dt.datetime(2025, 1, day, 15, 0, tzinfo=dt.UTC),
        )

    # when
    response = clinician_client.get(reverse("assessments:patient-list"))

    # then
    [row] = response.context["patients"]
    assert (row.session_count, row.last_session_at) == (
        2,
        dt.datetime(2025, 1, 10, 15, 0, tzinfo=dt.UTC),
    )
    assert "01/10/2025" in response.content.decode()


def test_clinic_admin_sees_the_patient_list(clinic_admin_client, patient):
    # when
    response = clinic_admin_client.get(reverse("assessments:patient-list"))

    # then
    assert response.status_code == HTTPStatus.OK
    assert list(response.context["patients"]) == [patient]


@pytest.mark.parametrize(
    ("_case", "query", "expected_last_names"),
    [
        ("first name, any case", "maria", ["Lopez"]),
        ("part of a last name", "ake", ["Baker"]),
        ("MRN, any case", "b-2002", ["Baker"]),
        ("part of an MRN", "100", ["Lopez"]),
        ("every word must match", "ann baker", ["Baker"]),
        ("words match different patients", "maria baker", []),
        ("surrounding spaces", "  lopez  ", ["Lopez"]),
        ("empty search lists everyone", "", ["Baker", "Lopez"]),
    ],
)
def test_patient_list_search_by_name_and_mrn(
    clinician_client, clinic, other_clinic, _case, query, expected_last_names
):
    # given
    PatientFactory(clinic=clinic, first_name="Maria", last_name="Lopez", mrn="A-1001")
    PatientFactory(clinic=clinic, first_name="Ann", last_name="Baker", mrn="B-2002")
    PatientFactory(
        clinic=other_clinic, first_name="Maria", last_name="Lopez", mrn="B-2002"
    )

    # when
    response = clinician_client.get(reverse("assessments:patient-list"), {"q": query})

    # then
    assert response.status_code == HTTPStatus.OK
    assert [p.last_name for p in response.context["patients"]] == expected_last_names
    assert response.context["search"] == query.strip()


def test_patient_list_says_when_nothing_matches(clinician_client, patient):
    # when
    response = clinician_client.get(reverse("assessments:patient-list"), {"q": "zzz"})

    # then
    assert list(response.context["patients"]) == []
    assert "No patient matches “zzz”." in response.content.decode()


@pytest.mark.parametrize("patient_count", [1, 20])
def test_patient_list_query_count_does_not_grow_with_patients(
    clinician_client, clinic, clinician, django_assert_num_queries, patient_count
):
    # given
    for _ in range(patient_count):
        session = TestSessionFactory(patient__clinic=clinic, clinician=clinician)
        PerformedTestFactory(session=session)

    # when
    # session, user (with clinician and clinic), savepoint, count, patients
    # (with their session counts), the page's one audit event (lock the
    # chain's head, insert, move the head), release savepoint
    with django_assert_num_queries(9):
        response = clinician_client.get(reverse("assessments:patient-list"))

    # then
    assert response.status_code == HTTPStatus.OK
    assert len(response.context["patients"]) == patient_count


# --- patient detail ----------------------------------------------------------------


def test_patient_detail_shows_the_patient_diagnoses_and_sessions(
    clinician_client, patient, session
):
    """The chart shows the patient, their coverage, diagnoses and sessions."""
    # given
    DiagnosisFactory(patient=patient, code="R26.81", description="Unsteady gait")

    # when
    response = clinician_client.get(
        reverse("assessments:patient-detail", args=[patient.uuid])
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["patient"] == patient
    assert response.context["coverage"] == patient.coverage
    assert list(response.context["sessions"]) == [session]
    assert [d.code for d in response.context["diagnoses"]] == ["R26.81"]
    page = response.content.decode()
    assert "<strong>R26.81</strong> Unsteady gait" in page
    assert (
        f"{patient.coverage.payer.name} · member id {patient.coverage.member_id}"
    ) in page
    assert reverse("assessments:session-create", args=[patient.uuid]) in page


def test_patient_of_another_clinic_is_not_found(clinician_client, other_patient):
    # when
    response = clinician_client.get(
        reverse("assessments:patient-detail", args=[other_patient.uuid])
    )

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_clinic_admin_sees_the_patient_without_a_new_session_button(
    clinic_admin_client, patient
):
    # when
    response = clinic_admin_client.get(
        reverse("assessments:patient-detail", args=[patient.uuid])
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert (
        reverse("assessments:session-create", args=[patient.uuid])
        not in response.content.decode()
    )


@pytest.mark.parametrize("session_count", [1, 20])
def test_patient_detail_query_count_does_not_grow_with_sessions(
    clinician_client, clinic, patient, django_assert_num_queries, session_count
):
    """The chart costs the same fourteen queries whatever the number of sessions."""
    # given
    DiagnosisFactory(patient=patient)
    for _ in range(session_count):
        # Each session by a different clinician, each with two tests.
        session = TestSessionFactory(patient=patient, clinician__clinic=clinic)
        PerformedTestFactory.create_batch(2, session=session)

    # when
    # session, user (with clinician and clinic), savepoint, patient, coverage,
    # diagnoses, plans of care (with their goal counts), session count, a page
    # of sessions (with their test counts), the results of the latest sessions
    # (Progress), the goals of the latest plan of care (Progress's goal lines),
    # the audit event (head, insert, head), release savepoint
    with django_assert_num_queries(15):
        response = clinician_client.get(
            reverse("assessments:patient-detail", args=[patient.uuid])
        )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count('<td class="text-end">2</td>') == (
        session_count
    )


def test_patient_detail_pages_its_sessions_newest_first(
    clinician_client, clinic, patient
):
    """A chart shows 50 sessions a page, so a patient with 1,000 loads as fast."""
    # given
    first = dt.datetime(2025, 1, 1, 15, 0, tzinfo=dt.UTC)
    sessions = [
        TestSessionFactory(
            patient=patient,
            clinician__clinic=clinic,
            started_at=first + dt.timedelta(days=day),
        )
        for day in range(SESSIONS_PER_PAGE + 1)
    ]
    url = reverse("assessments:patient-detail", args=[patient.uuid])

    # when
    page_one = clinician_client.get(url)
    page_two = clinician_client.get(url, {"page": 2})

    # then
    assert list(page_one.context["sessions"]) == sessions[:0:-1]
    assert list(page_two.context["sessions"]) == [sessions[0]]
    assert "Page 1 of 2 · 51 sessions" in page_one.content.decode()


# --- create a patient --------------------------------------------------------------


def test_new_patient_form_is_empty_with_two_diagnosis_rows(clinician_client):
    # when
    response = clinician_client.get(reverse("assessments:patient-create"))

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["patient"] is None
    assert len(response.context["diagnoses"].forms) == 2


def test_payer_choices_are_only_the_clinics_payers(
    clinician_client, payer, other_clinic
):
    """The coverage payer can only be one of the clinic's payers."""
    # given
    PayerFactory(clinic=other_clinic, name="Stranger Health")

    # when
    response = clinician_client.get(reverse("assessments:patient-create"))

    # then
    assert list(response.context["coverage"].fields["payer"].queryset) == [payer]


def test_creating_a_patient_with_diagnoses(clinician_client, clinic, payer):
    """The patient is saved in the user's clinic with the typed coverage and diagnoses in order."""
    # given
    data = _patient_data(
        payer=payer,
        diagnoses=[
            ("M17.11", "Unilateral primary osteoarthritis, right knee"),
            ("R26.81", "Unsteady gait"),
        ],
    )

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    patient = Patient.objects.get()
    assertRedirects(response, _detail_url(patient))
    assert (
        patient.clinic,
        patient.mrn,
        patient.first_name,
        patient.last_name,
        patient.date_of_birth,
        patient.sex,
        patient.coverage.payer,
        patient.coverage.member_id,
    ) == (
        clinic,
        "A-1001",
        "Maria",
        "Lopez",
        dt.date(1950, 3, 14),
        "female",
        payer,
        "1EG4-TE5-MK73",
    )
    assert list(patient.diagnoses.values_list("code", "description", "position")) == [
        ("M17.11", "Unilateral primary osteoarthritis, right knee", 0),
        ("R26.81", "Unsteady gait", 1),
    ]
    assert flashed_messages(response) == ["Saved Maria Lopez."]


def test_blank_diagnosis_rows_are_ignored(clinician_client):
    """Blank diagnosis rows save nothing; with no payer the patient has no coverage."""
    # given
    data = _patient_data(diagnoses=[("", ""), ("", "")])

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    patient = Patient.objects.get()
    assertRedirects(response, _detail_url(patient))
    assert not Coverage.objects.filter(patient=patient).exists()
    assert Diagnosis.objects.count() == 0


def test_payer_of_another_clinic_is_refused(clinician_client, other_clinic):
    """Another clinic's payer is refused on the coverage form; nothing is saved."""
    # given
    stranger_payer = PayerFactory(clinic=other_clinic)

    # when
    response = clinician_client.post(
        reverse("assessments:patient-create"), _patient_data(payer=stranger_payer)
    )

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors == {}
    assert response.context["coverage"].errors == {
        "payer": [
            "Select a valid choice. That choice is not one of the available choices."
        ]
    }
    assert Patient.objects.count() == 0


# --- bad patient input -------------------------------------------------------------


def _assert_refused(response, form_values, field_errors, *, field_id, message, data):
    """The page comes back with the message next to the field and the typed values."""
    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, field_id) == [message]
    shown = form_values(response)
    assert {name: shown.get(name) for name in data} == data


def test_date_of_birth_in_the_future_is_refused(
    clinician_client, payer, form_values, field_errors
):
    # given
    tomorrow = _clinic_today() + dt.timedelta(days=1)
    data = _patient_data(payer=payer, date_of_birth=tomorrow.isoformat())

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        field_id="id_date_of_birth",
        message=DOB_IN_FUTURE,
        data=data,
    )
    assert Patient.objects.count() == 0


def test_date_of_birth_more_than_120_years_ago_is_refused(
    clinician_client, payer, form_values, field_errors
):
    # given
    too_old = years_before(_clinic_today(), MAX_AGE_YEARS) - dt.timedelta(days=1)
    data = _patient_data(payer=payer, date_of_birth=too_old.isoformat())

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        field_id="id_date_of_birth",
        message=DOB_TOO_OLD,
        data=data,
    )
    assert DOB_TOO_OLD == "The date of birth is more than 120 years ago."
    assert Patient.objects.count() == 0


def test_date_of_birth_exactly_120_years_ago_is_accepted(clinician_client):
    # given
    oldest = years_before(_clinic_today(), MAX_AGE_YEARS)

    # when
    response = clinician_client.post(
        reverse("assessments:patient-create"),
        _patient_data(date_of_birth=oldest.isoformat()),
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert Patient.objects.get().date_of_birth == oldest


def test_duplicate_mrn_in_the_same_clinic_is_refused_whatever_the_case(
    clinician_client, clinic, payer, form_values, field_errors
):
    # given
    PatientFactory(clinic=clinic, mrn="A-1001", first_name="Ann")
    data = _patient_data(payer=payer, mrn="a-1001")

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        field_id="id_mrn",
        message=MRN_TAKEN.format(mrn="a-1001"),
        data=data,
    )
    assert list(Patient.objects.values_list("first_name", flat=True)) == ["Ann"]


def test_duplicate_mrn_saved_at_the_same_moment_gets_the_field_message(
    clinician_client, clinic, payer, form_values, field_errors, monkeypatch
):
    """When the service's MRN check misses a duplicate, the constraint's refusal shows on the field."""
    # given another user's save of the MRN lands between the service's check and
    # its insert (the check sees no other patient), so only the database
    # constraint can catch it
    PatientFactory(clinic=clinic, mrn="A-1001", first_name="Ann")
    exists = QuerySet.exists
    monkeypatch.setattr(
        QuerySet,
        "exists",
        lambda queryset: False if queryset.model is Patient else exists(queryset),
    )
    data = _patient_data(payer=payer, mrn="A-1001")

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        field_id="id_mrn",
        message=MRN_TAKEN.format(mrn="A-1001"),
        data=data,
    )
    assert list(Patient.objects.values_list("first_name", flat=True)) == ["Ann"]


def test_same_mrn_in_another_clinic_is_accepted(clinician_client, other_clinic):
    # given
    PatientFactory(clinic=other_clinic, mrn="A-1001")

    # when
    response = clinician_client.post(
        reverse("assessments:patient-create"), _patient_data(mrn="A-1001")
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert Patient.objects.filter(mrn="A-1001").count() == 2


def test_invalid_icd10_code_is_refused(
    clinician_client, payer, form_values, field_errors
):
    # given
    data = _patient_data(
        payer=payer,
        diagnoses=[("M17.11", "Osteoarthritis, right knee"), ("17.11M", "Typo")],
    )

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        field_id="id_diagnoses-1-code",
        message=INVALID_ICD10,
        data=data,
    )
    assert field_errors(response, "id_diagnoses-0-code") == []
    assert Patient.objects.count() == 0
    assert Diagnosis.objects.count() == 0


def test_coverage_ending_before_it_starts_is_refused(
    clinician_client, payer, form_values, field_errors
):
    """ "Covered until" before "covered from" is refused next to it; nothing is saved."""
    # given
    data = _patient_data(payer=payer, starts_on="2025-06-01", ends_on="2025-05-31")

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        field_id="id_ends_on",
        message=COVERAGE_ENDS_BEFORE_START,
        data=data,
    )
    assert field_errors(response, "id_starts_on") == []
    assert COVERAGE_ENDS_BEFORE_START == (
        "Covered until must not be before covered from."
    )
    assert Patient.objects.count() == 0
    assert Coverage.objects.count() == 0


def test_diagnosis_listed_twice_is_refused(clinician_client, payer):
    """The same ICD-10 code in two rows is refused above the form; nothing is saved."""
    # given
    data = _patient_data(
        payer=payer,
        diagnoses=[("M17.11", "Osteoarthritis, right knee"), ("M17.11", "Again")],
    )

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].non_field_errors() == ["M17.11 is listed twice."]
    assert Patient.objects.count() == 0
    assert Diagnosis.objects.count() == 0


def test_a_forged_number_of_diagnosis_rows_is_refused_without_building_them(
    clinician_client, payer
):
    """TOTAL_FORMS of 100,000 builds at most 12 forms and says so; nothing is saved."""
    # given
    data = _patient_data(payer=payer, **{"diagnoses-TOTAL_FORMS": "100000"})

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then a forged count is a bad request, shown with what was typed
    assert response.status_code == HTTPStatus.BAD_REQUEST
    diagnoses = response.context["diagnoses"]
    assert len(diagnoses.forms) == MAX_DIAGNOSES
    assert diagnoses.non_form_errors() == ["Please submit at most 12 forms."]
    assert Patient.objects.count() == 0


# --- edit a patient ----------------------------------------------------------------


def test_edit_form_shows_the_patient_as_stored(clinician_client, patient, form_values):
    """The edit form shows the stored patient, coverage payer and diagnoses."""
    # given
    DiagnosisFactory(patient=patient, code="M17.11", description="OA right knee")

    # when
    response = clinician_client.get(
        reverse("assessments:patient-update", args=[patient.uuid])
    )

    # then
    assert response.status_code == HTTPStatus.OK
    shown = form_values(response)
    assert (
        shown["first_name"],
        shown["mrn"],
        shown["date_of_birth"],
        shown["payer"],
        shown["diagnoses-0-code"],
        shown["diagnoses-INITIAL_FORMS"],
    ) == (
        "Maria",
        patient.mrn,
        "1950-03-14",
        str(patient.coverage.payer.pk),
        "M17.11",
        "1",
    )


def test_editing_a_patient_changes_fields_and_diagnoses(
    clinician_client, patient, form_values
):
    # given
    kept = DiagnosisFactory(patient=patient, code="M17.11", description="OA knee")
    removed = DiagnosisFactory(patient=patient, code="R26.81", description="Gait")
    url = reverse("assessments:patient-update", args=[patient.uuid])
    data = form_values(clinician_client.get(url))
    data.update(
        {
            "last_name": "Lopez-Garcia",
            "mrn": patient.mrn.lower(),
            "diagnoses-1-DELETE": "on",
            "diagnoses-2-code": "Z96.651",
            "diagnoses-2-description": "Presence of right artificial knee joint",
        }
    )

    # when
    response = clinician_client.post(url, data)

    # then
    assertRedirects(response, _detail_url(patient))
    patient.refresh_from_db()
    assert (patient.last_name, patient.mrn) == ("Lopez-Garcia", data["mrn"])
    assert list(patient.diagnoses.values_list("pk", "code")) == [
        (kept.pk, "M17.11"),
        (patient.diagnoses.get(code="Z96.651").pk, "Z96.651"),
    ]
    assert not Diagnosis.objects.filter(pk=removed.pk).exists()


def test_patient_of_another_clinic_cannot_be_edited(clinician_client, other_patient):
    # given
    url = reverse("assessments:patient-update", args=[other_patient.uuid])

    # when
    get_response = clinician_client.get(url)
    post_response = clinician_client.post(
        url, _patient_data(first_name="Hacked", mrn=other_patient.mrn)
    )

    # then
    assert get_response.status_code == HTTPStatus.NOT_FOUND
    assert post_response.status_code == HTTPStatus.NOT_FOUND
    other_patient.refresh_from_db()
    assert other_patient.first_name != "Hacked"
    assert Patient.objects.count() == 1


def test_added_diagnosis_is_listed_after_the_existing_ones(
    clinician_client, patient, form_values
):
    """Diagnoses print on the note in the order the form shows them."""
    # given
    first = DiagnosisFactory(patient=patient, code="M17.11", position=0)
    second = DiagnosisFactory(patient=patient, code="R26.81", position=1)
    url = reverse("assessments:patient-update", args=[patient.uuid])
    data = form_values(clinician_client.get(url))
    data.update(
        {"diagnoses-2-code": "Z96.651", "diagnoses-2-description": "Right knee joint"}
    )

    # when
    clinician_client.post(url, data)

    # then
    assert list(patient.diagnoses.values_list("pk", "code", "position")) == [
        (first.pk, "M17.11", 0),
        (second.pk, "R26.81", 1),
        (patient.diagnoses.get(code="Z96.651").pk, "Z96.651", 2),
    ]


def test_removing_a_diagnosis_closes_the_gap_in_positions(
    clinician_client, patient, form_values
):
    # given
    DiagnosisFactory(patient=patient, code="M17.11", position=0)
    DiagnosisFactory(patient=patient, code="R26.81", position=1)
    DiagnosisFactory(patient=patient, code="Z96.651", position=2)
    url = reverse("assessments:patient-update", args=[patient.uuid])
    data = form_values(clinician_client.get(url))
    data["diagnoses-0-DELETE"] = "on"

    # when
    clinician_client.post(url, data)

    # then
    assert list(patient.diagnoses.values_list("code", "position")) == [
        ("R26.81", 0),
        ("Z96.651", 1),
    ]


def test_changing_the_payer_recomputes_the_drafts_billing_decision(
    clinician_client, clinic, patient, session, form_values
):
    """A new coverage payer on the patient page re-bills the patient's draft session.

    The draft's decision now names the commercial payer, with its kind, its rate
    and the payment estimated at that rate.
    """
    # given a draft billed to the patient's Medicare payer at $50.00
    session_billing_refresh(session=session)
    medicare = patient.coverage.payer
    assert (
        session.billing_decision.payer,
        session.billing_decision.expected_payment,
    ) == (medicare, Decimal("50.00"))
    commercial = PayerFactory(
        clinic=clinic,
        name="Blue Cross PPO",
        kind=Payer.Kind.COMMERCIAL,
        rate_97750=Decimal("99.00"),
    )
    url = reverse("assessments:patient-update", args=[patient.uuid])
    data = form_values(clinician_client.get(url))
    data["payer"] = str(commercial.pk)

    # when
    response = clinician_client.post(url, data)

    # then
    assertRedirects(response, _detail_url(patient))
    decision = session.billing_decision
    decision.refresh_from_db()
    assert (
        decision.status,
        decision.payer,
        decision.inputs["payer_kind"],
        decision.inputs["rates"]["97750"],
        decision.qualifies,
        decision.units,
        decision.expected_payment,
    ) == ("draft", commercial, "commercial", "99.00", True, 1, Decimal("99.00"))


def test_patient_list_pages_by_fifty(clinician_client, clinic):
    # given 51 patients, the last one alphabetically on page 2
    for number in range(51):
        PatientFactory(clinic=clinic, last_name=f"Zed{number:02d}", first_name="A")

    # when
    first = clinician_client.get(reverse("assessments:patient-list"))
    second = clinician_client.get(reverse("assessments:patient-list"), {"page": "2"})
    beyond = clinician_client.get(reverse("assessments:patient-list"), {"page": "junk"})

    # then
    assert len(first.context["patients"]) == 50
    assert [p.last_name for p in second.context["patients"]] == ["Zed50"]
    assert "Page 1 of 2 · 51 patients" in first.content.decode()
    assert beyond.status_code == HTTPStatus.OK
    assert beyond.context["patients"].number == 1


def test_refused_patient_opens_on_the_summary_of_its_problems(
    clinician_client, form_values
):
    """The patient form lists each problem at its top, a diagnosis row by its number."""
    # given: no last name, and a second diagnosis without its code
    data = _patient_data(
        last_name="",
        diagnoses=[("R26.81", "Unsteadiness on feet"), ("", "History of falling")],
    )

    # when
    response = clinician_client.post(reverse("assessments:patient-create"), data)

    # then
    assert response.status_code == HTTPStatus.OK
    assert [(link.href, link.label) for link in response.context["error_summary"]] == [
        ("#id_last_name", "Last name"),
        ("#id_diagnoses-1-code", "Diagnosis 2 · ICD-10 code"),
    ]
    assert 'id="error-summary" role="alert"' in response.content.decode()
    shown = form_values(response)
    assert {name: shown.get(name) for name in data} == data
