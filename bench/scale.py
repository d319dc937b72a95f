"""Build a clinic of 100,000 sessions in PostgreSQL and time every page of issue 13.

Run from the repository root:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf_scale \
        .venv/bin/python bench/scale.py [--sessions 100000] [--rebuild] [--runs 30]

The database is created and migrated when missing, and filled once (bulk
inserts: 2,000 patients, 100,000 sessions with 4 tests and a billing decision
each, 90 % signed; one patient has 1,000 sessions); later runs reuse it, and
``--rebuild`` drops it first. It must not be the suite's ``test`` database.

Pages run in this process through Django's test client with DEBUG off (the
production template loaders and middleware), signed in as a clinician or as
the clinic's front office. For each page the table shows p50 and p99 of
``--runs`` requests after two warm-up ones, the queries one request makes,
its p50 over the bare view's (``/ping/`` with the same login, asked before
each request of the page), and the tables
of sessions, tests or decisions any of its queries reads by sequential scan
(EXPLAIN). Then it times a session save by number of draft days
(bench/save_bench.py, rolled back) and render + seal of bench/note_bench.py's
note with 4, 8 and 32 tests (the last with 4 addenda).
"""

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")

import psycopg  # noqa: E402
from psycopg import sql  # noqa: E402

PATIENTS = 2000
TESTS_PER_SESSION = 4
CLINICIANS = 20
BATCH = 5000
SCANNED_TABLES = (
    "assessments_testsession",
    "assessments_performedtest",
    "billing_billingdecision",
)


