"""Rate tables, the fee schedule, therapy used elsewhere, and decisions per date
of service.

Each payer's single 97750 rate becomes the 97750 row of its rate table. A
decision now covers a date of service under one discipline: existing decisions
take the discipline of the session facts stored with them. Final decisions are
locked by triggers (assessments 0002); PostgreSQL's are switched off for that
one update and on again. SQLite rebuilds the table to add columns, which drops
its triggers, so they are dropped first and created again at the end, from
assessments 0002's own statements (a migration that never changes).
"""

import importlib

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


locks = importlib.import_module("assessments.migrations.0002_lock_signed_records")
DECISION_TRIGGERS = ("perfnote_decision_locked_update", "perfnote_decision_locked_delete")


def sqlite_unlock_decisions(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for trigger in DECISION_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {trigger}")


def sqlite_lock_decisions(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        sqlite_unlock_decisions(apps, schema_editor)
        for statement in locks.sqlite_lock():
            if any(trigger in statement for trigger in DECISION_TRIGGERS):
                schema_editor.execute(statement)


def copy_97750_rates(apps, schema_editor):
    Payer = apps.get_model("billing", "Payer")
    PayerRate = apps.get_model("billing", "PayerRate")
    PayerRate.objects.bulk_create(
        PayerRate(payer=payer, code="97750", expected_payment=payer.rate_97750)
        for payer in Payer.objects.all()
    )


def fill_disciplines(apps, schema_editor):
    BillingDecision = apps.get_model("billing", "BillingDecision")
    postgresql = schema_editor.connection.vendor == "postgresql"
    if postgresql:
        schema_editor.execute("ALTER TABLE billing_billingdecision DISABLE TRIGGER USER")
    for decision in BillingDecision.objects.all():
        discipline = decision.inputs.get("discipline", "PT")
        if discipline != decision.discipline:
            BillingDecision.objects.filter(pk=decision.pk).update(discipline=discipline)
    if postgresql:
        schema_editor.execute("ALTER TABLE billing_billingdecision ENABLE TRIGGER USER")


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0002_lock_signed_records'),
        ('billing', '0001_initial'),
        ('clinic', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(sqlite_unlock_decisions, sqlite_lock_decisions),
        migrations.CreateModel(
            name='ClinicFee',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='A CPT or HCPCS code, e.g. 97750.', max_length=5, verbose_name='CPT')),
                ('charge', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))], verbose_name='charge per unit')),
            ],
            options={
                'verbose_name': 'fee',
                'verbose_name_plural': 'fee schedule',
                'ordering': ['code'],
            },
        ),
        migrations.CreateModel(
            name='OutsideTherapyAmount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField()),
                ('group', models.CharField(choices=[('PT', 'PT and speech-language pathology'), ('OT', 'Occupational therapy')], max_length=2, verbose_name='threshold group')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))], verbose_name='amount used elsewhere')),
                ('as_of', models.DateField(help_text='The date of the eligibility response it was read from.', verbose_name='as of')),
            ],
            options={
                'verbose_name': 'therapy amount used elsewhere',
                'verbose_name_plural': 'therapy amounts used elsewhere',
                'ordering': ['-year', 'group'],
            },
        ),
        migrations.CreateModel(
            name='PayerRate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='A CPT or HCPCS code, e.g. 97750.', max_length=5, verbose_name='CPT')),
                ('expected_payment', models.DecimalField(decimal_places=2, max_digits=8, validators=[django.core.validators.MinValueValidator(Decimal('0.00'))], verbose_name='expected payment per unit')),
            ],
            options={
                'verbose_name': 'rate',
                'ordering': ['code'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='payer',
            name='payer_rate_not_negative',
        ),
        migrations.AddField(
            model_name='billingdecision',
            name='charge',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), help_text="The clinic's fee schedule times the units of every line.", max_digits=10),
        ),
        migrations.AddField(
            model_name='billingdecision',
            name='discipline',
            field=models.CharField(choices=[('PT', 'Physical therapy'), ('OT', 'Occupational therapy')], default='PT', max_length=2, verbose_name='plan-of-care discipline'),
            preserve_default=False,
        ),
        migrations.RenameField(
            model_name='billingdecision',
            old_name='estimated_payment',
            new_name='expected_payment',
        ),
        migrations.AlterField(
            model_name='billingdecision',
            name='expected_payment',
            field=models.DecimalField(decimal_places=2, default=Decimal('0.00'), help_text="The payer's rate table times the units of every line.", max_digits=10),
        ),
        migrations.AddField(
            model_name='billingdecision',
            name='supersedes',
            field=models.OneToOneField(blank=True, help_text='The final decision of the same day that this one replaces.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='billing.billingdecision'),
        ),
        migrations.AddField(
            model_name='payer',
            name='retest_interval_days',
            field=models.PositiveSmallIntegerField(default=30, help_text='Another 97750 sooner than this is flagged (0: never flagged).', verbose_name='days between formal tests'),
        ),
        migrations.AlterField(
            model_name='billingdecision',
            name='modifiers',
            field=models.CharField(blank=True, max_length=40, verbose_name='97750 modifiers'),
        ),
        migrations.AddIndex(
            model_name='billingdecision',
            index=models.Index(fields=['patient', 'date_of_service', 'discipline'], name='billing_bil_patient_e4c80e_idx'),
        ),
        migrations.AddField(
            model_name='clinicfee',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fees', to='clinic.clinic'),
        ),
        migrations.AddField(
            model_name='outsidetherapyamount',
            name='patient',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outside_therapy', to='clinic.patient'),
        ),
        migrations.AddField(
            model_name='payerrate',
            name='payer',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rates', to='billing.payer'),
        ),
        migrations.AddConstraint(
            model_name='clinicfee',
            constraint=models.UniqueConstraint(fields=('clinic', 'code'), name='clinic_fee_once_per_code', violation_error_message='The fee schedule already has this code.'),
        ),
        migrations.AddConstraint(
            model_name='clinicfee',
            constraint=models.CheckConstraint(condition=models.Q(('charge__gte', 0)), name='clinic_fee_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='outsidetherapyamount',
            constraint=models.UniqueConstraint(fields=('patient', 'year', 'group'), name='outside_therapy_once_per_year_and_group', violation_error_message='This year and group already have an amount.'),
        ),
        migrations.AddConstraint(
            model_name='outsidetherapyamount',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='outside_therapy_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='payerrate',
            constraint=models.UniqueConstraint(fields=('payer', 'code'), name='payer_rate_once_per_code', violation_error_message='This code already has a rate.'),
        ),
        migrations.AddConstraint(
            model_name='payerrate',
            constraint=models.CheckConstraint(condition=models.Q(('expected_payment__gte', 0)), name='payer_rate_not_negative'),
        ),
        migrations.RunPython(copy_97750_rates, migrations.RunPython.noop),
        migrations.RunPython(fill_disciplines, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='payer',
            name='rate_97750',
        ),
        migrations.RunPython(sqlite_lock_decisions, sqlite_unlock_decisions),
    ]
