"""Database triggers that keep signed notes from changing, whatever path tries.

Forms, views, the admin and services already refuse to touch a signed session;
these triggers make the database refuse too, so a queryset ``update()`` or
``delete()``, a raw query or a future bug cannot alter the legal record. A
refused write raises IntegrityError with the message "perfnote: signed notes
cannot be changed".

- a signed session: no update, no delete;
- the tests and other procedures of a signed session: no insert, update or delete;
- a final billing decision (its note is signed): no update, no delete;
- sealed note versions and addenda: append-only.

The SQL is written out here, not imported, so this migration never changes.
PostgreSQL and SQLite get equivalent triggers. On SQLite, a row in the
``perfnote_lock`` table switches them on: this migration inserts it, and only
the browser tests remove it, so that a transactional test can flush its tables
(PostgreSQL's flush truncates, which row triggers do not see).
"""

from django.db import migrations

REFUSED = "perfnote: signed notes cannot be changed"

# The row a trigger guards, by what it is: "status" rows are locked once their
# status column holds the value given; "child" rows while their session is
# signed; "append-only" rows always.
LOCKS = [
    # (name, table, kind, locking status)
    ("session", "assessments_testsession", "status", "signed"),
    ("performedtest", "assessments_performedtest", "child", None),
    ("samedayprocedure", "assessments_samedayprocedure", "child", None),
    ("decision", "billing_billingdecision", "status", "final"),
    ("noteversion", "assessments_noteversion", "append-only", None),
    ("addendum", "assessments_addendum", "append-only", None),
]
CHILD_EVENTS = ("INSERT", "UPDATE", "DELETE")
OTHER_EVENTS = ("UPDATE", "DELETE")

POSTGRESQL_FUNCTIONS = {
    # TG_ARGV[0] is the status that locks the row ('signed', 'final').
    "perfnote_status_locked": """
        IF OLD.status = TG_ARGV[0] THEN
            RAISE EXCEPTION '{refused}'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """,
    "perfnote_child_locked": """
        IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
            SELECT 1 FROM assessments_testsession
            WHERE id = OLD.session_id AND status = 'signed'
        ) OR TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
            SELECT 1 FROM assessments_testsession
            WHERE id = NEW.session_id AND status = 'signed'
        ) THEN
            RAISE EXCEPTION '{refused}'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    """,
    "perfnote_append_only": """
        RAISE EXCEPTION '{refused}'
            USING ERRCODE = 'integrity_constraint_violation';
    """,
}
# PostgreSQL trigger names, one per kind of lock, as a table has at most one.
POSTGRESQL_TRIGGER = {
    "status": "perfnote_{name}_locked",
    "child": "perfnote_child_locked",
    "append-only": "perfnote_append_only",
}
POSTGRESQL_FUNCTION = {
    "status": "perfnote_status_locked",
    "child": "perfnote_child_locked",
    "append-only": "perfnote_append_only",
}

# The session rows a child row's trigger looks at, by event.
SQLITE_CHILD_SESSIONS = {
    "INSERT": "NEW.session_id",
    "UPDATE": "OLD.session_id, NEW.session_id",
    "DELETE": "OLD.session_id",
}


def _events(kind):
    return CHILD_EVENTS if kind == "child" else OTHER_EVENTS


def postgresql_lock():
    for function, body in POSTGRESQL_FUNCTIONS.items():
        yield (
            f"CREATE FUNCTION {function}() RETURNS trigger AS $$ BEGIN "
            f"{body.format(refused=REFUSED)} END $$ LANGUAGE plpgsql"
        )
    for name, table, kind, status in LOCKS:
        argument = f"'{status}'" if status else ""
        yield (
            f"CREATE TRIGGER {POSTGRESQL_TRIGGER[kind].format(name=name)} "
            f"BEFORE {' OR '.join(_events(kind))} ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION {POSTGRESQL_FUNCTION[kind]}({argument})"
        )


def postgresql_unlock():
    for name, table, kind, _status in LOCKS:
        yield f"DROP TRIGGER {POSTGRESQL_TRIGGER[kind].format(name=name)} ON {table}"
    for function in POSTGRESQL_FUNCTIONS:
        yield f"DROP FUNCTION {function}()"


def _sqlite_condition(kind, status, event):
    if kind == "status":
        return f"AND OLD.status = '{status}'"
    if kind == "child":
        return (
            "AND EXISTS (SELECT 1 FROM assessments_testsession WHERE id IN "
            f"({SQLITE_CHILD_SESSIONS[event]}) AND status = 'signed')"
        )
    return ""


def sqlite_lock():
    yield "CREATE TABLE perfnote_lock (locked INTEGER PRIMARY KEY)"
    yield "INSERT INTO perfnote_lock (locked) VALUES (1)"
    for name, table, kind, status in LOCKS:
        for event in _events(kind):
            yield (
                f"CREATE TRIGGER perfnote_{name}_locked_{event.lower()} "
                f"BEFORE {event} ON {table} "
                "WHEN EXISTS (SELECT 1 FROM perfnote_lock) "
                f"{_sqlite_condition(kind, status, event)} "
                f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
            )


def sqlite_unlock():
    for name, _table, kind, _status in LOCKS:
        for event in _events(kind):
            yield f"DROP TRIGGER perfnote_{name}_locked_{event.lower()}"
    yield "DROP TABLE perfnote_lock"


STATEMENTS = {
    "postgresql": (postgresql_lock, postgresql_unlock),
    "sqlite": (sqlite_lock, sqlite_unlock),
}


def lock(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][0]():
        schema_editor.execute(statement)


def unlock(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][1]():
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("billing", "0001_initial"),
    ]

    operations = [migrations.RunPython(lock, unlock)]
