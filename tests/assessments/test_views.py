"""Session pages: record, see and change a timed test session through the client.

Times are typed as clock times in the clinic's zone (America/Chicago). Sessions
are on 15 January 2025, when Chicago is UTC-6, so 09:00 there is 15:00 UTC.
"""

import datetime as dt
import html
import json
import re
import zoneinfo
from http import HTTPStatus
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertRedirects

from assessments import catalog
from assessments.forms import MAX_PROCEDURES, MAX_TESTS, SKIPPED_TIME
from assessments.models import PerformedTest, TestSession
from assessments.recording import (
    NO_TESTS,
    PROCEDURE_LISTED_TWICE,
    SESSION_ENDS_BEFORE_START,
    SESSION_IN_FUTURE,
    SIDE_NOT_APPLICABLE,
    SIDE_REQUIRED,
    TEST_ENDS_BEFORE_START,
    TEST_OUTSIDE_SESSION,
    TESTS_OVERLAP,
    TIMED_PROCEDURE_NEEDS_MINUTES,
    TOO_MANY_TRIALS,
)
from assessments.services import session_billing_refresh
from assessments.timeparse import INVALID_CLOCK
from assessments.views.sessions import session_create_view
from billing.models import BillingDecision
from clinic.access import NOT_A_CLINICIAN
from tests.factories import (
    ClinicianFactory,
    PerformedTestFactory,
    SameDayProcedureFactory,
    TestSessionFactory,
    mark_signed,
)
from tests.pages import flashed_messages

pytestmark = pytest.mark.django_db

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
DAY = "2025-01-15"
TUG = "Timed Up and Go (TUG)"
GRIP = "Grip strength (Jamar dynamometer)"


def _utc(hour, minute, second=0):
    """Return 15 January 2025 at a UTC clock time."""
    return dt.datetime(2025, 1, 15, hour, minute, second, tzinfo=dt.UTC)


def _tug(**fields):
    return {
        "catalog_code": "timed_up_and_go",
        "side": "na",
        "start": "09:05:00",
        "stop": "09:15:00",
        "trial_1": "12.5",
        **fields,
    }


def _grip(**fields):
    return {
        "catalog_code": "grip_dynamometry",
        "side": "both",
        "start": "09:20:00",
        "stop": "09:32:30",
        "trial_1": "24.0",
        "trial_2": "25.5",
        "trial_3": "23",
        "right_trial_1": "30",
        "right_trial_2": "31.5",
        "right_trial_3": "29.0",
        "notes": "Right hand dominant.",
        **fields,
    }


def _session_data(*tests, procedures=(), **fields):
    """Return the POST body of the session form, as a browser sends it."""
    data = {
        "date": DAY,
        "time_in": "09:00:00",
        "time_out": "10:00:00",
        "discipline": "PT",
        "reason": "Fall risk after right total knee replacement.",
        "interpretation": "TUG above 12 s: elevated fall risk.",
        "tests-TOTAL_FORMS": str(len(tests)),
        "tests-INITIAL_FORMS": "0",
        "tests-MIN_NUM_FORMS": "1",
        "tests-MAX_NUM_FORMS": "1000",
        "procedures-TOTAL_FORMS": str(len(procedures)),
        "procedures-INITIAL_FORMS": "0",
    }
    for index, test in enumerate(tests):
        data.update({f"tests-{index}-{name}": value for name, value in test.items()})
    for index, procedure in enumerate(procedures):
        data.update(
            {f"procedures-{index}-{name}": value for name, value in procedure.items()}
        )
    data.update(fields)
    return data


def _stored_tests(session):
    return list(
        session.tests.values_list(
            "catalog_code",
            "side",
            "started_at",
            "ended_at",
            "trials",
            "notes",
            "position",
        )
    )


@pytest.fixture
def create_url(patient):
    return reverse("assessments:session-create", args=[patient.uuid])


@pytest.fixture
def draft(patient, clinician):
    """A draft session 09:00-10:00 Chicago time with one TUG at 09:05-09:15."""
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=_utc(15, 0),
        ended_at=_utc(16, 0),
    )
    PerformedTestFactory(session=session, started_at=_utc(15, 5), ended_at=_utc(15, 15))
    return session


# --- who may see which page ----------------------------------------------------------


@pytest.mark.parametrize(
    ("_case", "url_name"),
    [
        ("session create", "assessments:session-create"),
        ("session detail", "assessments:session-detail"),
        ("session update", "assessments:session-update"),
    ],
)
def test_session_pages_need_login(client, session, _case, url_name):
    """An anonymous visitor is sent to the login page."""
    # given
    target = session.patient if url_name.endswith("create") else session
    url = reverse(url_name, args=[target.uuid])

    # when
    response = client.get(url)

    # then
    assertRedirects(response, f"{reverse('login')}?next={url}")


