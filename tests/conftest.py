"""Shared fixtures: the actors of every access test, and helpers to read pages back.

The actors are a physical therapist of ``clinic``, a stranger working in
``other_clinic``, a front-office admin of ``clinic`` (no Clinician row) and a user
who works in no clinic at all.
"""

import html
import re
from html.parser import HTMLParser

import pytest

from tests.factories import (
    ClinicAdminFactory,
    ClinicFactory,
    ClinicianFactory,
    PatientFactory,
    PerformedTestFactory,
    TestSessionFactory,
    UserFactory,
)


@pytest.fixture(scope="session", autouse=True)
def _seal_certificate():
    """Create the suite's seal certificate once, so signing works in every test."""
    from django.conf import settings

    from assessments.notes.sealing import seal_certificate_create

    path = settings.PERFNOTE_SEAL_PKCS12
    if not path.exists():
        seal_certificate_create(
            path=path,
            passphrase=settings.PERFNOTE_SEAL_PASSPHRASE,
            common_name="Perfnote test clinic",
        )


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Lakeside Physical Therapy")


@pytest.fixture
def other_clinic(db):
    return ClinicFactory(name="Hilltop Rehab")


@pytest.fixture
def clinician(clinic):
    return ClinicianFactory(
        clinic=clinic, user__first_name="Rosa", user__last_name="Diaz"
    )


@pytest.fixture
def other_clinician(other_clinic):
    return ClinicianFactory(clinic=other_clinic)


@pytest.fixture
def clinic_admin(clinic):
    return ClinicAdminFactory(clinic=clinic)


@pytest.fixture
def user_without_clinic(db):
    return UserFactory()


@pytest.fixture
def clinician_client(client, clinician):
    client.force_login(clinician.user)
    return client


@pytest.fixture
def other_clinician_client(client, other_clinician):
    client.force_login(other_clinician.user)
    return client


@pytest.fixture
def clinic_admin_client(client, clinic_admin):
    client.force_login(clinic_admin.user)
    return client


@pytest.fixture
def no_clinic_client(client, user_without_clinic):
    client.force_login(user_without_clinic)
    return client


@pytest.fixture
def patient(clinic):
    return PatientFactory(clinic=clinic, first_name="Maria", last_name="Lopez")


@pytest.fixture
def other_patient(other_clinic):
    return PatientFactory(clinic=other_clinic)


@pytest.fixture
def session(patient, clinician):
    """A finished draft session of ``patient`` with one Timed Up and Go."""
    session = TestSessionFactory(patient=patient, clinician=clinician)
    PerformedTestFactory(session=session)
    return session


@pytest.fixture
def other_session(other_patient, other_clinician):
    session = TestSessionFactory(patient=other_patient, clinician=other_clinician)
    PerformedTestFactory(session=session)
    return session


def _field_errors(response, field_id):
    """Return the messages in the error block crispy renders under one field."""
    page = response.content.decode()
    block = re.search(
        rf'<div id="{re.escape(field_id)}_error" class="invalid-feedback">(.*?)</div>',
        page,
        re.DOTALL,
    )
    if block is None:
        return []
    return [
        html.unescape(message)
        for message in re.findall(r"<strong>(.*?)</strong>", block.group(1), re.DOTALL)
    ]


class _FormValues(HTMLParser):
    """Collect what a browser would submit: name -> value of each filled control.

    Controls inside <template> (the formset's empty row) are skipped.
    """

    def __init__(self):
        super().__init__()
        self.values = {}
        self._textarea = None
        self._select = None
        self._in_template = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._in_template += 1
        if self._in_template:
            return
        if tag == "option" and self._select is not None and "selected" in attrs:
            self.values[self._select] = attrs.get("value", "")
        if "name" not in attrs:
            return
        if tag == "input":
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[attrs["name"]] = attrs.get("value") or "on"
                return
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""
        elif tag == "select":
            self._select = attrs["name"]

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None and not self._in_template:
            # Django writes a newline after <textarea>, which browsers drop.
            self.values[self._textarea] += data.removeprefix("\n")


def _form_values(response):
    parser = _FormValues()
    parser.feed(response.content.decode())
    return parser.values


@pytest.fixture
def field_errors():
    """Return ``read(response, field_id) -> [message, ...]`` for one field's errors."""
    return _field_errors


@pytest.fixture
def form_values():
    """Return ``read(response) -> {name: value}`` of the re-rendered form's controls."""
    return _form_values
