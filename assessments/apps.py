from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Test sessions"
    # A clinic's front office reviews sessions and may correct a draft's header;
    # clinicians record sessions, and signed notes, their versions, addenda and
    # the access log are records, never edited (clinic.services.clinic_admin_group_ensure).
    # The front office keeps plans of care (it tracks the physician's
    # certification), but never deletes one: sessions are billed under it.
    clinic_admin_permissions = (
        "view_testsession",
        "change_testsession",
        "view_performedtest",
        "view_samedayprocedure",
        "view_noteversion",
        "view_addendum",
        "view_noteaccessevent",
        "view_planofcare",
        "add_planofcare",
        "change_planofcare",
        "view_plandiagnosis",
        "add_plandiagnosis",
        "change_plandiagnosis",
        "delete_plandiagnosis",
        "view_goal",
        "add_goal",
        "change_goal",
        "delete_goal",
        # The clinic's own test batteries, added to a session in one step.
        "view_testbattery",
        "add_testbattery",
        "change_testbattery",
        "delete_testbattery",
    )