@pytest.mark.parametrize(
    ("_case", "url_name"),
    [
        ("session create", "assessments:session-create"),
        ("session detail", "assessments:session-detail"),
        ("session update", "assessments:session-update"),
    ],
)
def test_session_pages_of_another_clinic_are_not_found(
    clinician_client, other_session, _case, url_name
):
    """Another clinic's session pages are 404, not 403: their existence is not shown."""
    # given
    target = other_session.patient if url_name.endswith("create") else other_session
    url = reverse(url_name, args=[target.uuid])

    # when
    response = clinician_client.get(url)

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("_case", "url_name"),
    [
        ("session create", "assessments:session-create"),
        ("session detail", "assessments:session-detail"),
        ("session update", "assessments:session-update"),
    ],
)
def test_user_without_clinic_sees_no_session_page(
    no_clinic_client, session, _case, url_name
):
    """A user who works in no clinic sees no session page."""
    # given
    target = session.patient if url_name.endswith("create") else session
    url = reverse(url_name, args=[target.uuid])

    # when
    response = no_clinic_client.get(url)

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_anonymous_post_records_no_session(client, create_url):
    """An anonymous post is sent to login and stores nothing."""
    # when
    response = client.post(create_url, _session_data(_tug()))

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("login"))
    assert TestSession.objects.count() == 0


def test_clinician_of_another_clinic_cannot_record_a_session_for_the_patient(
    other_clinician_client, patient, create_url
):
    """Another clinic's clinician gets 404 and stores nothing."""
    # when
    response = other_clinician_client.post(create_url, _session_data(_tug()))

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert TestSession.objects.count() == 0


def test_clinician_of_another_clinic_cannot_change_the_session(
    other_clinician_client, draft
):
    """Another clinic's clinician gets 404 and the draft stays as it was."""
    # given
    url = reverse("assessments:session-update", args=[draft.uuid])

    # when
    response = other_clinician_client.post(
        url, _session_data(_tug(trial_1="20.0"), reason="Changed.")
    )

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND
    draft.refresh_from_db()
    assert draft.reason == "Fall risk after right total knee replacement."
    assert _stored_tests(draft)[0][4] == {"na": ["12.5"]}


def test_clinic_admin_cannot_open_the_session_form(clinic_admin_client, create_url):
    """Front-office admins do not record sessions: the form is 404."""
    # when
    response = clinic_admin_client.get(create_url)

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_clinic_admin_cannot_record_a_session(clinic_admin_client, create_url):
    """A front-office admin's post is 404 and stores nothing."""
    # when
    response = clinic_admin_client.post(create_url, _session_data(_tug()))

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert TestSession.objects.count() == 0


def test_clinic_admin_cannot_edit_a_session(clinic_admin_client, draft):
    """A front-office admin cannot open a draft for editing."""
    # when
    response = clinic_admin_client.get(
        reverse("assessments:session-update", args=[draft.uuid])
    )

    # then
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_clinic_admin_sees_the_session_without_an_edit_link(clinic_admin_client, draft):
    """A front-office admin may read a session but is offered no edit link."""
    # when
    response = clinic_admin_client.get(draft.get_absolute_url())

    # then
    assert response.status_code == HTTPStatus.OK
    assert (
        reverse("assessments:session-update", args=[draft.uuid])
        not in response.content.decode()
    )


def test_clinic_admin_is_refused_because_they_are_not_a_clinician(
    rf, clinic_admin, patient, create_url
):
    """The 404 comes from the clinician check, not from patient scoping."""
    # given
    request = rf.get(create_url)
    request.user = clinic_admin.user

    # when
    with pytest.raises(Http404) as error:
        session_create_view(request, patient_uuid=patient.uuid)

    # then
    assert str(error.value) == NOT_A_CLINICIAN
    assert NOT_A_CLINICIAN == "Only clinicians record, sign and amend test sessions."


# --- create a session --------------------------------------------------------------


def test_new_session_form_has_one_empty_test_row(clinician_client, create_url):
    """A new session starts today under the clinician's discipline, with one test row and the catalog for the script."""
    # when
    response = clinician_client.get(create_url)

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].initial == {
        "date": timezone.localdate(timezone=CHICAGO),
        "discipline": "PT",
        "plan_of_care": None,
    }
    assert len(response.context["formset"].forms) == 1
    catalog_data = json.loads(
        response.content.decode()
        .split('<script id="catalog-data" type="application/json">')[1]
        .split("</script>")[0]
    )
    assert catalog_data["timed_up_and_go"] == {
        "name": TUG,
        "abbreviation": "TUG",
        "category": "Balance",
        "unit": "s",
        "trials": 1,
        "practice_trials": 0,
        "per_side": False,
        "min": "1",
        "max": "300",
        "routine_measure": False,
        "grades": False,
        "items": [],
        "conditions": [catalog.script_data()["timed_up_and_go"]["conditions"][0]],
        "entered": None,
    }


def test_occupational_therapist_defaults_to_ot(client, clinic, patient, create_url):
    """An occupational therapist's new session is an OT session."""
    # given
    therapist = ClinicianFactory(clinic=clinic, role="ot", credentials="OTR/L")
    client.force_login(therapist.user)

    # when
    response = client.get(create_url)

    # then
    assert response.context["form"].initial["discipline"] == "OT"


def test_new_session_page_cancels_back_to_the_patient(
    clinician_client, patient, create_url
):
    """Cancel on a new session leads to the patient's chart."""
    # when
    response = clinician_client.get(create_url)

    # then
    patient_url = reverse("assessments:patient-detail", args=[patient.uuid])
    assert (
        f'<a class="btn btn-link" href="{patient_url}">Cancel</a>'
        in response.content.decode()
    )


