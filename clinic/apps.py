from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinics, clinicians and patients"
    # What a clinic's front office may do here in the admin (see
    # clinic.services.clinic_admin_group_ensure): keep patients and their
    # diagnoses up to date and see who works in the clinic. Patients are not
    # deleted (their sessions must stay) and accounts are managed by superusers.
    # The audit log shows them who looked at the clinic's patients.
    clinic_admin_permissions = (
        "view_clinic",
        "view_clinician",
        "change_clinician",
        "view_patient",
        "add_patient",
        "change_patient",
        "view_diagnosis",
        "add_diagnosis",
        "change_diagnosis",
        "delete_diagnosis",
        "view_auditevent",
    )

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from .audit import audit_chain_head_ensure
        from .middleware import idle_clock_start

        user_logged_in.connect(idle_clock_start, dispatch_uid="clinic.idle_clock_start")
        post_migrate.connect(
            audit_chain_head_ensure,
            sender=self,
            dispatch_uid="clinic.audit_chain_head_ensure",
        )
