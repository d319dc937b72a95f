"""The audit trail of looks at patients' data, kept as it was written.

The audit log (AuditEvent) is append-only: database triggers refuse UPDATE and
DELETE of its rows, whatever path tries. The chain's head (AuditChainHead, one
row) may only move forward: an UPDATE that does not raise its last id, and any
DELETE, is refused. As in assessments 0002 and 0009, the SQL is written out
here so this migration never changes, and on SQLite the triggers obey the
``perfnote_lock`` row (SQLite is the development default only; production runs
PostgreSQL as the least-privilege role of ``create_app_role``, which may not
update, delete or truncate the log either).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REFUSED = "perfnote: the audit log is append-only"

POSTGRESQL_LOCK = [
    f"""CREATE FUNCTION perfnote_audit_append_only() RETURNS trigger AS $$ BEGIN
        RAISE EXCEPTION '{REFUSED}' USING ERRCODE = 'integrity_constraint_violation';
    END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER perfnote_audit_append_only BEFORE UPDATE OR DELETE ON "
    "clinic_auditevent FOR EACH ROW EXECUTE FUNCTION perfnote_audit_append_only()",
    "CREATE TRIGGER perfnote_audit_head_kept BEFORE DELETE ON "
    "clinic_auditchainhead FOR EACH ROW EXECUTE FUNCTION perfnote_audit_append_only()",
    "CREATE TRIGGER perfnote_audit_head_forward BEFORE UPDATE ON "
    "clinic_auditchainhead FOR EACH ROW WHEN (NEW.last_id <= OLD.last_id) "
    "EXECUTE FUNCTION perfnote_audit_append_only()",
]
POSTGRESQL_UNLOCK = [
    "DROP TRIGGER perfnote_audit_append_only ON clinic_auditevent",
    "DROP TRIGGER perfnote_audit_head_kept ON clinic_auditchainhead",
    "DROP TRIGGER perfnote_audit_head_forward ON clinic_auditchainhead",
    "DROP FUNCTION perfnote_audit_append_only()",
]
_SWITCH = "WHEN EXISTS (SELECT 1 FROM perfnote_lock)"
_RAISE = f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
SQLITE_LOCK = [
    f"CREATE TRIGGER perfnote_auditevent_locked_update BEFORE UPDATE ON "
    f"clinic_auditevent {_SWITCH} {_RAISE}",
    f"CREATE TRIGGER perfnote_auditevent_locked_delete BEFORE DELETE ON "
    f"clinic_auditevent {_SWITCH} {_RAISE}",
    f"CREATE TRIGGER perfnote_auditchainhead_locked_delete BEFORE DELETE ON "
    f"clinic_auditchainhead {_SWITCH} {_RAISE}",
    f"CREATE TRIGGER perfnote_auditchainhead_forward BEFORE UPDATE ON "
    f"clinic_auditchainhead {_SWITCH} AND NEW.last_id <= OLD.last_id {_RAISE}",
]
SQLITE_UNLOCK = [
    f"DROP TRIGGER {name}"
    for name in (
        "perfnote_auditevent_locked_update",
        "perfnote_auditevent_locked_delete",
        "perfnote_auditchainhead_locked_delete",
        "perfnote_auditchainhead_forward",
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
        ('clinic', '0007_clinic_time_format'),
        # perfnote_lock, SQLite's switch of every trigger, is made there.
        ('assessments', '0002_lock_signed_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditChainHead',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('last_id', models.BigIntegerField(default=0)),
                ('last_hash', models.CharField(blank=True, max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('action', models.CharField(choices=[('list', 'Viewed a list of patients'), ('search', 'Searched for patients'), ('patient', 'Viewed a patient'), ('session', 'Viewed a session'), ('plan', 'Viewed a plan of care'), ('chart', 'Viewed a trend chart'), ('admin_list', 'Viewed a list in the admin'), ('admin_view', 'Viewed in the admin'), ('download', 'Downloaded'), ('print', 'Opened to print'), ('export', 'Exported')], max_length=10)),
                ('what', models.CharField(help_text='The page or the record.', max_length=200)),
                ('query', models.CharField(blank=True, max_length=200)),
                ('at', models.DateTimeField()),
                ('ip_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='from')),
                ('prev_hash', models.CharField(max_length=64)),
                ('hash', models.CharField(max_length=64)),
                ('clinic', models.ForeignKey(blank=True, help_text="Empty only for a superuser's look across clinics.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clinic.clinic')),
                ('patient', models.ForeignKey(blank=True, help_text='Empty for a list of many patients.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='clinic.patient')),
                ('user', models.ForeignKey(blank=True, help_text='Empty for a command run without a user.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-id'],
                'indexes': [models.Index(fields=['clinic', '-at'], name='clinic_audi_clinic__68ebac_idx'), models.Index(fields=['patient', '-at'], name='clinic_audi_patient_d6ce10_idx')],
            },
        ),
        migrations.RunPython(lock, unlock),
    ]
