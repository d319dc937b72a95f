"""Who saved a patient (and a clinician) last, and when: the version their forms
carry back.

Both columns are nullable, so adding them does not rebuild clinic_patient and
its trigger (assessments 0009, a patient never changes clinic) stays. Taking
the foreign key out again (migrating back) rebuilds the table on SQLite, which
drops the trigger with the old table; so on SQLite it is dropped before and
created again after, when assessments 0009 (which made it) is applied.
PostgreSQL's ALTER TABLE never rebuilds the table.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.migrations.recorder import MigrationRecorder

STAYS = ("assessments", "0009_lock_sequence_access_log_and_clinic")
stays = importlib.import_module(f"{STAYS[0]}.migrations.{STAYS[1]}")
TRIGGER = "perfnote_patient_stays"


def sqlite_unlock_patient(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


def sqlite_lock_patient(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    if STAYS not in MigrationRecorder(schema_editor.connection).applied_migrations():
        return
    sqlite_unlock_patient(apps, schema_editor)
    for statement in stays.SQLITE_LOCK:
        if TRIGGER in statement:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0009_patient_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Back: the trigger again, once the columns are gone.
        migrations.RunPython(migrations.RunPython.noop, sqlite_lock_patient),
        migrations.AddField(
            model_name="patient",
            name="updated_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="patient",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="clinician",
            name="updated_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="clinician",
            name="updated_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        # Back: no trigger while the table is rebuilt.
        migrations.RunPython(migrations.RunPython.noop, sqlite_unlock_patient),
    ]
