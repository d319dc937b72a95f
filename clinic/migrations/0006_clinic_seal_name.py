# Each clinic names its own seal certificate (issue 12: a seal per clinic).

import django.core.validators
from django.db import migrations, models


def name_existing_seals(apps, schema_editor):
    """Give each existing clinic a seal name of its own: clinic-<id>.

    The operator renames them in the admin, or places <PERFNOTE_SEAL_DIR>/clinic-<id>.p12.
    """
    Clinic = apps.get_model("clinic", "Clinic")
    for clinic in Clinic.objects.filter(seal_name__isnull=True):
        clinic.seal_name = f"clinic-{clinic.pk}"
        clinic.save(update_fields=["seal_name"])


class Migration(migrations.Migration):

    dependencies = [
        ("clinic", "0005_clinic_requires_second_factor"),
    ]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="seal_name",
            field=models.CharField(max_length=40, null=True),
        ),
        migrations.RunPython(name_existing_seals, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="clinic",
            name="seal_name",
            field=models.CharField(
                help_text="Names the clinic's document-signing certificate: the file <PERFNOTE_SEAL_DIR>/<seal name>.p12, opened with the passphrase in the environment variable PERFNOTE_SEAL_PASSPHRASE_<SEAL NAME> (upper case, - as _). Neither is ever stored in the database.",
                max_length=40,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9]+(-[a-z0-9]+)*$",
                        "Lower-case letters and digits, words joined by single hyphens (e.g. riverside-pt).",
                    )
                ],
            ),
        ),
    ]
