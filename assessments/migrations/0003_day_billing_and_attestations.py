"""Sessions share their day's billing decision; attestations and battery reasons.

On SQLite, adding a column rebuilds the table and drops its triggers, so the
SQLite locks of assessments 0002 are dropped before these changes and created
again after them, from that migration's own statements (a migration that never
changes). PostgreSQL keeps its triggers through ALTER TABLE.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

locks = importlib.import_module("assessments.migrations.0002_lock_signed_records")


def sqlite_unlock(apps, schema_editor):
    """Drop 0002's SQLite triggers; the perfnote_lock switch table stays, since
    later migrations' triggers name it too."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _table, kind, _status in locks.LOCKS:
        for event in locks._events(kind):
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS perfnote_{name}_locked_{event.lower()}"
            )


def sqlite_lock(apps, schema_editor):
    """Create 0002's SQLite triggers again (its switch table already exists)."""
    if schema_editor.connection.vendor != "sqlite":
        return
    sqlite_unlock(apps, schema_editor)
    for statement in locks.sqlite_lock():
        if "perfnote_lock (" not in statement:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_lock_signed_records"),
        ("billing", "0002_rates_fees_and_days_of_service"),
    ]

    operations = [
        migrations.RunPython(sqlite_unlock, sqlite_lock),
        migrations.AddField(
            model_name="performedtest",
            name="battery_reason",
            field=models.TextField(
                blank=True,
                help_text=(
                    "For range of motion or manual muscle testing: why this measure "
                    "was part of a formal test battery. Without it, its minutes are "
                    "not 97750 time."
                ),
                verbose_name="part of a formal test battery because",
            ),
        ),
        migrations.AddField(
            model_name="testsession",
            name="distinct_service_reason",
            field=models.TextField(
                blank=True,
                help_text=(
                    "Only with an evaluation or re-evaluation the same day: why the "
                    "testing was a separate service at a separate time."
                ),
                verbose_name="distinct from a same-day evaluation because",
            ),
        ),
        migrations.AlterField(
            model_name="testsession",
            name="billing_decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions",
                to="billing.billingdecision",
            ),
        ),
        migrations.RunPython(sqlite_lock, sqlite_unlock),
    ]
