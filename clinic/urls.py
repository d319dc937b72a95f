from django.urls import path

from . import views

app_name = "clinic"
urlpatterns = [
    path("patients/", views.patient_list_view, name="patient-list"),
    path("patients/new/", views.patient_form_view, name="patient-create"),
    path(
        "patients/<uuid:patient_uuid>/",
        views.patient_detail_view,
        name="patient-detail",
    ),
    path(
        "patients/<uuid:patient_uuid>/edit/",
        views.patient_form_view,
        name="patient-update",
    ),
]