def test_edit_page_cancels_back_to_the_session(clinician_client, draft):
    """Cancel on an edit leads back to the session."""
    # when
    response = clinician_client.get(
        reverse("assessments:session-update", args=[draft.uuid])
    )

    # then
    assert (
        f'<a class="btn btn-link" href="{draft.get_absolute_url()}">Cancel</a>'
        in response.content.decode()
    )


def test_recording_a_session_stores_times_in_utc_and_trials_as_typed(
    clinician_client, clinician, patient, create_url
):
    """Clock times are stored in UTC, tests in the order they were done, trials with the digits typed."""
    # given: the later test comes first in the form
    data = _session_data(_grip(), _tug())

    # when
    response = clinician_client.post(create_url, data)

    # then
    session = TestSession.objects.get()
    assertRedirects(response, session.get_absolute_url())
    assert flashed_messages(response) == ["Session saved."]
    assert (
        session.patient,
        session.clinician,
        session.started_at,
        session.ended_at,
        session.discipline,
        session.reason,
        session.interpretation,
        session.status,
    ) == (
        patient,
        clinician,
        _utc(15, 0),
        _utc(16, 0),
        "PT",
        "Fall risk after right total knee replacement.",
        "TUG above 12 s: elevated fall risk.",
        "draft",
    )
    assert _stored_tests(session) == [
        (
            "timed_up_and_go",
            "na",
            _utc(15, 5),
            _utc(15, 15),
            {"na": ["12.5"]},
            "",
            0,
        ),
        (
            "grip_dynamometry",
            "both",
            _utc(15, 20),
            _utc(15, 32, 30),
            {"left": ["24.0", "25.5", "23"], "right": ["30", "31.5", "29.0"]},
            "Right hand dominant.",
            1,
        ),
    ]


def test_summer_times_are_read_in_central_daylight_time(clinician_client, create_url):
    """In July the clinic's clock is UTC-5."""
    # given: 15 July, when Chicago is UTC-5
    data = _session_data(_tug(), date="2025-07-15")

    # when
    clinician_client.post(create_url, data)

    # then
    session = TestSession.objects.get()
    assert (session.started_at, session.tests.get().started_at) == (
        dt.datetime(2025, 7, 15, 14, 0, tzinfo=dt.UTC),
        dt.datetime(2025, 7, 15, 14, 5, tzinfo=dt.UTC),
    )


def test_one_sided_test_stores_its_side(clinician_client, create_url):
    """A test of one side stores only that side's trials."""
    # given
    data = _session_data(
        _grip(side="left", right_trial_1="", right_trial_2="", right_trial_3="")
    )

    # when
    clinician_client.post(create_url, data)

    # then
    assert PerformedTest.objects.get().trials == {"left": ["24.0", "25.5", "23"]}


def test_removed_test_rows_are_not_stored(clinician_client, create_url):
    """A row marked for removal is neither checked nor stored."""
    # given
    data = _session_data(_tug(), _grip(start="09:10:00", DELETE="on"))

    # when
    clinician_client.post(create_url, data)

    # then
    assert list(PerformedTest.objects.values_list("catalog_code", flat=True)) == [
        "timed_up_and_go"
    ]


def test_other_procedures_are_stored_with_untimed_minutes_dropped(
    clinician_client, create_url
):
    """Timed procedures keep their minutes; minutes typed for an untimed code are 0."""
    # given
    data = _session_data(
        _tug(),
        procedures=[
            {"code": "97161", "minutes": "30"},
            {"code": "97110", "minutes": "12"},
            {"code": "97140", "minutes": "8", "DELETE": "on"},
        ],
    )

    # when
    response = clinician_client.post(create_url, data)

    # then
    session = TestSession.objects.get()
    assertRedirects(response, session.get_absolute_url())
    assert list(session.same_day_procedures.values_list("code", "minutes")) == [
        ("97110", 12),
        ("97161", 0),
    ]


# --- see a session ---------------------------------------------------------------


def test_session_detail_shows_each_tests_minutes_and_the_timed_total(
    clinician_client, patient, clinician
):
    """Each test's own minutes show, and the timed total counts overlapping minutes once."""
    # given: TUG 09:05-09:17 and grip 09:15-09:25 overlap by 2 minutes;
    # the 10-metre walk runs 7.5 minutes.
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=_utc(15, 0),
        ended_at=_utc(16, 0),
    )
    PerformedTestFactory(
        session=session, started_at=_utc(15, 5), ended_at=_utc(15, 17), position=0
    )
    PerformedTestFactory(
        session=session,
        catalog_code="grip_dynamometry",
        side="both",
        started_at=_utc(15, 15),
        ended_at=_utc(15, 25),
        trials={"left": ["24.0", "25.5"], "right": ["30"]},
        position=1,
    )
    PerformedTestFactory(
        session=session,
        catalog_code="ten_metre_walk",
        started_at=_utc(15, 30),
        ended_at=_utc(15, 37, 30),
        trials={"na": ["1.01", "1.04"]},
        position=2,
    )

    # when
    response = clinician_client.get(session.get_absolute_url())

    # then
    assert response.status_code == HTTPStatus.OK
    summary = response.context["summary"]
    assert [(row.test.catalog_code, row.minutes) for row in summary.rows] == [
        ("timed_up_and_go", 12),
        ("grip_dynamometry", 10),
        ("ten_metre_walk", 7),
    ]
    assert (summary.total_timed_minutes, summary.total_minutes) == (27, 60)
    page = response.content.decode()
    assert page.count('<td class="text-end">12</td>') == 1
    assert page.count('<td class="text-end">10</td>') == 1
    assert page.count('<td class="text-end">7</td>') == 1
    assert '<td class="text-end" id="total-timed-minutes">27</td>' in page
    assert "09:05:00 – 09:17:00" in page
    assert "Left: 24.8 kg" in page
    assert "1.03 m/s" in page


