"""50 clinicians at the same few patients, through gunicorn on PostgreSQL: is anything lost?

Run from the repository root (PostgreSQL on 127.0.0.1:5432, trust auth):
    make bench-concurrency
    .venv/bin/python bench/concurrency.py [--clients 50] [--seconds 60] [--port 8790]
        [--database-url postgres://postgres@127.0.0.1:5432/perfnote_bench]

It makes a fresh PostgreSQL database (dropped first if it exists), migrates it,
loads the demo data and gives four Riverside patients a draft session a day
for 16 days from each of pt, md (PT) and ot (OT). It then starts gunicorn with
production settings (gunicorn.conf.py, as `make serve` does) and runs the
clients, each a thread signed in as pt, md or ot, for the given time. Each
client, again and again, reads a patient or session page, edits one of the
two newest drafts it performed, edits a patient's member ID, or signs a draft.

A silent overwrite is a save the server answered "saved" whose content was
later lost without the saver being told. Every save writes a token of its own
and the token it saw on the form ("tok c07n0012 saw c03n0004" in the session's
interpretation, "c07n0012<c03n0004" in the member ID). At the end each
record's stored token is followed back through the tokens each save saw: a
save answered "saved" that is not on that chain was written over by someone
who never saw it. A lost row is a session, test, diagnosis or coverage of the
set-up that is gone, a signature answered "signed" without its sealed note,
or a draft without its day's billing decision.

It prints requests, server errors (5xx), silent overwrites, lost rows, and the
p50/p95 latency, and exits non-zero unless the three counts are 0.
"""

import argparse
import http.cookies
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PASSWORD = "perfnote-demo"  # noqa: S105 (seed_demo's published demo password)
PERFORMERS = ("pt", "md", "ot")
PATIENTS = 4
DAYS = 16
# Weights of what a client does next.
ACTIONS = {"read": 40, "edit_session": 35, "edit_patient": 15, "sign": 10}
SESSION_TOKEN = re.compile(r"tok (\w+) saw (\w+)")
MEMBER_TOKEN = re.compile(r"^(\w+)<(\w+)$")
STALE = "after you opened it"
ORIGIN = "origin"
SEAL_PASSPHRASES = {
    "PERFNOTE_SEAL_PASSPHRASE_RIVERSIDE": "bench-only-riverside",
    "PERFNOTE_SEAL_PASSPHRASE_LAKESIDE": "bench-only-lakeside",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--database-url",
        default="postgres://postgres@127.0.0.1:5432/perfnote_bench",
    )
    parser.add_argument(
        "--django-step", choices=["prepare", "audit"], help=argparse.SUPPRESS
    )
    options = parser.parse_args()
    if options.django_step:
        django_step(options.django_step)
        return
    sys.exit(run(options))


