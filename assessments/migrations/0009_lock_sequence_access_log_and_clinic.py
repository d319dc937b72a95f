"""More records the database keeps as they are, whatever path tries to write.

- A sealed note version is only appended in sequence: number n+1 after n, with
  the SHA-256 of version n as its previous hash (the first has none), and only
  for a signed session; a forged "v99" is refused.
- The note access log is append-only.
- A patient never moves to another clinic.

As in 0002, the SQL is written out here so this migration never changes, and on
SQLite the triggers obey the ``perfnote_lock`` row (SQLite is the development
default only; production runs PostgreSQL).
"""

from django.db import migrations

REFUSED = "perfnote: signed notes cannot be changed"
MOVED = "perfnote: a patient never changes clinic"

POSTGRESQL_LOCK = [
    f"""CREATE FUNCTION perfnote_note_version_in_sequence() RETURNS trigger AS $$
    DECLARE last_number integer; last_sha varchar;
    BEGIN
        SELECT number, sha256 INTO last_number, last_sha FROM assessments_noteversion
            WHERE session_id = NEW.session_id ORDER BY number DESC LIMIT 1;
        IF NOT EXISTS (
            SELECT 1 FROM assessments_testsession
            WHERE id = NEW.session_id AND status = 'signed'
        ) OR (last_number IS NULL AND (NEW.number <> 1 OR NEW.previous_sha256 <> ''))
          OR (last_number IS NOT NULL AND (
              NEW.number <> last_number + 1 OR NEW.previous_sha256 <> last_sha)) THEN
            RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    f"""CREATE FUNCTION perfnote_patient_stays() RETURNS trigger AS $$ BEGIN
        IF NEW.clinic_id <> OLD.clinic_id THEN
            RAISE EXCEPTION '{MOVED}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER perfnote_note_version_in_sequence BEFORE INSERT ON "
    "assessments_noteversion FOR EACH ROW EXECUTE FUNCTION "
    "perfnote_note_version_in_sequence()",
    # perfnote_append_only() is 0002's: it refuses every row it is called for.
    "CREATE TRIGGER perfnote_append_only BEFORE UPDATE OR DELETE ON "
    "assessments_noteaccessevent FOR EACH ROW EXECUTE FUNCTION perfnote_append_only()",
    "CREATE TRIGGER perfnote_patient_stays BEFORE UPDATE ON clinic_patient "
    "FOR EACH ROW EXECUTE FUNCTION perfnote_patient_stays()",
]
POSTGRESQL_UNLOCK = [
    "DROP TRIGGER perfnote_note_version_in_sequence ON assessments_noteversion",
    "DROP TRIGGER perfnote_append_only ON assessments_noteaccessevent",
    "DROP TRIGGER perfnote_patient_stays ON clinic_patient",
    "DROP FUNCTION perfnote_note_version_in_sequence()",
    "DROP FUNCTION perfnote_patient_stays()",
]
_SWITCH = "WHEN EXISTS (SELECT 1 FROM perfnote_lock)"
_LAST = (
    "FROM assessments_noteversion WHERE session_id = NEW.session_id "
    "ORDER BY number DESC LIMIT 1"
)
SQLITE_LOCK = [
    "CREATE TRIGGER perfnote_noteversion_sequence BEFORE INSERT ON "
    f"assessments_noteversion {_SWITCH} AND ("
    f"NEW.number != COALESCE((SELECT number {_LAST}), 0) + 1 "
    f"OR NEW.previous_sha256 != COALESCE((SELECT sha256 {_LAST}), '') "
    "OR NOT EXISTS (SELECT 1 FROM assessments_testsession "
    "WHERE id = NEW.session_id AND status = 'signed')) "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    "CREATE TRIGGER perfnote_noteaccessevent_locked_update BEFORE UPDATE ON "
    f"assessments_noteaccessevent {_SWITCH} "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    "CREATE TRIGGER perfnote_noteaccessevent_locked_delete BEFORE DELETE ON "
    f"assessments_noteaccessevent {_SWITCH} "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END",
    "CREATE TRIGGER perfnote_patient_stays BEFORE UPDATE OF clinic_id ON "
    f"clinic_patient {_SWITCH} AND NEW.clinic_id != OLD.clinic_id "
    f"BEGIN SELECT RAISE(ABORT, '{MOVED}'); END",
]
SQLITE_UNLOCK = [
    f"DROP TRIGGER {name}"
    for name in (
        "perfnote_noteversion_sequence",
        "perfnote_noteaccessevent_locked_update",
        "perfnote_noteaccessevent_locked_delete",
        "perfnote_patient_stays",
    )
]
STATEMENTS = {
    "postgresql": (POSTGRESQL_LOCK, POSTGRESQL_UNLOCK),
    "sqlite": (SQLITE_LOCK, SQLITE_UNLOCK),
}


def lock(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][0]:
        schema_editor.execute(statement)


def unlock(apps, schema_editor):
    for statement in STATEMENTS[schema_editor.connection.vendor][1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0008_test_details_rules_version_and_batteries"),
        ("clinic", "0003_patient_hand_dominance"),
    ]

    operations = [migrations.RunPython(lock, unlock)]
