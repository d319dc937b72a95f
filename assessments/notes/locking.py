"""Database triggers that keep signed notes from changing, whatever path tries.

Forms, views, the admin and services already refuse to touch a signed session;
these triggers make the database refuse too, so a queryset ``update()`` or
``delete()``, a raw query or a future bug cannot alter the legal record. A
refused write raises IntegrityError.

PostgreSQL and SQLite get equivalent triggers. On SQLite, a row in the
``perfnote_lock`` table switches them on: the migration inserts it, and only
the test suite removes it, so that a transactional test can flush its tables
(PostgreSQL's flush truncates, which row triggers do not see).
"""

LOCKED_MESSAGE = "perfnote: signed notes cannot be changed"

# (table, how to find the row's session id in OLD/NEW, or None for "always")
_CHILD_TABLES = [
    ("assessments_performedtest", "session_id"),
    ("billing_samedayservice", "session_id"),
    ("billing_billingdecision", "session_id"),
]
_APPEND_ONLY_TABLES = ["assessments_noteversion", "assessments_addendum"]

_POSTGRESQL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION perfnote_session_locked() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'signed' THEN
        RAISE EXCEPTION '{LOCKED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION perfnote_child_locked() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
        SELECT 1 FROM assessments_testsession WHERE id = OLD.session_id AND status = 'signed'
    ) OR TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
        SELECT 1 FROM assessments_testsession WHERE id = NEW.session_id AND status = 'signed'
    ) THEN
        RAISE EXCEPTION '{LOCKED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION perfnote_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{LOCKED_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;
"""


def _postgresql_lock():
    statements = [
        _POSTGRESQL_FUNCTIONS,
        "CREATE TRIGGER perfnote_session_locked BEFORE UPDATE OR DELETE "
        "ON assessments_testsession FOR EACH ROW EXECUTE FUNCTION perfnote_session_locked()",
    ]
    for table, _column in _CHILD_TABLES:
        statements.append(
            f"CREATE TRIGGER perfnote_child_locked BEFORE INSERT OR UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION perfnote_child_locked()"
        )
    for table in _APPEND_ONLY_TABLES:
        statements.append(
            f"CREATE TRIGGER perfnote_append_only BEFORE UPDATE OR DELETE "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION perfnote_append_only()"
        )
    return statements


def _postgresql_unlock():
    tables = ["assessments_testsession"]
    tables += [table for table, _column in _CHILD_TABLES] + _APPEND_ONLY_TABLES
    statements = [
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for table in tables
        for name in (
            "perfnote_session_locked",
            "perfnote_child_locked",
            "perfnote_append_only",
        )
    ]
    statements += [
        "DROP FUNCTION IF EXISTS perfnote_session_locked()",
        "DROP FUNCTION IF EXISTS perfnote_child_locked()",
        "DROP FUNCTION IF EXISTS perfnote_append_only()",
    ]
    return statements


def _sqlite_trigger(name, when, table, condition):
    return (
        f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {when} ON {table} "
        f"WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND ({condition}) "
        f"BEGIN SELECT RAISE(ABORT, '{LOCKED_MESSAGE}'); END"
    )


def _signed(reference):
    return (
        "EXISTS (SELECT 1 FROM assessments_testsession "
        f"WHERE id = {reference} AND status = 'signed')"
    )


def _sqlite_lock():
    statements = [
        "CREATE TABLE IF NOT EXISTS perfnote_lock (locked INTEGER PRIMARY KEY)",
        "INSERT OR IGNORE INTO perfnote_lock (locked) VALUES (1)",
    ]
    for when in ("UPDATE", "DELETE"):
        statements.append(
            _sqlite_trigger(
                f"perfnote_session_locked_{when.lower()}",
                when,
                "assessments_testsession",
                "OLD.status = 'signed'",
            )
        )
    for table, column in _CHILD_TABLES:
        conditions = {
            "INSERT": _signed(f"NEW.{column}"),
            "UPDATE": f"{_signed(f'OLD.{column}')} OR {_signed(f'NEW.{column}')}",
            "DELETE": _signed(f"OLD.{column}"),
        }
        for when, condition in conditions.items():
            statements.append(
                _sqlite_trigger(
                    f"{table}_locked_{when.lower()}", when, table, condition
                )
            )
    for table in _APPEND_ONLY_TABLES:
        for when in ("UPDATE", "DELETE"):
            statements.append(
                _sqlite_trigger(f"{table}_locked_{when.lower()}", when, table, "1")
            )
    return statements


def _sqlite_unlock():
    statements = []
    for statement in _sqlite_lock()[2:]:
        name = statement.split()[5]
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
    statements.append("DROP TABLE IF EXISTS perfnote_lock")
    return statements


def lock_signed_records(connection):
    """Install the triggers on this connection's database."""
    statements = {"postgresql": _postgresql_lock, "sqlite": _sqlite_lock}
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]():
            cursor.execute(statement)


def unlock_signed_records(connection):
    """Remove the triggers (reverse migration)."""
    statements = {"postgresql": _postgresql_unlock, "sqlite": _sqlite_unlock}
    with connection.cursor() as cursor:
        for statement in statements[connection.vendor]():
            cursor.execute(statement)