def test_session_detail_links_to_edit_while_draft(clinician_client, draft):
    """A draft's page links to its edit form."""
    # when
    response = clinician_client.get(draft.get_absolute_url())

    # then
    assert (
        reverse("assessments:session-update", args=[draft.uuid])
        in response.content.decode()
    )


# --- change a session --------------------------------------------------------------


def test_edit_form_shows_the_stored_times_in_clinic_time(
    clinician_client, draft, form_values
):
    """The edit form shows stored times as the clinic's clock times."""
    # when
    response = clinician_client.get(
        reverse("assessments:session-update", args=[draft.uuid])
    )

    # then
    assert response.status_code == HTTPStatus.OK
    shown = form_values(response)
    assert {
        name: shown[name]
        for name in (
            "date",
            "time_in",
            "time_out",
            "tests-TOTAL_FORMS",
            "tests-0-catalog_code",
            "tests-0-side",
            "tests-0-start",
            "tests-0-stop",
            "tests-0-trial_1",
        )
    } == {
        "date": DAY,
        "time_in": "09:00:00",
        "time_out": "10:00:00",
        "tests-TOTAL_FORMS": "1",
        "tests-0-catalog_code": "timed_up_and_go",
        "tests-0-side": "na",
        "tests-0-start": "09:05:00",
        "tests-0-stop": "09:15:00",
        "tests-0-trial_1": "12.5",
    }


def test_editing_a_draft_replaces_its_tests(clinician_client, draft, form_values):
    """Posting the edit form back replaces the draft's fields and tests."""
    # given: the page as the browser got it, with one more test added
    url = reverse("assessments:session-update", args=[draft.uuid])
    data = form_values(clinician_client.get(url))
    data.update(
        {
            "tests-0-trial_1": "11.0",
            "tests-TOTAL_FORMS": "2",
            **{f"tests-1-{name}": value for name, value in _grip().items()},
            "interpretation": "Improved.",
        }
    )

    # when
    response = clinician_client.post(url, data)

    # then
    assertRedirects(response, draft.get_absolute_url())
    draft.refresh_from_db()
    assert draft.interpretation == "Improved."
    assert [(t[0], t[4]) for t in _stored_tests(draft)] == [
        ("timed_up_and_go", {"na": ["11.0"]}),
        (
            "grip_dynamometry",
            {"left": ["24.0", "25.5", "23"], "right": ["30", "31.5", "29.0"]},
        ),
    ]
    assert TestSession.objects.count() == 1


def test_edit_form_shows_the_stored_procedures(clinician_client, draft, form_values):
    """Stored procedures come back under the "procedures" prefix; untimed ones without minutes."""
    # given
    SameDayProcedureFactory(session=draft, code="97110", minutes=10)
    SameDayProcedureFactory(session=draft, code="97161", minutes=0)

    # when
    response = clinician_client.get(
        reverse("assessments:session-update", args=[draft.uuid])
    )

    # then
    shown = form_values(response)
    assert {name: value for name, value in shown.items() if "procedures" in name} == {
        "procedures-TOTAL_FORMS": "2",
        "procedures-INITIAL_FORMS": "2",
        "procedures-MIN_NUM_FORMS": "0",
        "procedures-MAX_NUM_FORMS": "20",
        "procedures-0-code": "97110",
        "procedures-0-minutes": "10",
        "procedures-1-code": "97161",
        "procedures-1-minutes": "",
    }


def test_editing_a_draft_replaces_its_procedures(clinician_client, draft, form_values):
    """The posted procedures replace the stored ones; a removed row is deleted."""
    # given: the page as the browser got it, one procedure removed and one added
    SameDayProcedureFactory(session=draft, code="97110", minutes=10)
    SameDayProcedureFactory(session=draft, code="97161", minutes=0)
    url = reverse("assessments:session-update", args=[draft.uuid])
    data = form_values(clinician_client.get(url))
    data.update(
        {
            "procedures-0-minutes": "15",
            "procedures-1-DELETE": "on",
            "procedures-TOTAL_FORMS": "3",
            "procedures-2-code": "97530",
            "procedures-2-minutes": "8",
        }
    )

    # when
    response = clinician_client.post(url, data)

    # then
    assertRedirects(response, draft.get_absolute_url())
    assert list(draft.same_day_procedures.values_list("code", "minutes")) == [
        ("97110", 15),
        ("97530", 8),
    ]