def run(options: argparse.Namespace) -> int:
    work = ROOT / "var" / "bench-concurrency"
    work.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        **SEAL_PASSPHRASES,
        "DATABASE_URL": options.database_url,
        "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "PERFNOTE_SEAL_DIR": str(work / "seal"),
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "PERFNOTE_BIND": f"127.0.0.1:{options.port}",
    }
    local = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    production = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.production"}
    fresh_database(options.database_url)
    print("migrating, loading the demo data and the drafts ...", flush=True)
    manage(local, "migrate", "--no-input", "--verbosity", "0")
    manage(local, "seed_demo")
    manage(production, "create_seal_certificate")
    manage(production, "collectstatic", "--no-input", "--verbosity", "0")
    setup = json.loads(step(local, "prepare"))
    log = (work / "gunicorn.log").open("w")
    server = subprocess.Popen(  # noqa: S603 (the venv's gunicorn, fixed arguments)
        [str(Path(PYTHON).with_name("gunicorn"))],
        cwd=ROOT,
        env=production,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{options.port}"
        wait_for(base)
        print(
            f"{options.clients} clients for {options.seconds:g} s against {base} ...",
            flush=True,
        )
        tally = Tally(patients=setup["patients"])
        clients = [
            Client(index, base, PERFORMERS[index % len(PERFORMERS)], setup, tally)
            for index in range(options.clients)
        ]
        # Every client signs in first (a password hash each: seconds of CPU on
        # a small machine); the timed run starts when all have.
        window = Window(options.seconds, len(clients))
        threads = [
            threading.Thread(target=client.run, args=(window,)) for client in clients
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(60)
        log.close()
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(tally.saves(), file)
    audit = json.loads(step({**local, "BENCH_SAVES": file.name}, "audit"))
    Path(file.name).unlink()
    return report(tally, audit)


def fresh_database(url: str) -> None:
    """Drop and create the bench's database, so each run starts the same."""
    import psycopg
    from psycopg import sql

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)
            )
        )
        db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def step(env: dict[str, str], name: str) -> str:
    """Run a step that needs Django in a process of its own; return its output."""
    done = subprocess.run(  # noqa: S603 (this script, fixed arguments)
        [PYTHON, __file__, "--django-step", name],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def wait_for(base: str) -> None:
    # As if through the TLS proxy: production settings redirect plain http.
    ping = urllib.request.Request(  # noqa: S310 (the local http:// server)
        base + "/ping/", headers={"X-Forwarded-Proto": "https"}
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(ping, timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer /ping/; see var/bench-concurrency/gunicorn.log")


# The clients --------------------------------------------------------------------


class Window:
    """The timed run: it starts once every client has signed in."""

    def __init__(self, seconds: float, clients: int) -> None:
        self.seconds = seconds
        self.deadline = 0.0
        self.barrier = threading.Barrier(clients, action=self.start)

    def start(self) -> None:
        self.deadline = time.monotonic() + self.seconds

    def open(self) -> bool:
        return time.monotonic() < self.deadline


@dataclass
class Tally:
    """What every client saw, shared by all of them."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    # (kind, record) -> {token: token seen}, for every save sent, and the
    # tokens of those answered "saved".
    sent: dict[str, dict[str, str]] = field(default_factory=dict)
    acknowledged: dict[str, list[str]] = field(default_factory=dict)
    signed: set[str] = field(default_factory=set)
    patients: list[str] = field(default_factory=list)

    def request(self, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] = self.statuses.get(status, 0) + 1

    def outcome(self, name: str) -> None:
        with self.lock:
            self.outcomes[name] = self.outcomes.get(name, 0) + 1

    def save_sent(self, record: str, token: str, seen: str) -> None:
        with self.lock:
            self.sent.setdefault(record, {})[token] = seen

    def save_acknowledged(self, record: str, token: str) -> None:
        with self.lock:
            self.acknowledged.setdefault(record, []).append(token)

    def saves(self) -> dict:
        return {
            "sent": self.sent,
            "acknowledged": self.acknowledged,
            "signed": sorted(self.signed),
            "patients": self.patients,
        }


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Client:
    """One clinician's browser: its own cookies, signed in as one demo login."""

    def __init__(
        self, index: int, base: str, username: str, setup: dict, tally: Tally
    ) -> None:
        self.index, self.base, self.username, self.tally = index, base, username, tally
        self.patients = setup["patients"]
        self.drafts = [s for s in setup["sessions"] if s["performer"] == username]
        self.cookies: dict[str, str] = {}
        self.opener = urllib.request.build_opener(NoRedirect)
        self.random = random.Random(index)
        self.saves = 0
        # Requests before the timed run (signing in) are not counted.
        self.timed = False

    def run(self, window: Window) -> None:
        self.request("/accounts/login/")
        status, _, _ = self.request(
            "/accounts/login/", {"username": self.username, "password": PASSWORD}
        )
        window.barrier.wait()
        if status != 302:
            self.tally.outcome("login refused")
            return
        self.timed = True
        names, weights = zip(*ACTIONS.items(), strict=True)
        while window.open():
            action = self.random.choices(names, weights)[0]
            getattr(self, action)()

    def token(self) -> str:
        self.saves += 1
        return f"c{self.index:02d}n{self.saves:04d}"

    def request(
        self, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """Return status, body and redirect target; remember the cookies set.

        The server sits behind no TLS proxy here, so each request says it came
        through one (X-Forwarded-Proto) and the Secure cookies go back by hand.
        """
        host = urllib.parse.urlsplit(self.base).netloc
        headers = {
            "X-Forwarded-Proto": "https",
            "Origin": f"https://{host}",
            "Referer": f"https://{host}{path}",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            body = urllib.parse.urlencode(data).encode()
        started = time.monotonic()
        try:
            # The local http:// server started above.
            request = urllib.request.Request(self.base + path, body, headers)  # noqa: S310
            answer = self.opener.open(request, timeout=300)
        except urllib.error.HTTPError as error:
            answer = error
        text = answer.read().decode()
        if self.timed:
            self.tally.request(answer.status, time.monotonic() - started)
        if answer.status >= 500:
            self.tally.outcome(f"server error on {path.split('/')[1]}")
        for header in answer.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            self.cookies.update({key: morsel.value for key, morsel in cookie.items()})
        return answer.status, text, answer.headers.get("Location", "")

    def followed(self, location: str) -> str:
        """Return the page a redirect leads to (where its message is shown)."""
        return self.request(urllib.parse.urlsplit(location).path)[1]

    def open_draft(self) -> dict | None:
        """Return one of the two newest drafts of a patient this client performed."""
        patient = self.random.choice(self.patients)
        drafts = [
            s
            for s in self.drafts
            if s["patient"] == patient and s["uuid"] not in self.tally.signed
        ]
        return self.random.choice(drafts[:2]) if drafts else None

    def read(self) -> None:
        if self.random.random() < 0.5:
            self.request(f"/patients/{self.random.choice(self.patients)}/")
        elif draft := self.open_draft():
            self.request(f"/sessions/{draft['uuid']}/")

    def edit_session(self) -> None:
        draft = self.open_draft()
        if draft is None:
            return
        path = f"/sessions/{draft['uuid']}/edit/"
        status, page, _ = self.request(path)
        if status != 200:
            self.tally.outcome("edit: draft signed before the form opened")
            return
        form = form_values(page, "session-form")
        seen = SESSION_TOKEN.search(form.get("interpretation", ""))
        token = self.token()
        form["interpretation"] = f"tok {token} saw {seen.group(1) if seen else ORIGIN}"
        record = f"session:{draft['uuid']}"
        self.tally.save_sent(record, token, seen.group(1) if seen else ORIGIN)
        status, page, location = self.request(path, form)
        if status == 302 and "Session saved." in self.followed(location):
            self.tally.save_acknowledged(record, token)
            self.tally.outcome("edit: saved")
        elif status == 302:
            self.tally.outcome("edit: refused, signed meanwhile")
        elif status == 200 and STALE in page:
            self.tally.outcome("edit: stale, shown what changed")
        elif status == 200 and "signed" in page:
            self.tally.outcome("edit: refused, signed meanwhile")
        elif status < 500:
            self.tally.outcome(f"edit: other answer {status}")

    def edit_patient(self) -> None:
        patient = self.random.choice(self.patients)
        path = f"/patients/{patient}/edit/"
        status, page, _ = self.request(path)
        if status != 200:
            return
        form = form_values(page, None)
        seen = MEMBER_TOKEN.match(form.get("member_id", ""))
        token = self.token()
        form["member_id"] = f"{token}<{seen.group(1) if seen else ORIGIN}"
        record = f"patient:{patient}"
        self.tally.save_sent(record, token, seen.group(1) if seen else ORIGIN)
        status, page, _ = self.request(path, form)
        if status == 302:
            self.tally.save_acknowledged(record, token)
            self.tally.outcome("patient: saved")
        elif status == 200 and STALE in page:
            self.tally.outcome("patient: stale, shown what changed")
        elif status < 500:
            self.tally.outcome(f"patient: other answer {status}")

    def sign(self) -> None:
        draft = self.open_draft()
        if draft is None:
            return
        status, page, location = self.request(
            f"/sessions/{draft['uuid']}/sign/", {"password": PASSWORD}
        )
        if status == 302 and "Note signed" in self.followed(location):
            with self.tally.lock:
                self.tally.signed.add(draft["uuid"])
            self.tally.outcome("sign: signed")
        elif status == 302:
            with self.tally.lock:
                self.tally.signed.add(draft["uuid"])
            self.tally.outcome("sign: already signed")
        elif status == 200 and "signed" in page:
            self.tally.outcome("sign: refused, signed meanwhile")
        elif status < 500:
            self.tally.outcome(f"sign: other answer {status}")


class FormValues(HTMLParser):
    """What a browser submits from one form (by id, or every control if None)."""

    def __init__(self, form_id: str | None) -> None:
        super().__init__()
        self.form_id, self.inside = form_id, form_id is None
        self.values: dict[str, str] = {}
        self.textarea = self.select = None
        self.template = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None:
            self.inside = attrs.get("id") == self.form_id
        if tag == "template":
            self.template += 1
        if not self.inside or self.template:
            return
        if tag == "option" and self.select and "selected" in attrs:
            self.values[self.select] = attrs.get("value") or ""
        name = attrs.get("name")
        if name is None:
            return
        if tag == "input":
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            elif attrs.get("type") != "submit":
                self.values[name] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea, self.values[name] = name, ""
        elif tag == "select":
            self.select = name
            self.values.setdefault(name, "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.template -= 1
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.form_id is not None:
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.textarea and self.inside and not self.template:
            self.values[self.textarea] += data.removeprefix("\n")


def form_values(page: str, form_id: str | None) -> dict[str, str]:
    parser = FormValues(form_id)
    parser.feed(page)
    return parser.values


# The report -------------------------------------------------------------------


def report(tally: Tally, audit: dict) -> int:
    latencies = sorted(tally.latencies)
    errors = sum(n for status, n in tally.statuses.items() if status >= 500)
    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print()
    for name, count in sorted(tally.outcomes.items()):
        print(f"  {name:45} {count:6d}")
    print(f"  {'statuses':45} {dict(sorted(tally.statuses.items()))}")
    print()
    print(f"requests            {len(latencies)}")
    print(f"server errors (5xx) {errors}")
    print(f"silent overwrites   {audit['silent_overwrites']}")
    print(f"lost rows           {audit['lost_rows']}")
    print(f"latency p50 / p95   {p50 * 1000:.0f} ms / {p95 * 1000:.0f} ms")
    for line in audit["details"][:20]:
        print("  " + line)
    return 1 if errors or audit["silent_overwrites"] or audit["lost_rows"] else 0


# Steps run with Django (config.settings.local, the bench's database) -------------


def django_step(name: str) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    result = prepare() if name == "prepare" else audit()
    print(json.dumps(result))


def prepare() -> dict:
    """Give four Riverside patients a draft a day from pt, md and ot; return them.

    Saved through assessments.services.session_create, as the session form does.
    """
    import datetime as dt
    import zoneinfo

    from django.utils import timezone

    from assessments.models import PerformedTest, TestSession
    from assessments.recording import SessionInput, TestInput
    from assessments.services import session_create
    from clinic.models import Clinician, Patient

    clinicians = {
        c.user.username: c
        for c in Clinician.objects.select_related("user", "clinic").filter(
            user__username__in=PERFORMERS
        )
    }
    clinic = clinicians["pt"].clinic
    zone = zoneinfo.ZoneInfo(clinic.time_zone)
    patients = list(Patient.objects.filter(clinic=clinic).order_by("mrn")[:PATIENTS])
    sessions = []
    today = timezone.localdate()
    for patient in patients:
        for day in range(DAYS):
            date = today - dt.timedelta(days=60 + day)
            for hour, username in zip((9, 11, 14), PERFORMERS, strict=True):
                start = dt.datetime.combine(date, dt.time(hour), tzinfo=zone)
                discipline = (
                    TestSession.Discipline.OT
                    if username == "ot"
                    else TestSession.Discipline.PT
                )
                session = session_create(
                    patient=patient,
                    clinician=clinicians[username],
                    data=SessionInput(
                        started_at=start,
                        ended_at=start + dt.timedelta(minutes=30),
                        discipline=discipline,
                        reason="Fall risk after a hip fracture.",
                        interpretation="Set up by the bench.",
                        tests=(
                            TestInput(
                                catalog_code="timed_up_and_go",
                                side=PerformedTest.Side.NOT_APPLICABLE,
                                started_at=start + dt.timedelta(minutes=5),
                                ended_at=start + dt.timedelta(minutes=15),
                                trials={"na": ["12.5"]},
                            ),
                        ),
                    ),
                )
                sessions.append(
                    {
                        "uuid": str(session.uuid),
                        "performer": username,
                        "patient": str(patient.uuid),
                    }
                )
    # Newest first: the clients edit and sign the newest drafts.
    sessions.reverse()
    return {"patients": [str(p.uuid) for p in patients], "sessions": sessions}


def audit() -> dict:
    """Count silent overwrites and lost rows, from the database and the saves sent."""
    from assessments.models import NoteVersion, TestSession
    from billing.models import BillingDecision, Coverage
    from clinic.models import Patient

    saves = json.loads(Path(os.environ["BENCH_SAVES"]).read_text())
    details: list[str] = []
    silent = 0
    for record, acknowledged in saves["acknowledged"].items():
        kind, uuid = record.split(":")
        if kind == "session":
            stored = TestSession.objects.get(uuid=uuid).interpretation
            match = SESSION_TOKEN.search(stored)
        else:
            coverage = Coverage.objects.filter(patient__uuid=uuid).first()
            match = MEMBER_TOKEN.match(coverage.member_id if coverage else "")
        chain, token = set(), match.group(1) if match else ORIGIN
        sent = saves["sent"][record]
        while token in sent and token not in chain:
            chain.add(token)
            token = sent[token]
        for lost in sorted(set(acknowledged) - chain):
            silent += 1
            details.append(f"silent overwrite: {record} lost {lost}")
    lost_rows = 0
    sessions = TestSession.objects.filter(reason="Fall risk after a hip fracture.")
    for session in sessions.prefetch_related("tests"):
        if len(session.tests.all()) != 1:
            lost_rows += 1
            details.append(f"lost test: session {session.uuid}")
        if session.is_draft and session.billing_decision_id is None:
            lost_rows += 1
            details.append(f"lost decision: draft {session.uuid}")
    expected = len(PERFORMERS) * DAYS * PATIENTS
    if sessions.count() != expected:
        lost_rows += expected - sessions.count()
        details.append(f"lost sessions: {expected - sessions.count()}")
    for uuid in saves["signed"]:
        if not NoteVersion.objects.filter(session__uuid=uuid).exists():
            lost_rows += 1
            details.append(f"lost sealed note: {uuid}")
    for patient in Patient.objects.filter(
        uuid__in={r.split(":")[1] for r in saves["sent"] if r.startswith("patient")}
    ):
        if (
            not patient.diagnoses.exists()
            or not Coverage.objects.filter(patient=patient).exists()
        ):
            lost_rows += 1
            details.append(f"lost diagnoses or coverage: patient {patient.uuid}")
    # A day whose notes are all signed keeps a final decision (and its claim).
    unfinished = BillingDecision.objects.filter(
        status=BillingDecision.Status.DRAFT, patient__uuid__in=saves["patients"]
    ).exclude(sessions__status=TestSession.Status.DRAFT)
    for decision in unfinished:
        lost_rows += 1
        details.append(f"lost final decision: {decision.date_of_service}")
    return {"silent_overwrites": silent, "lost_rows": lost_rows, "details": details}


if __name__ == "__main__":
    main()
