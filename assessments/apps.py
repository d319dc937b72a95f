from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Test sessions"
    # A clinic's front office reviews sessions and may correct a draft's header;
    # clinicians record sessions, and signed notes, their versions, addenda and
    # the access log are records, never edited (clinic.services.clinic_admin_group_ensure).
    clinic_admin_permissions = (
        "view_testsession",
        "change_testsession",
        "view_performedtest",
        "view_samedayprocedure",
        "view_noteversion",
        "view_addendum",
        "view_noteaccessevent",
    )
