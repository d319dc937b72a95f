"""Who last edited a draft session, and when.

Both columns are nullable, so adding them does not rebuild the table; removing
them (migrating back) does on SQLite, and a rebuild of assessments_testsession
fails while triggers that name it exist (0002's on its tests and procedures,
0009's note version sequence). So, as 0008 does, the SQLite triggers are
dropped around the change and created again after. PostgreSQL keeps its
triggers: its ALTER TABLE never rebuilds the table.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

locks = importlib.import_module("assessments.migrations.0003_day_billing_and_attestations")
sequence = importlib.import_module(
    "assessments.migrations.0009_lock_sequence_access_log_and_clinic"
)


def sqlite_unlock(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    locks.sqlite_unlock(apps, schema_editor)
    for statement in sequence.SQLITE_UNLOCK:
        schema_editor.execute(statement.replace("DROP TRIGGER", "DROP TRIGGER IF EXISTS"))


def sqlite_lock(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    locks.sqlite_lock(apps, schema_editor)
    for statement in sequence.SQLITE_UNLOCK:
        schema_editor.execute(statement.replace("DROP TRIGGER", "DROP TRIGGER IF EXISTS"))
    for statement in sequence.SQLITE_LOCK:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_lock_sequence_access_log_and_clinic"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_unlock, sqlite_lock),
        migrations.AddField(
            model_name="testsession",
            name="last_edited_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="testsession",
            name="last_edited_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(sqlite_lock, sqlite_unlock),
    ]
