"""`manage.py seed_demo`: the demo clinics, logins, payers, patients and sessions.

Seeding takes seconds, so the tests that only read the demo data share one run:
``seeded`` runs the command once for the module inside a transaction that is
rolled back when the module ends (each test's own writes roll back to a savepoint
as usual). The tests about running the command itself, on an empty database,
come first in this file and seed or refuse on their own: the module's run starts
with the first test that asks for ``seeded`` and its rows stay until the module
ends.
"""

import datetime as dt
import io
import re
import shutil
import subprocess
import zoneinfo
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from assessments import catalog
from assessments.models import Goal, NoteVersion, PerformedTest, PlanOfCare, TestSession
from assessments.results import session_results
from assessments.selectors import date_of_service, plan_of_care_block
from billing.claim_files import claims_export
from billing.models import (
    BillingDecision,
    Claim,
    ClaimLine,
    ClinicFee,
    Coverage,
    Payer,
)
from clinic.models import Clinic, ClinicAdmin, Clinician, Diagnosis, Patient
from clinic.services import CLINIC_ADMIN_GROUP
from tests.billing.test_claims import x12_accepted

pytestmark = pytest.mark.django_db

User = get_user_model()
RIVERSIDE = "Riverside Physical Therapy"
LAKESIDE = "Lakeside Hand & Rehab"
LOGINS = {"pt", "ot", "md", "pta", "admin", "lakeside-pt"}
# As `make run HOST=192.168.1.20:8080` passes it.
SERVED_AT = "http://192.168.1.20:8080/"


def _seed():
    out = StringIO()
    call_command("seed_demo", "--url", SERVED_AT, stdout=out)
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
        Coverage,
        Diagnosis,
        TestSession,
        PerformedTest,
        BillingDecision,
        PlanOfCare,
        Goal,
    )
    return {model.__name__: model.objects.count() for model in models}


