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

POSTGRESQL_LOCK = [
    """
    CREATE FUNCTION perfnote_session_locked() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'signed' THEN
            RAISE EXCEPTION 'perfnote: signed notes cannot be changed'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION perfnote_child_locked() RETURNS trigger AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') AND EXISTS (
            SELECT 1 FROM assessments_testsession
            WHERE id = OLD.session_id AND status = 'signed'
        ) OR TG_OP IN ('INSERT', 'UPDATE') AND EXISTS (
            SELECT 1 FROM assessments_testsession
            WHERE id = NEW.session_id AND status = 'signed'
        ) THEN
            RAISE EXCEPTION 'perfnote: signed notes cannot be changed'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION perfnote_decision_locked() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'final' THEN
            RAISE EXCEPTION 'perfnote: signed notes cannot be changed'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE FUNCTION perfnote_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'perfnote: signed notes cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER perfnote_session_locked BEFORE UPDATE OR DELETE
    ON assessments_testsession FOR EACH ROW
    EXECUTE FUNCTION perfnote_session_locked()
    """,
    """
    CREATE TRIGGER perfnote_child_locked BEFORE INSERT OR UPDATE OR DELETE
    ON assessments_performedtest FOR EACH ROW
    EXECUTE FUNCTION perfnote_child_locked()
    """,
    """
    CREATE TRIGGER perfnote_child_locked BEFORE INSERT OR UPDATE OR DELETE
    ON assessments_samedayprocedure FOR EACH ROW
    EXECUTE FUNCTION perfnote_child_locked()
    """,
    """
    CREATE TRIGGER perfnote_decision_locked BEFORE UPDATE OR DELETE
    ON billing_billingdecision FOR EACH ROW
    EXECUTE FUNCTION perfnote_decision_locked()
    """,
    """
    CREATE TRIGGER perfnote_append_only BEFORE UPDATE OR DELETE
    ON assessments_noteversion FOR EACH ROW
    EXECUTE FUNCTION perfnote_append_only()
    """,
    """
    CREATE TRIGGER perfnote_append_only BEFORE UPDATE OR DELETE
    ON assessments_addendum FOR EACH ROW
    EXECUTE FUNCTION perfnote_append_only()
    """,
]

POSTGRESQL_UNLOCK = [
    "DROP TRIGGER perfnote_session_locked ON assessments_testsession",
    "DROP TRIGGER perfnote_child_locked ON assessments_performedtest",
    "DROP TRIGGER perfnote_child_locked ON assessments_samedayprocedure",
    "DROP TRIGGER perfnote_decision_locked ON billing_billingdecision",
    "DROP TRIGGER perfnote_append_only ON assessments_noteversion",
    "DROP TRIGGER perfnote_append_only ON assessments_addendum",
    "DROP FUNCTION perfnote_session_locked()",
    "DROP FUNCTION perfnote_child_locked()",
    "DROP FUNCTION perfnote_decision_locked()",
    "DROP FUNCTION perfnote_append_only()",
]

SQLITE_LOCK = [
    "CREATE TABLE perfnote_lock (locked INTEGER PRIMARY KEY)",
    "INSERT INTO perfnote_lock (locked) VALUES (1)",
    """
    CREATE TRIGGER perfnote_session_locked_update
    BEFORE UPDATE ON assessments_testsession
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_session_locked_delete
    BEFORE DELETE ON assessments_testsession
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND OLD.status = 'signed'
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_performedtest_locked_insert
    BEFORE INSERT ON assessments_performedtest
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND EXISTS (
        SELECT 1 FROM assessments_testsession
        WHERE id = NEW.session_id AND status = 'signed'
    )
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_performedtest_locked_update
    BEFORE UPDATE ON assessments_performedtest
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND EXISTS (
        SELECT 1 FROM assessments_testsession
        WHERE id IN (OLD.session_id, NEW.session_id) AND status = 'signed'
    )
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_performedtest_locked_delete
    BEFORE DELETE ON assessments_performedtest
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND EXISTS (
        SELECT 1 FROM assessments_testsession
        WHERE id = OLD.session_id AND status = 'signed'
    )
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_samedayprocedure_locked_insert
    BEFORE INSERT ON assessments_samedayprocedure
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND EXISTS (
        SELECT 1 FROM assessments_testsession
        WHERE id = NEW.session_id AND status = 'signed'
    )
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_samedayprocedure_locked_update
    BEFORE UPDATE ON assessments_samedayprocedure
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND EXISTS (
        SELECT 1 FROM assessments_testsession
        WHERE id IN (OLD.session_id, NEW.session_id) AND status = 'signed'
    )
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_samedayprocedure_locked_delete
    BEFORE DELETE ON assessments_samedayprocedure
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND EXISTS (
        SELECT 1 FROM assessments_testsession
        WHERE id = OLD.session_id AND status = 'signed'
    )
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_decision_locked_update
    BEFORE UPDATE ON billing_billingdecision
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND OLD.status = 'final'
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_decision_locked_delete
    BEFORE DELETE ON billing_billingdecision
    WHEN EXISTS (SELECT 1 FROM perfnote_lock) AND OLD.status = 'final'
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_noteversion_locked_update
    BEFORE UPDATE ON assessments_noteversion
    WHEN EXISTS (SELECT 1 FROM perfnote_lock)
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_noteversion_locked_delete
    BEFORE DELETE ON assessments_noteversion
    WHEN EXISTS (SELECT 1 FROM perfnote_lock)
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_addendum_locked_update
    BEFORE UPDATE ON assessments_addendum
    WHEN EXISTS (SELECT 1 FROM perfnote_lock)
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
    """
    CREATE TRIGGER perfnote_addendum_locked_delete
    BEFORE DELETE ON assessments_addendum
    WHEN EXISTS (SELECT 1 FROM perfnote_lock)
    BEGIN SELECT RAISE(ABORT, 'perfnote: signed notes cannot be changed'); END
    """,
]

SQLITE_UNLOCK = [
    "DROP TRIGGER perfnote_session_locked_update",
    "DROP TRIGGER perfnote_session_locked_delete",
    "DROP TRIGGER perfnote_performedtest_locked_insert",
    "DROP TRIGGER perfnote_performedtest_locked_update",
    "DROP TRIGGER perfnote_performedtest_locked_delete",
    "DROP TRIGGER perfnote_samedayprocedure_locked_insert",
    "DROP TRIGGER perfnote_samedayprocedure_locked_update",
    "DROP TRIGGER perfnote_samedayprocedure_locked_delete",
    "DROP TRIGGER perfnote_decision_locked_update",
    "DROP TRIGGER perfnote_decision_locked_delete",
    "DROP TRIGGER perfnote_noteversion_locked_update",
    "DROP TRIGGER perfnote_noteversion_locked_delete",
    "DROP TRIGGER perfnote_addendum_locked_update",
    "DROP TRIGGER perfnote_addendum_locked_delete",
    "DROP TABLE perfnote_lock",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_LOCK, POSTGRESQL_UNLOCK),
    "sqlite": (SQLITE_LOCK, SQLITE_UNLOCK),
}


def _run(schema_editor, which):
    lock, unlock = STATEMENTS[schema_editor.connection.vendor]
    for statement in (lock, unlock)[which]:
        schema_editor.execute(statement)


def lock(apps, schema_editor):
    _run(schema_editor, 0)


def unlock(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0001_initial"),
        ("billing", "0001_initial"),
    ]

    operations = [migrations.RunPython(lock, unlock)]
