"""Migrations build an empty database and take it back down, on SQLite and PostgreSQL.

Each run migrates a throw-away database in a subprocess (``manage.py migrate``),
checks the lock triggers of assessments/0002 exist, then migrates every app
back to zero and checks nothing of Perfnote is left. Migration files must not
import the project's code, so editing an app never changes a historical
migration.
"""

import ast
import os
import sqlite3
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import quote

import environ
import psycopg
import pytest
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parents[1]
APPS = ("clinic", "billing", "assessments")
PROJECT_PACKAGES = frozenset({*APPS, "config"})
APP_PREFIXES = (*(f"{app}_" for app in APPS), "perfnote_")

SQLITE_TRIGGERS = {
    "perfnote_session_locked_update",
    "perfnote_session_locked_delete",
    "perfnote_performedtest_locked_insert",
    "perfnote_performedtest_locked_update",
    "perfnote_performedtest_locked_delete",
    "perfnote_samedayprocedure_locked_insert",
    "perfnote_samedayprocedure_locked_update",
    "perfnote_samedayprocedure_locked_delete",
    "perfnote_decision_locked_update",
    "perfnote_decision_locked_delete",
    "perfnote_noteversion_locked_update",
    "perfnote_noteversion_locked_delete",
    "perfnote_addendum_locked_update",
    "perfnote_addendum_locked_delete",
    "perfnote_claim_locked_update",
    "perfnote_claim_locked_delete",
    "perfnote_claim_line_locked_update",
    "perfnote_claim_line_locked_delete",
    "perfnote_noteversion_sequence",
    "perfnote_noteaccessevent_locked_update",
    "perfnote_noteaccessevent_locked_delete",
    "perfnote_patient_stays",
    "perfnote_auditevent_locked_update",
    "perfnote_auditevent_locked_delete",
    "perfnote_auditchainhead_locked_delete",
    "perfnote_auditchainhead_forward",
}
POSTGRESQL_TRIGGERS = {
    ("perfnote_session_locked", "assessments_testsession"),
    ("perfnote_child_locked", "assessments_performedtest"),
    ("perfnote_child_locked", "assessments_samedayprocedure"),
    ("perfnote_decision_locked", "billing_billingdecision"),
    ("perfnote_append_only", "assessments_noteversion"),
    ("perfnote_append_only", "assessments_addendum"),
    ("perfnote_claim_locked", "billing_claim"),
    ("perfnote_claim_line_locked", "billing_claimline"),
    ("perfnote_note_version_in_sequence", "assessments_noteversion"),
    ("perfnote_append_only", "assessments_noteaccessevent"),
    ("perfnote_patient_stays", "clinic_patient"),
    ("perfnote_audit_append_only", "clinic_auditevent"),
    ("perfnote_audit_head_kept", "clinic_auditchainhead"),
    ("perfnote_audit_head_forward", "clinic_auditchainhead"),
}
POSTGRESQL_FUNCTIONS = {
    "perfnote_status_locked",
    "perfnote_child_locked",
    "perfnote_append_only",
    "perfnote_claim_locked",
    "perfnote_claim_line_locked",
    "perfnote_note_version_in_sequence",
    "perfnote_patient_stays",
    "perfnote_audit_append_only",
}
# Tables every app creates, as a sample that the schema is there.
SOME_APP_TABLES = {
    "clinic_clinic",
    "clinic_patient",
    "billing_payer",
    "billing_coverage",
    "billing_billingdecision",
    "assessments_testsession",
    "assessments_samedayprocedure",
}


def _manage(database_url, *args):
    """Run manage.py with the test settings against the given database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
    }
    # The arguments are this module's own constants, never user input.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args, "--no-input", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"manage.py {' '.join(args)} failed:\n{done.stderr}"


@dataclass(frozen=True, kw_only=True)
class Schema:
    """What a database holds: tables, triggers, functions and applied migrations."""

    tables: frozenset[str]
    triggers: frozenset
    functions: frozenset[str] = frozenset()
    applied: frozenset[tuple[str, str]]
    lock_rows: tuple = ()

    @property
    def app_tables(self):
        return {table for table in self.tables if table.startswith(APP_PREFIXES)}

    @property
    def app_functions(self):
        return {name for name in self.functions if name.startswith(APP_PREFIXES)}

    @property
    def apps_applied(self):
        return {app for app, _name in self.applied} & set(APPS)


def _sqlite_schema(path):
    with closing(sqlite3.connect(path)) as db:

        def names(kind):
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = ?", [kind])
            return frozenset(name for (name,) in rows)

        tables = names("table")
        return Schema(
            tables=tables,
            triggers=names("trigger"),
            applied=frozenset(db.execute("SELECT app, name FROM django_migrations")),
            lock_rows=tuple(db.execute("SELECT locked FROM perfnote_lock"))
            if "perfnote_lock" in tables
            else (),
        )


def _postgres_schema(params):
    with psycopg.connect(**params) as db:

        def rows(query):
            return frozenset(tuple(row) for row in db.execute(query))

        return Schema(
            tables=frozenset(
                name
                for (name,) in rows(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ),
            triggers=rows(
                "SELECT t.tgname, c.relname FROM pg_trigger t"
                " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal"
            ),
            functions=frozenset(
                name
                for (name,) in rows(
                    "SELECT p.proname FROM pg_proc p"
                    " JOIN pg_namespace n ON n.oid = p.pronamespace"
                    " WHERE n.nspname = 'public'"
                )
            ),
            applied=rows("SELECT app, name FROM django_migrations"),
        )


def _round_trip(database_url, read_schema):
    """Migrate all the way up, then take clinic (and all that needs it) to zero.

    Return the schema after each step.
    """
    _manage(database_url, "migrate")
    up = read_schema()
    # Every other app depends on clinic, so this unapplies every app migration,
    # assessments' lock triggers first.
    _manage(database_url, "migrate", "clinic", "zero")
    return up, read_schema()


def _postgres_server():
    """Return how to reach the suite's PostgreSQL server, else the local default."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
    config = environ.Env.db_url_config(url)
    server = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
    }
    if config["PASSWORD"]:
        server["password"] = config["PASSWORD"]
    return server


