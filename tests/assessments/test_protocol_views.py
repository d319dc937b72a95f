"""The session page with item-by-item scales, conditions and batteries."""

import datetime as dt
import json
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import TestBattery, TestSession
from assessments.services import BatteryInput, battery_save
from clinic.services import clinic_admin_group_ensure
from tests.assessments.test_views import _assert_refused, _session_data
from tests.factories import PerformedTestFactory, TestSessionFactory
from tests.pages import form_values

pytestmark = pytest.mark.django_db

BERG_ITEMS = ["4", "4", "4", "4", "3", "4", "3", "3", "3", "3", "2", "3", "2", "1"]


def _berg(**fields):
    return {
        "catalog_code": "berg_balance_scale",
        "side": "na",
        "start": "09:05:00",
        "stop": "09:20:00",
        **{f"item_{n}": score for n, score in enumerate(BERG_ITEMS, start=1)},
        **fields,
    }


@pytest.fixture
def create_url(patient):
    return reverse("assessments:session-create", args=[patient.uuid])


def test_berg_scored_item_by_item_is_stored_with_its_computed_total(
    clinician_client, create_url
):
    # when
    response = clinician_client.post(create_url, _session_data(_berg()))

    # then
    assert response.status_code == HTTPStatus.FOUND
    test = TestSession.objects.get().tests.get()
    assert test.trials == {"na": ["43"]}
    assert test.item_scores == [int(score) for score in BERG_ITEMS]
    assert test.results() == {"na": Decimal(43)}
    page = clinician_client.get(response.url).content.decode()
    assert "Turning 360 degrees: <strong>2</strong>/4" in page


def test_an_item_score_outside_0_to_4_is_refused_next_to_the_item(
    clinician_client, create_url, form_values, field_errors
):
    # given
    data = _session_data(_berg(item_5="5"))

    # when
    response = clinician_client.post(create_url, data)

    # then
    _assert_refused(
        response,
        form_values,
        field_errors,
        data,
        {"id_tests-0-item_5": ["Item 5 (Transfers): score 0\N{EN DASH}4."]},
    )
    assert TestSession.objects.count() == 0


def test_a_grade_that_does_not_exist_is_refused_next_to_its_trial(
    clinician_client, create_url, form_values, field_errors
):
    # given
    data = _session_data(
        {
            "catalog_code": "manual_muscle_test",
            "side": "right",
            "start": "09:05:00",
            "stop": "09:08:00",
            "trial_1": "5+",
            "condition_muscle": "Wrist extensors",
        }
    )

    # when
    response = clinician_client.post(create_url, data)

    # then
    message = field_errors(response, "id_tests-0-trial_1")[0]
    assert message.startswith("Manual muscle test (MRC grade): 5+ is not a grade")
    _assert_refused(response, form_values, field_errors, data, {})


def test_a_condition_outside_its_range_is_refused_next_to_it(
    clinician_client, create_url, form_values, field_errors
):
    # given
    data = _session_data(
        {
            "catalog_code": "six_minute_walk",
            "side": "na",
            "start": "09:05:00",
            "stop": "09:13:00",
            "trial_1": "320",
            "condition_hr_post": "260",
        }
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
            "id_tests-0-condition_hr_post": [
                "Heart rate after: 260 is outside the plausible range "
                "30\N{EN DASH}220 bpm."
            ]
        },
    )


def test_gait_speed_is_computed_from_the_times_typed(clinician_client, create_url):
    # given
    data = _session_data(
        {
            "catalog_code": "ten_metre_walk",
            "side": "na",
            "start": "09:05:00",
            "stop": "09:10:00",
            "trial_1": "5.10",
            "trial_2": "4.90",
            "condition_distance_m": "6",
            "condition_pace": "Comfortable",
            "condition_device": "Quad cane",
        }
    )

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.FOUND
    test = TestSession.objects.get().tests.get()
    assert test.trials == {"na": ["1.18", "1.22"]}
    assert test.details["entered"] == {"na": ["5.10", "4.90"]}
    assert test.results() == {"na": Decimal("1.20")}
    edit = reverse("assessments:session-update", args=[test.session.uuid])
    page = clinician_client.get(edit).content.decode()
    assert 'value="5.10"' in page


