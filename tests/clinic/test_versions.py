"""A save over someone else's newer save is refused, with who, when and what changed.

clinic.versions is the one check; the patient, payer, fee, plan and session
admin pages carry the version in their forms (VersionedAdminMixin), and the
patient page through the chart service.
"""

import datetime as dt
import html
import re
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import TestBattery
from billing.models import ClinicFee
from clinic.services import clinic_admin_group_ensure
from clinic.versions import (
    StaleEditError,
    check_version,
    field_values,
    version_token,
)
from tests.factories import (
    ClinicAdminFactory,
    ClinicianFactory,
    PatientFactory,
    PayerFactory,
    PlanOfCareFactory,
)
from tests.pages import form_values

SAVED_AT = dt.datetime(2026, 11, 20, 15, 42, tzinfo=dt.UTC)
STALE = re.compile(
    r"(?P<who>[\w ]+) saved this (?P<noun>[\w ]+) at (?P<time>\d\d:\d\d) after you "
    r"opened it(?:: (?P<changed>[^.]+) changed)?\. Your changes are below; save "
    r"again to keep them\."
)


def _stale(response) -> dict[str, str] | None:
    match = STALE.search(html.unescape(response.content.decode()))
    return match and match.groupdict()


class _Record:
    """A stored record as check_version reads it."""

    pk = 1

    def __init__(self, saved_at, saved_by=None):
        self.updated_at, self.updated_by = saved_at, saved_by


# --- the check ------------------------------------------------------------------


def test_a_save_at_the_version_stored_passes():
    values = {"first name": "Maria", "date of birth": dt.date(1950, 2, 3)}
    opened = version_token(saved_at=SAVED_AT, values=values)

    check_version(
        _Record(SAVED_AT), expected=opened, noun="patient", values=lambda r: values
    )


def test_nothing_opened_is_not_checked():
    """A command or seed_demo sends no version: there is no form to be stale."""
    check_version(_Record(SAVED_AT), expected=None, noun="patient", values=lambda r: {})


@pytest.mark.django_db
def test_a_stale_save_names_who_when_and_what_changed():
    # given a form opened before Dana Reyes changed the date of birth
    dana = ClinicianFactory(user__first_name="Dana", user__last_name="Reyes").user
    before = {"first name": "Maria", "date of birth": dt.date(1950, 2, 3)}
    after = {**before, "date of birth": dt.date(1950, 3, 2)}
    opened = version_token(saved_at=SAVED_AT - dt.timedelta(hours=1), values=before)

    # when
    with pytest.raises(StaleEditError) as refused, timezone.override("UTC"):
        check_version(
            _Record(SAVED_AT, dana),
            expected=opened,
            noun="patient",
            values=lambda r: after,
        )

    # then the message says it, and the error carries the version now stored
    assert refused.value.messages == [
        "Dana Reyes saved this patient at 15:42 after you opened it: date of "
        "birth changed. Your changes are below; save again to keep them."
    ]
    assert refused.value.version == version_token(saved_at=SAVED_AT, values=after)
    assert isinstance(refused.value, ValidationError)


def test_a_version_without_fingerprints_still_refuses_without_naming_fields():
    """A form opened before fingerprints (a bare time) is refused all the same."""
    with pytest.raises(StaleEditError) as refused:
        check_version(
            _Record(SAVED_AT),
            expected=(SAVED_AT - dt.timedelta(minutes=1)).isoformat(),
            noun="fee",
            values=lambda r: {"charge": Decimal("40.00")},
        )
    assert refused.value.messages[0].startswith("Someone saved this fee at ")
    assert " after you opened it. Your changes" in refused.value.messages[0]


def test_field_values_are_labelled_as_the_forms_label_them():
    patient = PatientFactory.build(
        first_name="Maria", date_of_birth=dt.date(1950, 2, 3)
    )

    assert field_values(patient, ["first_name", "date_of_birth"]) == {
        "first name": "Maria",
        "date of birth": dt.date(1950, 2, 3),
    }


# --- the patient page -----------------------------------------------------------


@pytest.mark.django_db
def test_patient_saved_meanwhile_is_not_overwritten(clinician, patient, clinic):
    """The example of issue 12: who saved, when, what changed; input kept."""
    # given two clinicians with the patient open
    dana = ClinicianFactory(
        clinic=clinic, user__first_name="Dana", user__last_name="Reyes"
    )
    other_payer = PayerFactory(clinic=clinic, name="Aetna")
    url = reverse("assessments:patient-update", args=[patient.uuid])
    mine, theirs = Client(), Client()
    mine.force_login(clinician.user)
    theirs.force_login(dana.user)
    typed = form_values(mine.get(url))
    their_form = form_values(theirs.get(url))
    # when Dana changes the payer and the date of birth, then Rosa the first name
    their_form.update(payer=str(other_payer.pk), date_of_birth="1950-03-02")
    assert theirs.post(url, their_form).status_code == HTTPStatus.FOUND
    typed["first_name"] = "Mariana"
    response = mine.post(url, typed)

    # then Rosa is told, her input kept, and Dana's save stands
    assert response.status_code == HTTPStatus.OK
    assert _stale(response) == {
        "who": "Dana Reyes",
        "noun": "patient",
        "time": _stale(response)["time"],
        "changed": "date of birth, primary payer",
    }
    assert form_values(response)["first_name"] == "Mariana"
    patient.refresh_from_db()
    assert (patient.first_name, patient.date_of_birth) == ("Maria", dt.date(1950, 3, 2))
    assert patient.updated_by == dana.user
    # and saving again, knowingly, keeps hers
    assert mine.post(url, form_values(response)).status_code == HTTPStatus.FOUND
    patient.refresh_from_db()
    assert patient.first_name == "Mariana"
    assert patient.updated_by == clinician.user


