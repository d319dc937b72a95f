from django.urls import path

from .views import charts, exports, notes, patients, plans, sessions

app_name = "assessments"
urlpatterns = [
    path("patients/", patients.patient_list_view, name="patient-list"),
    path("patients/new/", patients.patient_form_view, name="patient-create"),
    path(
        "patients/<uuid:patient_uuid>/",
        patients.patient_detail_view,
        name="patient-detail",
    ),
    path(
        "patients/<uuid:patient_uuid>/edit/",
        patients.patient_form_view,
        name="patient-update",
    ),
    path(
        "patients/<uuid:patient_uuid>/progress/<slug:code>.svg",
        charts.patient_trend_view,
        name="patient-trend",
    ),
    path(
        "patients/<uuid:patient_uuid>/plans/new/",
        plans.plan_create_view,
        name="plan-create",
    ),
    path(
        "plans/<uuid:plan_uuid>/edit/",
        plans.plan_update_view,
        name="plan-update",
    ),
    path(
        "patients/<uuid:patient_uuid>/sessions/new/",
        sessions.session_create_view,
        name="session-create",
    ),
    path(
        "sessions/<uuid:session_uuid>/",
        sessions.session_detail_view,
        name="session-detail",
    ),
    path(
        "sessions/<uuid:session_uuid>/trends/<slug:code>.svg",
        charts.session_trend_view,
        name="session-trend",
    ),
    path(
        "sessions/<uuid:session_uuid>/edit/",
        sessions.session_update_view,
        name="session-update",
    ),
    path(
        "sessions/<uuid:session_uuid>/sign/",
        notes.session_sign_view,
        name="session-sign",
    ),
    path(
        "sessions/<uuid:session_uuid>/addenda/new/",
        notes.addendum_create_view,
        name="addendum-create",
    ),
    path(
        "sessions/<uuid:session_uuid>/notes/<int:number>.pdf",
        notes.note_download_view,
        name="note-download",
    ),
    path(
        "sessions/<uuid:session_uuid>/notes/<int:number>/print.pdf",
        notes.note_print_view,
        name="note-print",
    ),
    path(
        "exports/<uuid:export_uuid>/",
        exports.note_export_view,
        name="note-export",
    ),
    path(
        "exports/<uuid:export_uuid>/notes.zip",
        exports.note_export_download_view,
        name="note-export-download",
    ),
]
