"""Reads of clinic data that carry rules (scoping, search)."""

from django.db.models import Count, Max, Q

from .models import Patient


def patient_list(*, clinic, search=""):
    """Return the clinic's patients matching a name or MRN, with their session counts.

    Annotations keep the list page at a fixed number of queries however many
    patients and sessions there are.
    """
    patients = (
        Patient.objects.filter(clinic=clinic)
        .select_related("payer")
        .annotate(
            session_count=Count("sessions"), last_session_at=Max("sessions__started_at")
        )
        # A GROUP BY query ignores Meta.ordering, so the order is spelled out.
        .order_by("last_name", "first_name", "pk")
    )
    for term in search.split():
        patients = patients.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(mrn__icontains=term)
        )
    return patients