# --- the admin ------------------------------------------------------------------


@pytest.fixture
def front_office_pair(clinic):
    """Two front-office users of the clinic, each with a browser of their own."""
    clients = []
    for first, last in (("Dana", "Reyes"), ("Sam", "Okafor")):
        user = ClinicAdminFactory(
            clinic=clinic, user__first_name=first, user__last_name=last
        ).user
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(clinic_admin_group_ensure())
        browser = Client()
        browser.force_login(user)
        clients.append(browser)
    return clients


def _patient(clinic, session):
    return session.patient, "patient", {"first_name": "Mariana"}, {"mrn": "M-77"}


def _payer(clinic, session):
    payer = PayerFactory(clinic=clinic)
    return payer, "payer", {"name": "Aetna"}, {"retest_interval_days": "45"}


def _fee(clinic, session):
    fee = ClinicFee.objects.create(clinic=clinic, code="97750", charge="40.00")
    return fee, "fee", {"charge": "45.00"}, {"code": "97110"}


def _plan(clinic, session):
    plan = PlanOfCareFactory(patient=session.patient)
    return plan, "plan of care", {"frequency": "3x/week"}, {"duration": "8 weeks"}


def _session(clinic, session):
    return session, "session", {"interpretation": "Theirs."}, {"reason": "Mine."}


def _clinician(clinic, session):
    clinician = session.clinician
    return (
        clinician,
        "clinician",
        {"credentials": "PT, DPT, OCS"},
        {"npi": "1234567893"},
    )


def _battery(clinic, session):
    battery = TestBattery.objects.create(
        clinic=clinic, name="Fall risk", codes=["timed_up_and_go"]
    )
    return battery, "test battery", {"name": "Falls"}, {"codes": "timed_up_and_go"}


CHANGED_LABEL = {
    "patient": "first name",
    "payer": "name",
    "fee": "charge per unit",
    "plan of care": "frequency",
    "session": "interpretation",
    "clinician": "credentials",
    "test battery": "name",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "record", [_patient, _payer, _fee, _plan, _session, _clinician, _battery]
)
def test_admin_refuses_a_stale_save_and_keeps_the_input(
    record, clinic, session, front_office_pair
):
    # given two front-office users with the same record open
    obj, noun, theirs_changes, my_changes = record(clinic, session)
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    dana, sam = front_office_pair
    theirs, mine = form_values(dana.get(url)), form_values(sam.get(url))
    assert mine["version"]
    # when Dana saves first, then Sam
    assert dana.post(url, {**theirs, **theirs_changes}).status_code == HTTPStatus.FOUND
    response = sam.post(url, {**mine, **my_changes})

    # then Sam sees who changed what, with his input kept; Dana's save stands
    assert response.status_code == HTTPStatus.OK
    stale = _stale(response)
    assert (stale["who"], stale["noun"]) == ("Dana Reyes", noun)
    assert CHANGED_LABEL[noun] in stale["changed"]
    shown = form_values(response)
    assert all(shown[name] == value for name, value in my_changes.items())
    obj.refresh_from_db()
    field, value = next(iter(theirs_changes.items()))
    assert str(getattr(obj, field)) == value
    # and saving again, knowingly, goes through
    assert sam.post(url, shown).status_code == HTTPStatus.FOUND
    obj.refresh_from_db()
    field, value = next(iter(my_changes.items()))
    assert str(getattr(obj, field)) in (value, str([value]))


@pytest.mark.django_db
def test_admin_save_records_its_editor(clinic, session, front_office_pair):
    dana, _sam = front_office_pair
    payer = PayerFactory(clinic=clinic)
    url = reverse("admin:billing_payer_change", args=[payer.pk])

    assert dana.post(url, form_values(dana.get(url))).status_code == HTTPStatus.FOUND

    payer.refresh_from_db()
    assert payer.updated_by.get_full_name() == "Dana Reyes"
    assert payer.updated_at is not None


# --- the migration --------------------------------------------------------------


@pytest.fixture
def before_versions(transactional_db):
    """Migrate clinic back before 0010_patient_version; forward again afterwards."""
    executor = MigrationExecutor(connection)
    executor.migrate([("clinic", "0009_patient_history")])
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    # SQLite's flush after the test deletes row by row: let it empty the
    # audit log (migrating forward wrote its chain head), as the browser
    # tests' flushable_signed_notes does.
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM perfnote_lock")


def test_migrating_back_keeps_the_patient_clinic_lock(before_versions):
    """0010 taken back rebuilds clinic_patient on SQLite; its trigger stays."""
    if connection.vendor == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    with connection.cursor() as cursor:
        cursor.execute(query)
        triggers = {name for (name,) in cursor.fetchall()}
    assert "perfnote_patient_stays" in triggers
