"""`manage.py seed_demo`: the demo clinics, logins, payers, patients and sessions."""

import datetime as dt
import zoneinfo
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments import catalog
from assessments.models import PerformedTest, TestSession
from billing.models import Payer
from clinic.admin_scoping import CLINIC_ADMIN_GROUP, CLINIC_ADMIN_PERMISSIONS
from clinic.models import Clinic, ClinicAdmin, Clinician, Diagnosis, Patient

pytestmark = pytest.mark.django_db

User = get_user_model()
RIVERSIDE = "Riverside Physical Therapy"
LAKESIDE = "Lakeside Hand & Rehab"
LOGINS = {"pt", "ot", "md", "pta", "admin", "lakeside-pt"}


def _seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _counts():
    models = (
        User,
        Group,
        Clinic,
        Clinician,
        ClinicAdmin,
        Payer,
        Patient,
        Diagnosis,
        TestSession,
        PerformedTest,
    )
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def seeded():
    return _seed()


def test_creates_two_clinics_in_their_time_zones(seeded):
    # then
    clinics = {clinic.name: clinic for clinic in Clinic.objects.all()}
    assert set(clinics) == {RIVERSIDE, LAKESIDE}
    assert clinics[RIVERSIDE].time_zone == "America/Chicago"
    assert clinics[LAKESIDE].time_zone == "America/Denver"
    for clinic in clinics.values():
        clinic.full_clean()


def test_creates_the_demo_logins(seeded):
    # then
    clinicians = {
        c.user.username: (c.clinic.name, c.role, c.credentials)
        for c in Clinician.objects.select_related("user", "clinic")
    }
    assert set(User.objects.values_list("username", flat=True)) == LOGINS
    assert clinicians == {
        "pt": (RIVERSIDE, "pt", "PT, DPT"),
        "ot": (RIVERSIDE, "ot", "OTR/L"),
        "md": (RIVERSIDE, "physician", "MD"),
        "pta": (RIVERSIDE, "pta", "PTA"),
        "lakeside-pt": (LAKESIDE, "pt", "PT, DPT"),
    }
    assert all(user.get_full_name() for user in User.objects.all())
    assert not User.objects.filter(is_superuser=True).exists()


def test_admin_is_a_staff_clinic_administrator(seeded):
    # then
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert not admin.is_superuser
    assert admin.clinic_admin.clinic.name == RIVERSIDE
    assert list(admin.groups.values_list("name", flat=True)) == [CLINIC_ADMIN_GROUP]
    assert admin.get_all_permissions() == set(CLINIC_ADMIN_PERMISSIONS)
    assert set(
        User.objects.filter(is_staff=True).values_list("username", flat=True)
    ) == {"admin"}


def test_creates_payers_with_the_seed_rates(seeded):
    # then
    payers = Payer.objects.filter(clinic__name=RIVERSIDE).order_by("name")
    assert [(p.name, p.kind, p.rate_97750, p.method) for p in payers] == [
        ("Medicaid", "medicaid", Decimal("40.00"), "cms_8_minute"),
        ("Medicare", "medicare", Decimal("50.00"), "cms_8_minute"),
        ("Private", "commercial", Decimal("60.00"), "cpt_midpoint"),
    ]
    assert list(
        Payer.objects.filter(clinic__name=LAKESIDE).values_list("name", flat=True)
    ) == ["Anthem Blue Cross"]


def test_creates_valid_patients_of_each_clinic(seeded):
    # then
    today = timezone.localdate()
    riverside = Patient.objects.filter(clinic__name=RIVERSIDE)
    assert riverside.count() == 10
    assert Patient.objects.filter(clinic__name=LAKESIDE).count() == 3
    for patient in Patient.objects.select_related("payer", "clinic"):
        patient.full_clean()
        age = (today - patient.date_of_birth).days // 365.25
        assert 25 <= age <= 90, patient
        assert patient.payer.clinic == patient.clinic
        assert patient.member_id
        assert 1 <= patient.diagnoses.count() <= 2, patient
    for diagnosis in Diagnosis.objects.all():
        diagnosis.full_clean()