def _postgres_url(server, name):
    password = f":{quote(server['password'], safe='')}" if "password" in server else ""
    return (
        f"postgres://{quote(server['user'], safe='')}{password}"
        f"@{server['host']}:{server['port']}/{name}"
    )


@pytest.fixture(scope="module")
def round_trips(tmp_path_factory):
    """Run the SQLite and PostgreSQL round trips side by side; yield their futures.

    Each manage.py run spends seconds starting Django, so both databases are
    migrated at once. PostgreSQL gets a freshly created database, dropped
    afterwards; when no server answers, its entry is the connection error.
    """
    path = tmp_path_factory.mktemp("migrations") / "empty.sqlite3"
    server = _postgres_server()
    name = f"perfnote_migrations_{uuid.uuid4().hex[:12]}"
    database = sql.Identifier(name)
    with ExitStack() as stack:
        try:
            admin = stack.enter_context(
                psycopg.connect(dbname="postgres", autocommit=True, **server)
            )
        except psycopg.OperationalError as exc:
            admin = None
            unreachable = str(exc)
        else:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(database))
            stack.callback(
                admin.execute,
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database),
            )
        # Leaving the pool waits for both runs, before the database is dropped.
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=2))
        runs = {
            "sqlite": pool.submit(
                _round_trip, f"sqlite:///{path}", partial(_sqlite_schema, path)
            )
        }
        if admin is None:
            runs["postgresql"] = unreachable
        else:
            runs["postgresql"] = pool.submit(
                _round_trip,
                _postgres_url(server, name),
                partial(_postgres_schema, {**server, "dbname": name}),
            )
        yield runs


def test_sqlite_migrates_up_and_back_to_zero(round_trips):
    """An empty SQLite database migrates up with its lock triggers, and back to zero."""
    # given an empty temp-file database
    # when migrated all the way up, then back to zero
    up, down = round_trips["sqlite"].result()

    # then up: every app migration is applied and the records are locked
    assert up.applied >= _project_migrations()
    assert up.tables >= SOME_APP_TABLES
    assert up.triggers == SQLITE_TRIGGERS
    assert up.lock_rows == ((1,),)
    # and down: no table or trigger of Perfnote is left
    assert down.app_tables == set()
    assert down.triggers == set()
    assert down.apps_applied == set()


def test_postgresql_migrates_up_and_back_to_zero(round_trips):
    """An empty PostgreSQL database migrates up with its lock triggers, and back to zero.

    Skipped only when no server answers and the suite does not run on PostgreSQL.
    """
    # given a freshly created database
    run = round_trips["postgresql"]
    if isinstance(run, str):
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.fail(f"PostgreSQL is unreachable: {run}")
        pytest.skip(f"PostgreSQL is unreachable: {run}")

    # when migrated all the way up, then back to zero
    up, down = run.result()

    # then up: every app migration is applied and the records are locked
    assert up.applied >= _project_migrations()
    assert up.tables >= SOME_APP_TABLES
    assert up.triggers == POSTGRESQL_TRIGGERS
    assert up.app_functions == POSTGRESQL_FUNCTIONS
    # and down: no table, trigger or function of Perfnote is left
    assert down.app_tables == set()
    assert down.triggers == set()
    assert down.app_functions == set()
    assert down.apps_applied == set()


def _project_migrations():
    return {
        (app, migration.stem)
        for app in APPS
        for migration in (BASE_DIR / app / "migrations").glob("0*.py")
    }


def _project_imports(source):
    """Return the project modules a Python source imports (relative imports count)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.append("." * node.level + (node.module or ""))
                continue
            modules = [node.module]
        else:
            continue
        found += [m for m in modules if m.split(".")[0] in PROJECT_PACKAGES]
    return found


def test_project_imports_are_found():
    """The import check sees absolute and relative imports of project code."""
    source = (
        "import uuid\n"
        "import clinic.models\n"
        "from django.db import migrations\n"
        "from billing.models import Payer\n"
        "from ..models import TestSession\n"
        "def f():\n"
        "    import config.settings\n"
    )

    assert _project_imports(source) == [
        "clinic.models",
        "billing.models",
        "..models",
        "config.settings",
    ]


def _migration_files():
    return sorted(
        path.relative_to(BASE_DIR).as_posix()
        for app in APPS
        for path in (BASE_DIR / app / "migrations").glob("*.py")
    )


@pytest.mark.parametrize("migration", _migration_files())
def test_migration_imports_no_project_code(migration):
    """A migration imports nothing of clinic, billing, assessments or config."""
    source = (BASE_DIR / migration).read_text()

    assert _project_imports(source) == []