def test_the_session_form_offers_only_the_clinics_own_batteries(
    clinician_client, create_url, clinic, other_clinic
):
    # given
    battery_save(
        battery=None,
        clinic=clinic,
        data=BatteryInput(
            name="Fall risk",
            codes=(
                "timed_up_and_go",
                "chair_stand_30s",
                "steadi_four_stage_balance",
                "ten_metre_walk",
            ),
        ),
    )
    battery_save(
        battery=None,
        clinic=other_clinic,
        data=BatteryInput(name="Hilltop knee", codes=("single_hop_distance",)),
    )

    # when
    page = clinician_client.get(create_url).content.decode()

    # then
    data = json.loads(
        page.split('<script id="battery-data" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    assert [(b["name"], b["codes"]) for b in data] == [
        (
            "Fall risk",
            [
                "timed_up_and_go",
                "chair_stand_30s",
                "steadi_four_stage_balance",
                "ten_metre_walk",
            ],
        )
    ]
    assert 'id="add-battery"' in page


def test_a_battery_with_an_unknown_test_or_none_is_refused(clinic):
    with pytest.raises(ValidationError, match="not a test in the catalog"):
        battery_save(
            battery=None, clinic=clinic, data=BatteryInput(name="X", codes=("nope",))
        )
    with pytest.raises(ValidationError, match="Choose at least one test"):
        battery_save(battery=None, clinic=clinic, data=BatteryInput(name="Y", codes=()))
    assert TestBattery.objects.count() == 0


@pytest.fixture
def front_office_client(client, clinic_admin):
    """The clinic admin as seed_demo makes them: staff, in the front-office group."""
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)
    return client


def test_clinic_admin_defines_a_battery_in_the_admin(front_office_client, clinic):
    # when
    response = front_office_client.post(
        reverse("admin:assessments_testbattery_add"),
        {
            "clinic": clinic.pk,
            "name": "Fall risk",
            "codes": ["timed_up_and_go", "chair_stand_30s"],
        },
    )

    # then
    assert response.status_code == HTTPStatus.FOUND
    battery = TestBattery.objects.get()
    assert (battery.clinic, battery.codes) == (
        clinic,
        ["timed_up_and_go", "chair_stand_30s"],
    )


def test_a_gait_speed_draft_recorded_before_keeps_its_speeds_when_edited(
    clinician_client, create_url
):
    """Without the distance timed the fields hold speeds, as they did before."""
    # given
    data = _session_data(
        {
            "catalog_code": "ten_metre_walk",
            "side": "na",
            "start": "09:05:00",
            "stop": "09:10:00",
            "trial_1": "0.78",
            "trial_2": "0.82",
        }
    )

    # when
    response = clinician_client.post(create_url, data)

    # then
    assert response.status_code == HTTPStatus.FOUND
    test = TestSession.objects.get().tests.get()
    assert (test.trials, test.details) == ({"na": ["0.78", "0.82"]}, {})


def test_a_draft_recorded_under_earlier_rules_keeps_them_when_saved_again(
    clinician_client, clinician, patient
):
    """Grip reported the best trial before; editing the draft does not change it."""
    # given a draft whose grip was recorded under rules version 1
    session = TestSessionFactory(
        patient=patient,
        clinician=clinician,
        started_at=dt.datetime(2025, 1, 15, 15, 0, tzinfo=dt.UTC),
        ended_at=dt.datetime(2025, 1, 15, 16, 0, tzinfo=dt.UTC),
    )
    PerformedTestFactory(
        session=session,
        catalog_code="grip_dynamometry",
        side="left",
        trials={"left": ["24.0", "25.5"]},
        rules_version=1,
    )
    url = reverse("assessments:session-update", args=[session.uuid])
    data = form_values(clinician_client.get(url))
    data["interpretation"] = "Edited."

    # when
    response = clinician_client.post(url, data)

    # then
    assert response.status_code == HTTPStatus.FOUND
    test = session.tests.get()
    assert (test.rules_version, test.results()) == (1, {"left": Decimal("25.5")})