def test_creates_sessions_of_every_category(seeded):
    # then
    sessions = TestSession.objects.select_related("clinician", "patient__clinic")
    codes = set(PerformedTest.objects.values_list("catalog_code", flat=True))
    categories = {catalog.get(code).category for code in codes}
    assert sessions.filter(patient__clinic__name=RIVERSIDE).count() == 13
    assert sessions.filter(patient__clinic__name=LAKESIDE).count() == 3
    signed = sessions.filter(status="signed").order_by("started_at")
    assert [s.patient.mrn for s in signed] == [
        "RPT-10001",
        "RPT-10002",
        "RPT-10004",
        "RPT-10003",
    ]
    assert sessions.filter(status="draft").count() == 12
    assert categories == set(catalog.Category)
    assert sessions.filter(clinician__role="pta").count() == 2
    routine_only = [
        session
        for session in sessions
        if all(test.test.routine_measure for test in session.tests.all())
    ]
    assert [session.patient.mrn for session in routine_only] == ["RPT-10007"]
    assert all(s.clinician.clinic == s.patient.clinic for s in sessions)


def test_sessions_are_past_weekday_mornings_with_valid_tests(seeded):
    # then
    now = timezone.now()
    for session in TestSession.objects.select_related("patient__clinic"):
        zone = zoneinfo.ZoneInfo(session.patient.clinic.time_zone)
        start = timezone.localtime(session.started_at, zone)
        assert session.ended_at < now
        assert now - session.started_at < dt.timedelta(weeks=7)
        assert start.weekday() < 5
        assert 7 <= start.hour < 12
        tests = list(session.tests.all())
        assert tests
        previous_end = session.started_at
        for test in tests:
            entry = catalog.get(test.catalog_code)
            assert previous_end <= test.started_at < test.ended_at <= session.ended_at
            previous_end = test.ended_at
            assert (test.side == "na") == (not entry.per_side)
            for values in test.trials.values():
                assert 1 <= len(values) <= entry.trials
                assert [entry.check_value(Decimal(v)) for v in values] == [None] * len(
                    values
                )


def test_prints_the_logins_and_urls(seeded):
    # then
    lines = seeded.splitlines()
    assert "http://127.0.0.1:8000/" in seeded
    assert "http://127.0.0.1:8000/admin/" in seeded
    for username in LOGINS:
        assert any(line.split()[:2] == [username, "perfnote-demo"] for line in lines), (
            username
        )


def test_every_demo_login_can_log_in(seeded, client):
    # then
    for username in LOGINS:
        assert client.login(username=username, password="perfnote-demo"), username
        client.logout()


def test_second_run_changes_nothing(seeded):
    # given
    before = _counts()
    sessions = list(TestSession.objects.values_list("pk", "started_at", "updated_at"))
    passwords = dict(User.objects.values_list("username", "password"))

    # when
    output = _seed()

    # then
    assert _counts() == before
    assert list(TestSession.objects.values_list("pk", "started_at", "updated_at")) == (
        sessions
    )
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert output == seeded


def test_patient_with_sessions_gets_no_new_ones(seeded):
    # given one of a patient's two demo sessions is gone
    whitfield = Patient.objects.get(mrn="RPT-10001")
    whitfield.sessions.filter(status="draft").get().delete()

    # when
    _seed()

    # then
    assert whitfield.sessions.count() == 1


@pytest.mark.parametrize(
    "module", ["config.settings.production", "config.settings.staging"]
)
def test_refuses_other_settings_modules(settings, module):
    # given
    settings.SETTINGS_MODULE = module

    # when / then
    with pytest.raises(CommandError, match=f"not {module}"):
        _seed()
    assert User.objects.count() == 0
    assert Clinic.objects.count() == 0


def test_refuses_when_the_settings_module_is_unknown(settings, monkeypatch):
    # given
    settings.SETTINGS_MODULE = None
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")

    # when / then
    with pytest.raises(CommandError, match="not an unknown module"):
        _seed()
    assert Clinic.objects.count() == 0


def test_signs_some_notes_with_an_addendum_and_one_not_billable(seeded):
    # then the signed notes are sealed, chained and, for one, not billable
    whitfield = TestSession.objects.filter(status="signed").get(
        patient__mrn="RPT-10001"
    )
    assert [v.number for v in whitfield.note_versions.all()] == [1, 2]
    assert whitfield.addenda.count() == 1
    unbillable = TestSession.objects.filter(status="signed").get(
        patient__mrn="RPT-10003"
    )
    assert unbillable.billing_decision.qualifies is False
    assert [f["code"] for f in unbillable.billing_decision.blocking_findings] == [
        "no_interpretation"
    ]