def database_ensure(url: str, *, rebuild: bool) -> None:
    """Create the benchmark database when missing (dropped first with --rebuild)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if name in {"test", "test_test", "postgres"}:
        sys.exit(f"bench/scale.py builds its own database; {name!r} is not one.")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and rebuild:
            conn.execute(
                sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
            )
            exists = None
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of its own (perf_scale).")
    database_ensure(url, rebuild=args.rebuild)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from clinic.models import Clinic

    if not Clinic.objects.filter(name=CLINIC).exists():
        began = time.perf_counter()
        build(sessions=args.sessions)
        print(f"built in {time.perf_counter() - began:.0f} s")
    measure(runs=args.runs)
    notes(runs=max(5, args.runs // 3))


CLINIC = "Scale Physical Therapy"
DAYS = 1000
FIRST_DAY = dt.date.today() - dt.timedelta(days=DAYS)  # noqa: DTZ011


def build(*, sessions: int) -> None:
    """Fill the clinic with bulk inserts; one real decision is the pattern of all."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from assessments.services import session_billing_refresh
    from billing.models import Coverage
    from clinic.models import Clinic, ClinicAdmin, Clinician, Patient
    from clinic.services import clinic_admin_group_ensure
    from tests.factories import (
        DEFAULT_PASSWORD,
        PayerFactory,
        PerformedTestFactory,
        TestSessionFactory,
    )

    user_model = get_user_model()
    with transaction.atomic():
        clinic = Clinic.objects.create(
            name=CLINIC, time_zone="America/Chicago", seal_name="scale"
        )
        payer = PayerFactory(clinic=clinic, name="Medicare Part B")
        users = user_model.objects.bulk_create(
            user_model(
                username=f"scale-pt{n}", first_name="Therapist", last_name=f"No{n}"
            )
            for n in range(CLINICIANS)
        )
        clinicians = Clinician.objects.bulk_create(
            Clinician(user=user, clinic=clinic, role="pt", credentials="PT, DPT")
            for user in users
        )
        office = user_model.objects.create_user(
            "scale-office", password=DEFAULT_PASSWORD, is_staff=True
        )
        office.groups.add(clinic_admin_group_ensure())
        ClinicAdmin.objects.create(user=office, clinic=clinic)
        patients = Patient.objects.bulk_create(
            Patient(
                clinic=clinic,
                mrn=f"S{n:06d}",
                first_name=f"Pat{n}",
                last_name=f"Scale{n:04d}",
                date_of_birth=dt.date(1950, 1, 1) + dt.timedelta(days=n),
                sex="F",
            )
            for n in range(PATIENTS)
        )
        Coverage.objects.bulk_create(
            Coverage(patient=patient, payer=payer, member_id=f"1EG4{n:06d}")
            for n, patient in enumerate(patients)
        )
        pattern = TestSessionFactory(patient=patients[0], clinician=clinicians[0])
        for position in range(TESTS_PER_SESSION):
            PerformedTestFactory(
                session=pattern,
                started_at=pattern.started_at + dt.timedelta(minutes=2 + 9 * position),
                position=position,
            )
        decision = session_billing_refresh(session=pattern).billing_decision
        tests = list(pattern.tests.all())

    plan = _plan(sessions=sessions, patients=patients, clinicians=clinicians)
    for start in range(0, len(plan), BATCH):
        with transaction.atomic():
            _insert(plan[start : start + BATCH], decision, tests, payer)
        print(f"  {min(start + BATCH, len(plan)):,} sessions", flush=True)
    with transaction.atomic(), connection.cursor() as cursor:
        # Sign nine sessions in ten: the status and signer columns only, no
        # sealed note (the pages read those columns, not the PDF).
        cursor.execute(
            "UPDATE assessments_testsession SET status = 'signed', "
            "signed_at = ended_at, signed_by_id = clinician_id "
            "WHERE id %% 10 <> 0 AND id <> %s",
            [pattern.pk],
        )
    connection.close()
    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _plan(*, sessions: int, patients: list, clinicians: list) -> list[tuple]:
    """Return (patient, clinician, start) per session, each on its own day.

    The first patient has 1,000 sessions (the chart the issue measured); the
    others share the rest over the same 1,000 days.
    """
    plan = []
    heavy = min(DAYS, sessions)
    for day in range(heavy):
        plan.append((patients[0], clinicians[0], FIRST_DAY + dt.timedelta(days=day)))
    others = patients[1:]
    for n in range(sessions - heavy):
        patient = others[n % len(others)]
        spacing = max(1, DAYS * len(others) // max(1, sessions - heavy))
        day = FIRST_DAY + dt.timedelta(
            days=((n // len(others)) * spacing + n % spacing) % DAYS
        )
        plan.append((patient, clinicians[n % len(clinicians)], day))
    return plan


def _insert(batch: list[tuple], decision: object, tests: list, payer: object) -> None:
    from assessments.models import PerformedTest, TestSession
    from billing.models import BillingDecision

    starts = [
        dt.datetime.combine(day, dt.time(15, 0), tzinfo=dt.UTC)
        + dt.timedelta(minutes=15 * (n % 8))
        for n, (_patient, _clinician, day) in enumerate(batch)
    ]
    decisions = BillingDecision.objects.bulk_create(
        BillingDecision(
            patient=patient,
            rendering_clinician=clinician,
            date_of_service=day,
            discipline="PT" if n % 5 else "OT",
            service_start=start,
            payer=payer,
            status="final" if n % 10 else "draft",
            inputs=decision.inputs,
            outputs=decision.outputs,
            qualifies=bool(n % 10),
            has_blocking_findings=not n % 20,
            units=decision.units,
            modifiers=decision.modifiers,
            charge=decision.charge,
            expected_payment=decision.expected_payment,
            method=decision.method,
            rules_version=decision.rules_version,
            computed_at=start,
        )
        for n, ((patient, clinician, day), start) in enumerate(
            zip(batch, starts, strict=True)
        )
    )
    sessions = TestSession.objects.bulk_create(
        TestSession(
            patient=patient,
            clinician=clinician,
            discipline=made.discipline,
            started_at=start,
            ended_at=start + dt.timedelta(minutes=45),
            reason="Fall risk after right total knee replacement.",
            interpretation="Gait speed and TUG show an elevated fall risk.",
            billing_decision=made,
        )
        for (patient, clinician, _day), start, made in zip(
            batch, starts, decisions, strict=True
        )
    )
    PerformedTest.objects.bulk_create(
        PerformedTest(
            session=session,
            catalog_code=test.catalog_code,
            side=test.side,
            started_at=session.started_at + (test.started_at - test.session.started_at),
            ended_at=session.started_at + (test.ended_at - test.session.started_at),
            trials=test.trials,
            position=test.position,
        )
        for session in sessions
        for test in tests
    )


def measure(*, runs: int) -> None:
    """Print the page table, then the save table."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from bench.save_bench import save_timings
    from clinic.models import Clinic, Clinician, Patient

    clinic = Clinic.objects.get(name=CLINIC)
    clinician = Clinician.objects.filter(clinic=clinic).order_by("pk").first()
    heavy = Patient.objects.get(clinic=clinic, mrn="S000000")
    signed = heavy.sessions.filter(status="signed").first()
    draft = heavy.sessions.filter(status="draft").first()
    payer = heavy.coverage.payer
    clients = {"anonymous": Client(HTTP_HOST="localhost")}
    for name, user in (
        ("clinician", clinician.user),
        ("front office", get_user_model().objects.get(username="scale-office")),
    ):
        clients[name] = Client(HTTP_HOST="localhost")
        clients[name].force_login(user)
    month = dt.date.today().replace(day=1)  # noqa: DTZ011
    month_start = dt.datetime.combine(month, dt.time(), tzinfo=dt.UTC)
    this_month = {"started_at__gte": str(month_start)}
    sessions = reverse("admin:assessments_testsession_changelist")
    decisions = reverse("admin:billing_billingdecision_changelist")
    chart = reverse("assessments:patient-detail", args=[heavy.uuid])
    pages = [
        ("bare view (/ping/), anonymous", "anonymous", reverse("ping"), {}),
        ("bare view (/ping/), clinician", "clinician", reverse("ping"), {}),
        ("bare view (/ping/), front office", "front office", reverse("ping"), {}),
        ("home: worklist", "clinician", reverse("home"), {}),
        ("home: review queues", "front office", reverse("home"), {}),
        ("patient list", "clinician", reverse("assessments:patient-list"), {}),
        (
            "patient list, search",
            "clinician",
            reverse("assessments:patient-list"),
            {"q": "Scale0042"},
        ),
        ("patient detail (1,000 sessions)", "clinician", chart, {}),
        ("patient detail, page 20", "clinician", chart, {"page": 20}),
        ("session detail (signed)", "clinician", signed.get_absolute_url(), {}),
        (
            "session form (edit draft)",
            "clinician",
            reverse("assessments:session-update", args=[draft.uuid]),
            {},
        ),
        ("admin sessions", "front office", sessions, {}),
        (
            "admin sessions, status",
            "front office",
            sessions,
            {"status__exact": "draft"},
        ),
        (
            "admin sessions, discipline",
            "front office",
            sessions,
            {"discipline__exact": "OT"},
        ),
        (
            "admin sessions, clinician",
            "front office",
            sessions,
            {"clinician": clinician.pk},
        ),
        ("admin sessions, this month", "front office", sessions, this_month),
        ("admin sessions, search", "front office", sessions, {"q": "Scale0042"}),
        (
            "admin sessions, one patient",
            "front office",
            sessions,
            {"patient__id__exact": heavy.pk},
        ),
        ("admin decisions", "front office", decisions, {}),
        (
            "admin decisions, qualifies",
            "front office",
            decisions,
            {"qualifies__exact": 0},
        ),
        (
            "admin decisions, blocking",
            "front office",
            decisions,
            {"has_blocking_findings__exact": 1},
        ),
        (
            "admin decisions, payer",
            "front office",
            decisions,
            {"payer__id__exact": payer.pk},
        ),
        (
            "admin decisions, clinician",
            "front office",
            decisions,
            {"rendering_clinician__id__exact": clinician.pk},
        ),
        (
            "admin decisions, status",
            "front office",
            decisions,
            {"status__exact": "draft"},
        ),
        (
            "admin decisions, discipline",
            "front office",
            decisions,
            {"discipline__exact": "OT"},
        ),
        (
            "admin decisions, this month",
            "front office",
            decisions,
            {"date_of_service__gte": str(month)},
        ),
        ("admin decisions, search", "front office", decisions, {"q": "Scale0042"}),
    ]
    print(
        f"\n{Patient.objects.filter(clinic=clinic).count():,} patients, "
        f"{heavy.sessions.model.objects.filter(patient__clinic=clinic).count():,} sessions, "
        f"{connection.vendor}, {runs} runs a page"
    )
    print("| page | p50 ms | p99 ms | queries | × bare | seq scans |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for label, who, url, params in pages:
        p50, p99, queries, bare = _timed(clients[who], url, params, runs)
        scans = _sequential_scans(queries)
        print(
            f"| {label} | {p50:.1f} | {p99:.1f} | {len(queries)} | "
            f"{p50 / bare:.1f} | {', '.join(scans) or '—'} |",
            flush=True,
        )
    print("\n| draft days | save p50 ms | save p90 ms | queries |")
    print("| ---: | ---: | ---: | ---: |")
    for drafts in (10, 200, 1000):
        with transaction.atomic():
            median, p90, count = save_timings(drafts)
            transaction.set_rollback(True)
        print(f"| {drafts} | {median:.1f} | {p90:.1f} | {count} |", flush=True)


def _timed(client: object, url: str, params: dict, runs: int) -> tuple:
    """Return p50 and p99 ms of GET url, the queries of the last request, and
    the p50 of /ping/ by the same client, asked just before each request so
    that a busy machine slows both alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    timings, bare = [], []
    for run in range(runs + 2):
        began = time.perf_counter()
        client.get(reverse("ping"))
        if run >= 2:
            bare.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        if response.status_code != 200:
            sys.exit(f"{url} {params}: HTTP {response.status_code}")
        if run >= 2:
            timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    return (
        statistics.median(timings),
        p99,
        queries.captured_queries,
        statistics.median(bare),
    )


def _sequential_scans(queries: list[dict]) -> list[str]:
    """Return the sessions, tests or decisions tables a query reads by Seq Scan."""
    from django.db import connection

    found = set()
    with connection.cursor() as cursor:
        for query in queries:
            if not query["sql"].startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
            found |= {t for t in SCANNED_TABLES if f"Seq Scan on {t}" in plan}
    return sorted(found)


def notes(*, runs: int) -> None:
    """Print p50 and p99 of render + seal, and the pages, by the note's size."""
    import copy
    import tempfile

    from django.conf import settings
    from pypdf import PdfReader

    from assessments.notes import sealing
    from assessments.notes.rendering import note_pdf_render
    from bench.note_bench import note_context
    from clinic.models import Clinic

    base = note_context()
    addendum = {
        "text": "Right grip trials re-read from the dynamometer log. " * 3,
        "signature_text": "Electronically signed by Rosa Diaz, PT, DPT",
        "signer": {"license": "IL 070.012345", "npi": "1457382910"},
    }
    # CPU time too: other processes on a shared machine stretch the wall clock,
    # not the work a render does.
    print("\n| note | render + seal p50 ms | p99 ms | CPU p50 ms | pages |")
    print("| --- | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        settings.PERFNOTE_SEAL_DIR = Path(folder)
        clinic = Clinic(name="Perfnote scale bench clinic", seal_name="scale-bench")
        sealing.clinic_seal_certificate_create(clinic=clinic)
        for count, addenda in ((4, 0), (8, 0), (32, 4)):
            context = copy.deepcopy(base)
            context["tests"] = [
                {
                    **copy.deepcopy(base["tests"][n % len(base["tests"])]),
                    "number": n + 1,
                }
                for n in range(count)
            ]

            def sealed(context: dict = context, addenda: int = addenda) -> bytes:
                pdf = note_pdf_render(
                    context=context, addenda=[addendum] * addenda, document_id="PN-1"
                )
                return sealing.seal_pdf(
                    pdf, clinic=clinic, signer_name="Rosa Diaz", reason="bench"
                )

            pdf, timings, cpu = sealed(), [], []
            for _ in range(runs):
                began, began_cpu = time.perf_counter(), time.process_time()
                sealed()
                timings.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
            timings.sort()
            pages = len(PdfReader(io.BytesIO(pdf)).pages)
            label = f"{count} tests" + (f", {addenda} addenda" if addenda else "")
            print(
                f"| {label} | {statistics.median(timings):.0f} | "
                f"{timings[-1]:.0f} | {statistics.median(cpu):.0f} | {pages} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