def test_an_edit_breaking_a_rule_is_refused_and_keeps_the_draft(
    clinician_client, draft, form_values, field_errors
):
    """The service refuses the edit: errors on the fields, stored draft and decision unchanged."""
    # given: the page as the browser got it, with an overlapping grip added
    session_billing_refresh(session=draft)
    draft.refresh_from_db()
    decision = BillingDecision.objects.values().get(pk=draft.billing_decision_id)
    url = reverse("assessments:session-update", args=[draft.uuid])
    data = form_values(clinician_client.get(url))
    del data["csrfmiddlewaretoken"]  # masked anew on every page
    data.update(
        {
            "reason": "Changed.",
            "tests-TOTAL_FORMS": "2",
            **{
                f"tests-1-{name}": value
                for name, value in _grip(start="09:10:00", stop="09:20:00").items()
            },
        }
    )

    # when
    response = clinician_client.post(url, data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {
            "id_tests-0-start": [
                f"{TUG} (09:05:00–09:15:00) overlaps {GRIP} (09:10:00–09:20:00)."
            ],
            "id_tests-1-start": [
                f"{GRIP} (09:10:00–09:20:00) overlaps {TUG} (09:05:00–09:15:00)."
            ],
        },
    )
    stored = TestSession.objects.get()
    assert stored.reason == "Fall risk after right total knee replacement."
    assert _stored_tests(stored) == [
        ("timed_up_and_go", "na", _utc(15, 5), _utc(15, 15), {"na": ["12.5"]}, "", 0)
    ]
    assert BillingDecision.objects.values().get() == decision


def test_signed_session_cannot_be_opened_for_editing(clinician_client, draft):
    """A signed session's edit page sends the clinician to the session to add an addendum."""
    # given
    mark_signed(draft)

    # when
    response = clinician_client.get(
        reverse("assessments:session-update", args=[draft.uuid])
    )

    # then
    assertRedirects(response, draft.get_absolute_url())
    assert flashed_messages(response) == [
        "This session is signed; add an addendum instead."
    ]


def test_signed_session_is_not_changed_by_a_post(clinician_client, draft):
    """A post to a signed session's edit page changes nothing."""
    # given
    mark_signed(draft)
    before = _stored_tests(draft)

    # when
    response = clinician_client.post(
        reverse("assessments:session-update", args=[draft.uuid]),
        _session_data(_tug(trial_1="20.0"), reason="Changed after signing."),
    )

    # then
    assertRedirects(response, draft.get_absolute_url())
    assert flashed_messages(response) == [
        "This session is signed; add an addendum instead."
    ]
    draft.refresh_from_db()
    assert (draft.reason, draft.status) == (
        "Fall risk after right total knee replacement.",
        "signed",
    )
    assert _stored_tests(draft) == before


def test_signed_session_detail_has_no_edit_link(clinician_client, draft):
    """A signed session's page offers no edit link."""
    # given
    mark_signed(draft)

    # when
    response = clinician_client.get(draft.get_absolute_url())

    # then
    assert response.status_code == HTTPStatus.OK
    assert (
        reverse("assessments:session-update", args=[draft.uuid])
        not in response.content.decode()
    )


# --- bad session input -------------------------------------------------------------


def _assert_refused(response, form_values, field_errors, data, errors):
    """The page comes back with each message next to its field and the typed values."""
    assert response.status_code == HTTPStatus.OK
    for field_id, messages in errors.items():
        assert field_errors(response, field_id) == messages, field_id
    shown = form_values(response)
    assert {name: shown.get(name) for name in data} == data


def test_session_ending_before_it_starts_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """The service's refusal is shown on time out; nothing typed is lost, nothing stored."""
    # given
    data = _session_data(_tug(), time_in="10:00:00", time_out="09:00:00")

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {"id_time_out": [SESSION_ENDS_BEFORE_START]},
    )
    assert SESSION_ENDS_BEFORE_START == "Time out must be after time in."
    assert TestSession.objects.count() == 0