def _front_office_permissions():
    """Return what each app lets a clinic's front office do, as "app.codename"."""
    return {
        f"{config.label}.{codename}"
        for config in apps.get_app_configs()
        for codename in getattr(config, "clinic_admin_permissions", ())
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Run seed_demo once for the module; roll it back when the module ends.

    Returns what the command printed. Every test of this module uses the
    database, so it stays unblocked while the module runs.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        output = _seed()
        yield output
        transaction.set_rollback(True)


@pytest.fixture
def fresh_seeded():
    """Run seed_demo on the empty test database, for this test only."""
    assert not Clinic.objects.exists(), (
        "This test needs the empty database: keep it above the tests using `seeded`."
    )
    return _seed()


# --- running the command: on an empty database, before the module's run -------


def test_second_run_changes_nothing(fresh_seeded):
    """Running seed_demo again adds, changes and prints nothing new."""
    # given
    before = _counts()
    sessions = list(TestSession.objects.values_list("pk", "started_at", "updated_at"))
    decisions = list(BillingDecision.objects.values_list("pk", "computed_at"))
    passwords = dict(User.objects.values_list("username", "password"))

    # when
    output = _seed()

    # then
    assert _counts() == before
    assert list(TestSession.objects.values_list("pk", "started_at", "updated_at")) == (
        sessions
    )
    assert list(BillingDecision.objects.values_list("pk", "computed_at")) == decisions
    assert dict(User.objects.values_list("username", "password")) == passwords
    assert output == fresh_seeded


def test_patient_with_sessions_gets_no_new_ones(fresh_seeded):
    """A patient who has any session already gets no demo sessions on a later run."""
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
    """Any settings module but local or test is refused before anything is written."""
    # given
    settings.SETTINGS_MODULE = module
    before = _counts()

    # when / then
    with pytest.raises(CommandError, match=f"not {module}"):
        _seed()
    assert _counts() == before
    assert (User.objects.count(), Clinic.objects.count()) == (0, 0)


def test_refuses_when_the_settings_module_is_unknown(settings, monkeypatch):
    """With no settings module named anywhere, the command refuses and writes nothing."""
    # given
    settings.SETTINGS_MODULE = None
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE")
    before = _counts()

    # when / then
    with pytest.raises(CommandError, match="not an unknown module"):
        _seed()
    assert _counts() == before
    assert Clinic.objects.count() == 0


# --- the demo data: one run shared by the module -----------------------------


def test_creates_two_clinics_in_their_time_zones(seeded):
    """Riverside (Chicago) and Lakeside (Denver) are created, both valid."""
    # then
    clinics = {clinic.name: clinic for clinic in Clinic.objects.all()}
    assert set(clinics) == {RIVERSIDE, LAKESIDE}
    assert clinics[RIVERSIDE].time_zone == "America/Chicago"
    assert clinics[LAKESIDE].time_zone == "America/Denver"
    for clinic in clinics.values():
        clinic.full_clean()


def test_creates_the_demo_logins(seeded):
    """The six demo logins exist, five of them clinicians with their roles; no superuser."""
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
    """`admin` is Riverside's staff front office with exactly the group's permissions."""
    # then
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert not admin.is_superuser
    assert admin.clinic_admin.clinic.name == RIVERSIDE
    assert list(admin.groups.values_list("name", flat=True)) == [CLINIC_ADMIN_GROUP]
    assert admin.get_all_permissions() == _front_office_permissions()
    assert set(
        User.objects.filter(is_staff=True).values_list("username", flat=True)
    ) == {"admin"}


def test_creates_payers_with_the_seed_rates(seeded):
    """Each clinic gets its payers with the demo kind, rate and unit-counting method."""
    # then
    payers = Payer.objects.filter(clinic__name=RIVERSIDE).order_by("name")
    assert [
        (p.name, p.kind, p.rates.get(code="97750").expected_payment, p.method)
        for p in payers
    ] == [
        ("Medicaid", "medicaid", Decimal("40.00"), "cms_8_minute"),
        ("Medicare", "medicare", Decimal("50.00"), "cms_8_minute"),
        ("Private", "commercial", Decimal("60.00"), "cpt_midpoint"),
    ]
    medicare = payers.get(name="Medicare")
    assert medicare.rates.get(code="97110").expected_payment == Decimal("29.00")
    fees = ClinicFee.objects.filter(clinic__name=RIVERSIDE)
    assert fees.get(code="97750").charge == Decimal("120.00")
    assert fees.count() == ClinicFee.objects.filter(clinic__name=LAKESIDE).count()
    assert list(
        Payer.objects.filter(clinic__name=LAKESIDE).values_list("name", flat=True)
    ) == ["Anthem Blue Cross"]


def test_creates_valid_patients_of_each_clinic(seeded):
    """10 + 3 valid adult patients, each covered by a payer of their clinic, with 1-2 diagnoses."""
    # then
    today = timezone.localdate()
    riverside = Patient.objects.filter(clinic__name=RIVERSIDE)
    assert riverside.count() == 10
    assert Patient.objects.filter(clinic__name=LAKESIDE).count() == 3
    for patient in Patient.objects.select_related("coverage__payer", "clinic"):
        patient.full_clean()
        patient.coverage.full_clean()
        age = (today - patient.date_of_birth).days // 365.25
        assert 25 <= age <= 90, patient
        assert patient.coverage.payer.clinic == patient.clinic
        assert patient.coverage.member_id
        assert 1 <= patient.diagnoses.count() <= 2, patient
    for diagnosis in Diagnosis.objects.all():
        diagnosis.full_clean()


def test_creates_sessions_of_every_category(seeded):
    """18 sessions, 6 signed, covering every catalog category, by clinicians of the clinic."""
    # then
    sessions = TestSession.objects.select_related("clinician", "patient__clinic")
    codes = set(PerformedTest.objects.values_list("catalog_code", flat=True))
    categories = {catalog.get(code).category for code in codes}
    assert sessions.filter(patient__clinic__name=RIVERSIDE).count() == 15
    assert sessions.filter(patient__clinic__name=LAKESIDE).count() == 3
    signed = sessions.filter(status="signed").order_by("started_at")
    assert [s.patient.mrn for s in signed] == [
        "RPT-10001",
        "RPT-10002",
        "RPT-10004",
        "RPT-10008",
        "RPT-10003",
        "RPT-10008",
    ]
    assert sessions.filter(status="draft").count() == 12
    assert categories == set(catalog.Category)
    # Assistants do not perform formal testing (WPS A53309): the demo's PTA
    # records none, and meets the refusals instead.
    assert not sessions.filter(clinician__role__in=["pta", "ota"]).exists()
    routine_only = [
        session
        for session in sessions
        if all(test.test.routine_measure for test in session.tests.all())
    ]
    assert [session.patient.mrn for session in routine_only] == ["RPT-10007"]
    assert all(s.clinician.clinic == s.patient.clinic for s in sessions)


def test_sessions_are_past_weekdays_with_valid_tests(seeded):
    """Sessions are recent weekdays in clinic hours; their tests are in order and within the catalog's limits."""
    # then
    now = timezone.now()
    for session in TestSession.objects.select_related("patient__clinic"):
        zone = zoneinfo.ZoneInfo(session.patient.clinic.time_zone)
        start = timezone.localtime(session.started_at, zone)
        assert session.ended_at < now
        assert now - session.started_at < dt.timedelta(weeks=7)
        assert start.weekday() < 5
        assert 7 <= start.hour < 17
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
                assert [entry.check_text(v) for v in values] == [None] * len(values)


def test_prints_the_logins_and_urls(seeded):
    """The command prints every login with the demo password, and the two URLs
    of the address actually served."""
    # then
    lines = seeded.splitlines()
    assert f"Clinicians: {SERVED_AT}   Clinic admin: {SERVED_AT}admin/" in seeded
    assert "127.0.0.1:8000" not in seeded
    for username in LOGINS:
        assert any(line.split()[:2] == [username, "perfnote-demo"] for line in lines), (
            username
        )


def test_every_demo_login_can_log_in(seeded, client):
    """Every demo login signs in with the published demo password."""
    # then
    for username in LOGINS:
        assert client.login(
            request=HttpRequest(), username=username, password="perfnote-demo"
        ), username
        client.logout()


def test_signs_some_notes_with_an_addendum_and_one_not_billable(seeded):
    """Whitfield's signed note has an addendum (two versions); Bell's has no interpretation, so is not billable."""
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


def test_every_session_is_billed_through_the_services(seeded):
    """Each demo session has its day's decision, made for the patient's coverage payer.

    seed_demo writes through the services, so every patient has coverage and every
    session a decision; signed sessions' decisions are final, drafts' are drafts.
    """
    # then
    patients = Patient.objects.select_related("coverage__payer")
    assert Coverage.objects.count() == patients.count() == 13
    sessions = TestSession.objects.select_related(
        "billing_decision__payer", "patient__coverage__payer"
    )
    assert sessions.count() == 18
    for session in sessions:
        decision = session.billing_decision
        payer = session.patient.coverage.payer
        assert (
            decision.patient_id,
            decision.payer,
            decision.inputs["rates"]["97750"],
            decision.inputs["payer_kind"],
            decision.discipline,
            decision.status,
        ) == (
            session.patient_id,
            payer,
            str(payer.rates.get(code="97750").expected_payment),
            payer.kind,
            session.discipline,
            "final" if session.status == "signed" else "draft",
        ), session.patient.mrn
        assert session.started_at >= decision.service_start


def test_a_date_of_service_pools_two_signed_sessions(seeded):
    """Abernathy's two 7-minute sessions of one date earn one unit together.

    The morning note was signed alone (7 minutes, no unit); the afternoon session
    made a new decision for the date that supersedes the morning's, and pools both.
    """
    # given
    morning, afternoon = TestSession.objects.filter(
        patient__mrn="RPT-10008", status="signed"
    ).order_by("started_at")
    # then
    assert morning.started_at.date() == afternoon.started_at.date()
    alone = morning.billing_decision
    pooled = afternoon.billing_decision
    assert (alone.status, alone.units, alone.qualifies) == ("final", 0, False)
    assert (pooled.status, pooled.units, pooled.qualifies) == ("final", 1, True)
    assert pooled.supersedes == alone
    assert pooled.outputs["minutes_by_code"] == {"97750": 14}
    assert len(pooled.inputs["visits"]) == 2


def test_every_session_is_done_under_a_covering_plan_of_its_discipline(seeded):
    """Each demo session has a plan of its patient and discipline covering its date."""
    for session in TestSession.objects.select_related(
        "plan_of_care", "patient__clinic"
    ):
        plan = session.plan_of_care
        assert plan is not None, session
        assert plan.patient_id == session.patient_id
        assert plan.discipline == session.discipline
        assert plan.covers(date_of_service(session=session)), session


def test_every_session_measures_a_goal_of_its_plan(seeded):
    """The demo shows goal results: every session does a test one of its goals names."""
    for session in TestSession.objects.select_related("plan_of_care"):
        assert plan_of_care_block(session=session)["goal_results"], session


def test_one_patient_has_both_a_pt_and_an_ot_plan(seeded):
    kowalski = Patient.objects.get(mrn="RPT-10005")

    assert sorted(kowalski.plans_of_care.values_list("discipline", flat=True)) == [
        "OT",
        "PT",
    ]
    assert not kowalski.plans_of_care.get(discipline="OT").is_certified


def test_signed_demo_notes_carry_their_plan(seeded):
    for version in NoteVersion.objects.filter(number=1):
        assert version.context["plan_of_care"]["goal_results"], version


def test_plans_get_the_patients_diagnoses_primary_first(seeded):
    whitfield = Patient.objects.get(mrn="RPT-10001")
    plan = whitfield.plans_of_care.get()

    assert [d.code for d in plan.diagnoses.all()] == ["M17.11", "R26.81"]
    assert plan.diagnoses.first().is_primary
    assert PlanOfCare.objects.count() == 14


def test_the_demo_claims_export_as_an_837p_that_pyx12_accepts(seeded):
    """The demo's signed days made claims; both formats export them, pyx12 passes."""
    # given
    claims = Claim.objects.all()
    assert claims.count() >= 4
    # when
    csv_out, x12_out = io.BytesIO(), io.BytesIO()
    now = timezone.now()
    for fmt, out in (("csv", csv_out), ("837p", x12_out)):
        claims_export(
            claims=claims, fmt=fmt, out=out, user=None, reexport=True, now=now
        )
    # then
    assert x12_accepted(x12_out.getvalue().decode())
    assert csv_out.getvalue().decode().count("\r\n") - 1 == ClaimLine.objects.count()


# Pages of each demo note, measured after the note's break rules (note.css),
# PDF/UA tagging, each result's norms lines and a block per test (not a table
# row): (MRN, tests, version) -> pages. Three notes end on page 2 with their
# references and signature, two run onto a third page, and an addendum starts
# a page of its own. A change here is a layout change: look at the pages
# (pdftoppm) before changing a number.
DEMO_NOTE_PAGES = {
    ("RPT-10001", 5, 1): 3,
    ("RPT-10001", 5, 2): 4,
    ("RPT-10002", 4, 1): 2,
    ("RPT-10003", 3, 1): 2,
    ("RPT-10004", 5, 1): 2,
    ("RPT-10008", 2, 1): 3,
}


@pytest.mark.skipif(
    not (shutil.which("pdfinfo") and shutil.which("pdfsig")), reason="needs poppler"
)
def test_demo_notes_are_tagged_sealed_and_of_known_length(seeded, tmp_path):
    """Every stored demo note says "Tagged: yes", its seal verifies, and its pages are as measured."""
    # given
    versions = NoteVersion.objects.select_related("session__patient").order_by("pk")
    pages = {}
    for version in versions:
        path = tmp_path / f"{version.document_id}.pdf"
        path.write_bytes(bytes(version.pdf))
        # when
        info = _run("pdfinfo", path)
        # then
        assert re.search(r"^Tagged:\s+yes$", info, re.MULTILINE), version
        assert "Signature is Valid." in _run("pdfsig", path), version
        key = (
            version.session.patient.mrn,
            version.session.tests.count(),
            version.number,
        )
        pages[key] = int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE)[1])
    assert pages == DEMO_NOTE_PAGES


def _run(command, path):
    return subprocess.run(  # noqa: S603
        [command, str(path)], capture_output=True, text=True, check=False
    ).stdout


def test_a_demo_re_test_shows_its_change_and_trends(seeded):
    """make run shows the norms' change and charts: RPT-10001 was re-tested."""
    # given the draft re-test of a patient with a signed first session
    session = TestSession.objects.get(patient__mrn="RPT-10001", status="draft")
    tests = list(session.tests.all())

    # when
    results = session_results(session=session, tests=tests)

    # then every test done before has its change and chart
    assert {trend["code"] for trend in results.trends} == {
        "chair_stand_30s",
        "timed_up_and_go",
        "ten_metre_walk",
        "berg_balance_scale",
    }
    assert all(
        entry["previous"] for entries in results.entries.values() for entry in entries
    )
