"""Keep the Django admin inside the user's clinic, and the front office's permissions.

Every ModelAdmin and inline of a tenant model mixes in ``ClinicScopedAdminMixin``:
its lists, change pages and foreign-key choices then hold only rows of the
user's clinic, so another clinic's row is simply not found. Superusers see all.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .access import clinic_for_user

# How each model reaches its clinic, as a lookup that is compared with the clinic's
# primary key. A model missing here is not shown to clinic users at all.
CLINIC_LOOKUPS = {
    "clinic.clinic": "pk",
    "clinic.clinician": "clinic",
    "clinic.clinicadmin": "clinic",
    "clinic.patient": "clinic",
    "clinic.diagnosis": "patient__clinic",
    "billing.payer": "clinic",
    "assessments.testsession": "patient__clinic",
    "assessments.performedtest": "session__patient__clinic",
    "assessments.noteversion": "session__patient__clinic",
    "assessments.addendum": "session__patient__clinic",
    "assessments.noteaccessevent": "note_version__session__patient__clinic",
    "billing.billingdecision": "session__patient__clinic",
    "billing.samedayservice": "session__patient__clinic",
}

CLINIC_ADMIN_GROUP = "Clinic administrators"
# What a front office does in the admin: review sessions and keep patients, their
# diagnoses and payers up to date. Sessions are never added or deleted here
# (clinicians record them; signed notes are legal records), patients are not
# deleted (their sessions must stay), and user accounts are not managed here.
CLINIC_ADMIN_PERMISSIONS = (
    "assessments.view_testsession",
    "assessments.change_testsession",
    "assessments.view_performedtest",
    "clinic.view_patient",
    "clinic.add_patient",
    "clinic.change_patient",
    "clinic.view_diagnosis",
    "clinic.add_diagnosis",
    "clinic.change_diagnosis",
    "clinic.delete_diagnosis",
    "clinic.view_clinician",
    "clinic.change_clinician",
    "clinic.view_clinic",
    "billing.view_payer",
    "billing.add_payer",
    "billing.change_payer",
    "assessments.view_noteversion",
    "assessments.view_addendum",
    "assessments.view_noteaccessevent",
    "billing.view_billingdecision",
    "billing.view_samedayservice",
)


def scope_to_clinic(queryset, user):
    """Return the rows of `queryset` that belong to the user's clinic.

    Superusers get the queryset unchanged. A user without a clinic, or a model
    with no known path to a clinic, gets nothing: the rule fails closed.
    """
    if user.is_superuser:
        return queryset
    clinic = clinic_for_user(user)
    if clinic is None:
        return queryset.none()
    lookup = CLINIC_LOOKUPS.get(queryset.model._meta.label_lower)
    if lookup is None:
        return queryset.none()
    return queryset.filter(**{lookup: clinic.pk})


class ClinicScopedAdminMixin:
    """Scope a ModelAdmin or inline, and its foreign-key choices, to the user's clinic.

    The change page of another clinic's row is not found either, because the
    admin loads objects through ``get_queryset``.
    """

    def get_queryset(self, request):
        return scope_to_clinic(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.all()
        kwargs["queryset"] = scope_to_clinic(queryset, request.user)
        if not request.user.is_superuser and not db_field.blank:
            # A clinic user's required choice is usually their one clinic: show it
            # selected rather than behind a blank "---------".
            kwargs.setdefault("empty_label", None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """Show records the admin may review but never add, change or delete.

    For signed notes, their versions and addenda, billing decisions and the
    note access log: records of what happened, not things to edit.
    """

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@transaction.atomic
def clinic_admin_group_ensure():
    """Create or update the "Clinic administrators" group with exactly its permissions."""
    group, _ = Group.objects.get_or_create(name=CLINIC_ADMIN_GROUP)
    wanted = []
    for name in CLINIC_ADMIN_PERMISSIONS:
        app_label, codename = name.split(".")
        wanted.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    group.permissions.set(wanted)
    return group
