"""Test details (conditions, item scores, typed values), rules versions, batteries.

Rows stored before this migration get rules version 1, so a result keeps the
summary it was reported with (functional reach and grip reported their best
trial); new rows default to version 2. On SQLite adding a column rebuilds
assessments_performedtest and drops its lock triggers, so they are dropped first
and created again after, as in 0003. No row is updated: the column's default
fills existing rows, which fires no trigger on PostgreSQL.
"""

import importlib

import django.db.models.deletion
from django.db import migrations, models

locks = importlib.import_module("assessments.migrations.0003_day_billing_and_attestations")


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_note_export"),
        ("clinic", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(locks.sqlite_unlock, locks.sqlite_lock),
        migrations.AddField(
            model_name="performedtest",
            name="details",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="performedtest",
            name="rules_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="performedtest",
            name="rules_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.RunPython(locks.sqlite_lock, locks.sqlite_unlock),
        migrations.CreateModel(
            name="TestBattery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("name", models.CharField(max_length=100)),
                ("codes", models.JSONField(default=list, verbose_name="tests")),
                (
                    "clinic",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="test_batteries",
                        to="clinic.clinic",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "test batteries",
                "ordering": ["name"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("clinic", "name"),
                        name="test_battery_name_unique_per_clinic",
                    )
                ],
            },
        ),
    ]
