"""Install the database triggers that keep signed notes unchanged (assessments.notes.locking)."""

from django.db import migrations

from assessments.notes.locking import lock_signed_records, unlock_signed_records


def lock(apps, schema_editor):
    lock_signed_records(schema_editor.connection)


def unlock(apps, schema_editor):
    unlock_signed_records(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_signing"),
        ("billing", "0003_billingdecision_samedayservice"),
    ]

    operations = [migrations.RunPython(lock, unlock)]