def test_test_stopping_before_it_starts_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """The refusal is shown on that test's stop field only."""
    # given
    data = _session_data(_tug(), _grip(start="09:40:00", stop="09:35:00"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {"id_tests-1-stop": [TEST_ENDS_BEFORE_START], "id_tests-0-stop": []},
    )
    assert TEST_ENDS_BEFORE_START == "Stop must be after start."
    assert TestSession.objects.count() == 0


def test_test_outside_the_session_window_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """A test outside time in–time out is refused on its start field with both intervals."""
    # given
    data = _session_data(_tug(), _grip(start="09:50:00", stop="10:05:00"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    message = TEST_OUTSIDE_SESSION.format(
        start="09:50:00",
        end="10:05:00",
        session_start="09:00:00",
        session_end="10:00:00",
    )
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {"id_tests-1-start": [message], "id_tests-0-start": []},
    )
    assert message == (
        "This test (09:50:00–10:05:00) falls outside the session's time in–time out "
        "(09:00:00–10:00:00)."
    )
    assert TestSession.objects.count() == 0


def test_overlapping_tests_are_refused_on_both_rows_naming_both(
    clinician_client, create_url, form_values, field_errors
):
    """Each overlapping test's start field names the other test and both intervals."""
    # given
    data = _session_data(_tug(), _grip(start="09:10:00", stop="09:20:00"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    tug_message = f"{TUG} (09:05:00–09:15:00) overlaps {GRIP} (09:10:00–09:20:00)."
    grip_message = f"{GRIP} (09:10:00–09:20:00) overlaps {TUG} (09:05:00–09:15:00)."
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {"id_tests-0-start": [tug_message], "id_tests-1-start": [grip_message]},
    )
    assert tug_message == TESTS_OVERLAP.format(
        this=TUG,
        this_start="09:05:00",
        this_end="09:15:00",
        other=GRIP,
        other_start="09:10:00",
        other_end="09:20:00",
    )
    assert TestSession.objects.count() == 0


def test_tests_that_touch_do_not_overlap(clinician_client, create_url):
    """A test may start the second the one before it stops."""
    # given
    data = _session_data(_tug(), _grip(start="09:15:00", stop="09:25:00"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert PerformedTest.objects.count() == 2


@pytest.mark.parametrize(
    ("_case", "test", "field", "message"),
    [
        (
            "above the range",
            _tug(trial_1="301"),
            "trial_1",
            f"{TUG}: 301 s is outside the plausible range 1–300 s.",
        ),
        (
            "below the range",
            _tug(trial_1="0.5"),
            "trial_1",
            f"{TUG}: 0.5 s is outside the plausible range 1–300 s.",
        ),
        (
            "right side above the range",
            _grip(right_trial_2="150"),
            "right_trial_2",
            f"{GRIP}: 150 kg is outside the plausible range 0–100 kg.",
        ),
        (
            "too many decimals for the instrument",
            _tug(trial_1="12.55"),
            "trial_1",
            f"{TUG}: give at most 1 decimal place.",
        ),
        (
            "not a number",
            _tug(trial_1="twelve"),
            "trial_1",
            "Enter a number.",
        ),
    ],
)
def test_implausible_trial_value_is_refused(
    clinician_client,
    create_url,
    form_values,
    field_errors,
    _case,
    test,
    field,
    message,
):
    """A value out of range, too precise or not a number is refused on the field it was typed in."""
    # given
    data = _session_data(test)

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response, form_values, field_errors, data, {f"id_tests-0-{field}": [message]}
    )
    assert TestSession.objects.count() == 0


def test_too_many_trials_for_a_one_trial_test_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """A second value for a one-trial test is refused on the field it was typed in."""
    # given
    data = _session_data(_tug(trial_2="13.0"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    message = TOO_MANY_TRIALS.format(test=TUG, trials=1)
    _assert_refused(
        response, form_values, field_errors, data, {"id_tests-0-trial_2": [message]}
    )
    assert message == f"{TUG} records at most 1 trial(s)."
    assert TestSession.objects.count() == 0


@pytest.mark.parametrize(
    ("_case", "test", "field", "message"),
    [
        (
            "one-trial test typed in trials 1 and 3",
            _tug(trial_3="13.0"),
            "trial_3",
            f"{TUG} records at most 1 trial(s).",
        ),
        (
            "two-trial test typed in all three right trials",
            {
                "catalog_code": "back_scratch",
                "side": "both",
                "start": "09:20:00",
                "stop": "09:30:00",
                "trial_1": "-2.0",
                "right_trial_1": "1.0",
                "right_trial_2": "1.5",
                "right_trial_3": "2.0",
            },
            "right_trial_3",
            "Back scratch test records at most 2 trial(s).",
        ),
    ],
)
def test_too_many_trials_are_refused_on_the_field_the_extra_one_was_typed_in(
    clinician_client, create_url, form_values, field_errors, _case, test, field, message
):
    """The extra trial's message sits on the field it was typed in, even after a gap."""
    # given
    data = _session_data(test)

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response, form_values, field_errors, data, {f"id_tests-0-{field}": [message]}
    )
    assert TestSession.objects.count() == 0


def test_two_bad_values_in_one_row_are_each_refused_on_their_own_field(
    clinician_client, create_url, form_values, field_errors
):
    """Every implausible value of a row is named on the field it was typed in."""
    # given
    data = _session_data(_grip(trial_1="150", trial_2="200", right_trial_2="300"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    message = f"{GRIP}: {{}} kg is outside the plausible range 0–100 kg."
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {
            "id_tests-0-trial_1": [message.format(150)],
            "id_tests-0-trial_2": [message.format(200)],
            "id_tests-0-trial_3": [],
            "id_tests-0-right_trial_2": [message.format(300)],
        },
    )
    assert TestSession.objects.count() == 0


def test_procedure_listed_twice_is_refused_on_the_second_ones_code(
    clinician_client, create_url, form_values, field_errors
):
    """A procedure is listed once; the repeat is named on its own code field."""
    # given
    data = _session_data(
        _tug(),
        procedures=[
            {"code": "97110", "minutes": "10"},
            {"code": "97161", "minutes": ""},
            {"code": "97110", "minutes": "5"},
        ],
    )

    # when
    response = clinician_client.post(create_url, data)

    # then
    message = PROCEDURE_LISTED_TWICE.format(code="97110")
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {
            "id_procedures-0-code": [],
            "id_procedures-2-code": [message],
            "id_procedures-2-minutes": [],
        },
    )
    assert message == "97110 is listed twice; give its minutes once."
    assert TestSession.objects.count() == 0


def test_timed_procedure_without_minutes_is_refused_on_its_minutes(
    clinician_client, create_url, form_values, field_errors
):
    """A timed procedure needs its direct minutes."""
    # given
    data = _session_data(_tug(), procedures=[{"code": "97530", "minutes": ""}])

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {"id_procedures-0-minutes": [TIMED_PROCEDURE_NEEDS_MINUTES]},
    )
    assert TIMED_PROCEDURE_NEEDS_MINUTES == (
        "Give the direct minutes of this timed procedure."
    )
    assert TestSession.objects.count() == 0


def test_repeated_timed_procedure_without_minutes_shows_both_problems(
    clinician_client, create_url, form_values, field_errors
):
    """Two problems of one procedure row both show, and later rows keep theirs."""
    # given
    data = _session_data(
        _tug(),
        procedures=[
            {"code": "97110", "minutes": "10"},
            {"code": "97110", "minutes": ""},
            {"code": "97530", "minutes": ""},
        ],
    )

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {
            "id_procedures-0-minutes": [],
            "id_procedures-1-code": [PROCEDURE_LISTED_TWICE.format(code="97110")],
            "id_procedures-1-minutes": [TIMED_PROCEDURE_NEEDS_MINUTES],
            "id_procedures-2-minutes": [TIMED_PROCEDURE_NEEDS_MINUTES],
        },
    )
    assert TestSession.objects.count() == 0


def test_per_side_test_without_a_side_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """A per-side test marked not applicable is refused on its side field."""
    # given
    data = _session_data(_grip(side="na"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    message = SIDE_REQUIRED.format(test=GRIP)
    _assert_refused(
        response, form_values, field_errors, data, {"id_tests-0-side": [message]}
    )
    assert message == f"{GRIP} is done per side: choose left, right or both."
    assert TestSession.objects.count() == 0


def test_test_without_sides_given_a_side_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """A test without sides given a side is refused on its side field."""
    # given
    data = _session_data(_tug(side="left"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    message = SIDE_NOT_APPLICABLE.format(test=TUG)
    _assert_refused(
        response, form_values, field_errors, data, {"id_tests-0-side": [message]}
    )
    assert TestSession.objects.count() == 0


def test_session_in_the_future_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """A session that has not happened yet is refused on time out."""
    # given
    tomorrow = timezone.localdate(timezone=CHICAGO) + dt.timedelta(days=1)
    data = _session_data(_tug(), date=tomorrow.isoformat())

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response, form_values, field_errors, data, {"id_time_out": [SESSION_IN_FUTURE]}
    )
    assert SESSION_IN_FUTURE == (
        "This session ends in the future; record it once it has happened."
    )
    assert TestSession.objects.count() == 0


def test_a_clock_time_skipped_by_daylight_saving_is_refused(
    clinician_client, create_url, form_values, field_errors
):
    """Each time the clocks jumped over is named on its own field; nothing is stored."""
    # given 8 March 2026, when Chicago's clocks went from 02:00 to 03:00
    day = dt.date(2026, 3, 8)
    data = _session_data(
        _tug(start="02:10:00", stop="03:20:00"),
        date=day.isoformat(),
        time_in="02:05:00",
        time_out="03:30:00",
    )

    # when
    response = clinician_client.post(create_url, data)

    # then the skipped times are named next to their fields
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {
            "id_time_in": [SKIPPED_TIME.format(clock=dt.time(2, 5), day=day)],
            "id_tests-0-start": [SKIPPED_TIME.format(clock=dt.time(2, 10), day=day)],
            "id_time_out": [],
            "id_tests-0-stop": [],
        },
    )
    assert SKIPPED_TIME.format(clock=dt.time(2, 5), day=day) == (
        "02:05 did not happen on 03/08/2026: the clocks moved forward an hour. "
        "Give the time the clock showed."
    )
    assert TestSession.objects.count() == 0


def test_refused_session_opens_on_a_summary_linking_each_problem(
    clinician_client, create_url, form_values
):
    """The list at the top names each problem and links to its field; nothing typed is lost."""
    # given: no reason, and a second test whose start cannot be read
    data = _session_data(
        _tug(),
        _tug(start="8:75", stop="0925A", notes="Cane in right hand."),
        reason="",
    )

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.OK
    assert [
        (link.href, link.label, link.message)
        for link in response.context["error_summary"]
    ] == [
        ("#id_reason", "Reason for testing", "This field is required."),
        ("#id_tests-1-start", "Test 2 · Start", INVALID_CLOCK),
    ]
    page = response.content.decode()
    assert 'id="error-summary" role="alert" tabindex="-1"' in page
    assert "Nothing was saved: 2 problems to fix" in page
    assert '<a class="alert-link" href="#id_tests-1-start">' in page
    shown = form_values(response)
    assert {name: shown.get(name) for name in data} == data
    assert TestSession.objects.count() == 0


def test_session_form_carries_the_server_clock_and_is_never_cached(
    clinician_client, create_url
):
    """The stopwatch corrects the device's clock by the server's, in the clinic's zone."""
    # when
    before = timezone.now()
    response = clinician_client.get(create_url)
    after = timezone.now()

    # then
    form = response.context
    assert before.timestamp() * 1000 - 1 <= form["server_now_ms"]
    assert form["server_now_ms"] <= after.timestamp() * 1000 + 1
    assert form["time_zone"] == "America/Chicago"
    page = response.content.decode()
    assert f'data-server-now="{form["server_now_ms"]}"' in page
    assert 'data-time-zone="America/Chicago"' in page
    assert "no-store" in response["Cache-Control"]
    assert response.context["error_summary"] == []


def test_session_without_tests_is_refused(clinician_client, create_url, form_values):
    """No tests: the message shows above the tests and the typed values come back."""
    # given
    data = _session_data()

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["formset"].non_form_errors() == [NO_TESTS]
    assert NO_TESTS == "Add at least one test."
    assert '<div class="alert alert-danger"><ul class="errorlist nonform">' in (
        response.content.decode()
    )
    shown = form_values(response)
    assert {name: shown.get(name) for name in data} == data
    assert TestSession.objects.count() == 0


def test_session_whose_only_test_was_removed_is_refused(clinician_client, create_url):
    """Removing the only test leaves no tests, which is refused."""
    # given
    data = _session_data(_tug(DELETE="on"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.OK
    assert response.context["formset"].non_form_errors() == [NO_TESTS]
    assert TestSession.objects.count() == 0


def test_test_row_without_a_test_chosen_is_refused(
    clinician_client, create_url, field_errors
):
    """A row with times but no test chosen is refused on its test field."""
    # given
    data = _session_data(_tug(catalog_code=""))

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.OK
    assert field_errors(response, "id_tests-0-catalog_code") == [
        "This field is required."
    ]
    assert TestSession.objects.count() == 0


def test_test_without_trial_values_is_saved_without_a_result(
    clinician_client, create_url
):
    """A test the patient could not do is stored without trials."""
    # given: the patient could not do the test, so no value was typed
    data = _session_data(_tug(trial_1="", notes="Declined: knee pain."))

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.FOUND
    assert PerformedTest.objects.get().trials == {}


@pytest.mark.parametrize(
    ("prefix", "key", "cap"),
    [("tests", "formset", MAX_TESTS), ("procedures", "procedures", MAX_PROCEDURES)],
)
def test_a_forged_number_of_rows_builds_at_most_the_cap_and_is_refused(
    clinician_client, create_url, prefix, key, cap
):
    """TOTAL_FORMS of 100,000 builds a capped number of forms; nothing is stored."""
    # given
    data = _session_data(_tug(), **{f"{prefix}-TOTAL_FORMS": "100000"})

    # when
    response = clinician_client.post(create_url, data)

    # then a forged count is a bad request, shown with what was typed
    assert response.status_code == HTTPStatus.BAD_REQUEST
    formset = response.context[key]
    assert len(formset.forms) == cap
    assert formset.non_form_errors() == [f"Please submit at most {cap} forms."]
    assert TestSession.objects.count() == 0


def test_a_draft_saved_by_someone_else_meanwhile_is_not_overwritten(
    client, clinician_client, draft, clinician, form_values
):
    """The second save is refused with the time of the first; its input is kept."""
    # given the draft open twice: its clinician's tablet and their desktop
    # (only the performer edits a draft)
    client.force_login(clinician.user)
    url = reverse("assessments:session-update", args=[draft.uuid])
    mine = form_values(clinician_client.get(url))
    theirs = form_values(client.get(url))
    # when the tablet saves first, then the desktop
    theirs["reason"] = "Their reason."
    assert client.post(url, theirs).status_code == HTTPStatus.FOUND
    mine["reason"] = "My reason."
    response = clinician_client.post(url, mine)
    # then the desktop is told, with its input kept, and nothing is lost
    assert response.status_code == HTTPStatus.OK
    page = html.unescape(response.content.decode())
    assert re.search(
        r"Rosa Diaz saved this session at \d\d:\d\d after you opened it: "
        r"reason changed\. Your changes are below; save again to keep them\.",
        page,
    )
    assert form_values(response)["reason"] == "My reason."
    draft.refresh_from_db()
    assert draft.reason == "Their reason."
    # and saving again, knowingly, replaces it
    again = clinician_client.post(url, form_values(response))
    assert again.status_code == HTTPStatus.FOUND
    draft.refresh_from_db()
    assert draft.reason == "My reason."


def test_a_draft_signed_after_the_form_was_opened_is_a_clear_page(
    clinician_client, draft, form_values
):
    # given the edit form open, then the note signed elsewhere
    url = reverse("assessments:session-update", args=[draft.uuid])
    typed = form_values(clinician_client.get(url))
    mark_signed(draft)
    # when the form is saved
    response = clinician_client.post(url, typed, follow=True)
    # then a page says why, never a server error, and the note is unchanged
    assert response.status_code == HTTPStatus.OK
    assert "add an addendum instead" in response.content.decode()


def test_a_twelve_hour_clinics_session_form_writes_its_times_in_twelve_hours(
    clinician_client, session, form_values
):
    """The form's times follow the clinic's format, as every other page does."""
    # given a 12-hour clinic and its draft timed from 2:05:30 PM
    clinic = session.patient.clinic
    clinic.time_format = "12"
    clinic.save()
    start = dt.datetime.combine(
        timezone.localdate(session.started_at, ZoneInfo(clinic.time_zone)),
        dt.time(14, 5, 30),
        tzinfo=ZoneInfo(clinic.time_zone),
    )
    TestSession.objects.filter(pk=session.pk).update(
        started_at=start - dt.timedelta(minutes=5),
        ended_at=start + dt.timedelta(minutes=30),
    )
    session.tests.update(started_at=start, ended_at=start + dt.timedelta(minutes=4))
    url = reverse("assessments:session-update", args=[session.uuid])

    # when the clinician opens it
    response = clinician_client.get(url)

    # then the page's script is told the format, and the fields are 12-hour
    assert 'data-time-format="12"' in response.content.decode()
    values = form_values(response)
    assert (values["tests-0-start"], values["tests-0-stop"]) == (
        "2:05:30 PM",
        "2:09:30 PM",
    )
    # and saved back as shown, the times are read as they were stored
    assert clinician_client.post(url, values).status_code == HTTPStatus.FOUND
    assert session.tests.get().started_at == start
