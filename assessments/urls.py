from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path(
        "patients/<uuid:patient_uuid>/sessions/new/",
        views.session_create_view,
        name="session-create",
    ),
    path(
        "sessions/<uuid:session_uuid>/",
        views.session_detail_view,
        name="session-detail",
    ),
    path(
        "sessions/<uuid:session_uuid>/edit/",
        views.session_update_view,
        name="session-update",
    ),
    path(
        "sessions/<uuid:session_uuid>/sign/",
        views.session_sign_view,
        name="session-sign",
    ),
    path(
        "sessions/<uuid:session_uuid>/addenda/new/",
        views.addendum_create_view,
        name="addendum-create",
    ),
    path(
        "sessions/<uuid:session_uuid>/notes/<int:number>.pdf",
        views.note_download_view,
        name="note-download",
    ),
]
