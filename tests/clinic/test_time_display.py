"""The clinic's time format on pages, in the admin and on /verify/, in its zone."""

import datetime as dt
import zoneinfo
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from assessments.notes import sealing, signing
from clinic import time_display
from clinic.clock import clock_text, stamp_text
from tests.factories import DEFAULT_PASSWORD

MOMENT = dt.datetime(2026, 11, 20, 18, 30, 5, tzinfo=dt.UTC)  # 12:30:05 in Chicago
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _render(source: str) -> str:
    return Template(source).render(Context({"moment": MOMENT, "empty": None}))


@pytest.mark.parametrize(
    ("time_format", "expected"),
    [
        ("24", "12:30|12:30:05|11/20/2026 12:30|"),
        ("12", "12:30 PM|12:30:05 PM|11/20/2026 12:30 PM|"),
    ],
)
def test_filters_write_the_active_format_in_the_active_zone(time_format, expected):
    with timezone.override(CHICAGO), time_display.override(time_format):
        text = _render(
            '{{ moment|clock }}|{{ moment|clock:"seconds" }}|{{ moment|stamp }}|'
            "{{ empty|clock }}"
        )

    assert text == expected


def test_override_restores_the_format_before_it():
    time_display.activate("12")
    try:
        with time_display.override("24"):
            assert time_display.get_time_format() == "24"
        assert time_display.get_time_format() == "12"
    finally:
        time_display.deactivate()
    assert time_display.get_time_format() == "24"


@pytest.mark.django_db
@pytest.mark.parametrize("time_format", ["24", "12"])
def test_session_page_writes_times_in_the_clinics_format(
    clinician_client, clinic, session, time_format
):
    clinic.time_format = time_format
    clinic.save()
    expected = clock_text(
        session.started_at.astimezone(zoneinfo.ZoneInfo(clinic.time_zone)),
        time_format=time_format,
        seconds=True,
    )

    page = clinician_client.get(session.get_absolute_url()).content.decode()

    assert f"{expected} –" in page


@pytest.mark.django_db
def test_verify_shows_the_signing_time_in_the_clinics_zone_and_format(
    client, clinic, session, clinician
):
    clinic.time_format = "12"
    clinic.save()
    version = signing.session_sign(
        session=session, clinician=clinician, password=DEFAULT_PASSWORD, now=MOMENT
    )
    upload = SimpleUploadedFile("note.pdf", bytes(version.pdf), "application/pdf")

    response = client.post(reverse("verify"), {"pdf": upload})

    page = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    # The seal's own signing time (the moment it was sealed), in Chicago.
    sealed_at = sealing.check_seal(
        bytes(version.pdf), clinics=[clinic]
    ).signed_at.astimezone(CHICAGO)
    expected = stamp_text(sealed_at, time_format="12", seconds=True)
    assert f"{expected} {sealed_at:%Z} (America/Chicago)" in page
    assert f"{sealed_at.astimezone(dt.UTC):%H:%M:%S}" not in page


@pytest.mark.django_db
def test_verify_writes_a_note_not_on_record_in_utc(client):
    upload = SimpleUploadedFile("note.pdf", b"not a pdf", "application/pdf")

    page = client.post(reverse("verify"), {"pdf": upload}).content.decode()

    assert "Not verified" in page


@pytest.mark.django_db
def test_clinic_admin_offers_the_time_format(admin_client, clinic):
    url = reverse("admin:clinic_clinic_change", args=[clinic.pk])

    page = admin_client.get(url).content.decode()

    assert 'name="time_format"' in page
    assert "12-hour (2:05 PM)" in page


def test_a_request_leaves_no_zone_or_format_behind(clinician_client, clinic):
    """The next thing the thread runs starts from the defaults, not this clinic's."""
    # given a 12-hour clinic in Chicago
    clinic.time_format = "12"
    clinic.save()
    # when one of its clinicians asks for a page
    clinician_client.get(reverse("home"))
    # then the thread is back to UTC and 24 hours
    assert time_display.get_time_format() == "24"
    assert timezone.get_current_timezone_name() == "UTC"
