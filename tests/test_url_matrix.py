"""Every URL pattern × every demo login × its own and the other clinic's rows.

The URLs come from the URL configuration itself, so a page added tomorrow is
covered the day it is added. Each cell is a GET; it must not fail (5xx) and its
body and redirect must not hold another clinic's patients (their MRNs and the
UUIDs of their patients, sessions and plans of care). A page that shows the
user's own clinic's patients (an MRN or a "Last, First" name in it, or a
document: PDF, zip, CSV, chart) must write an audit event for the user.
"""

import re
from dataclasses import dataclass
from io import BytesIO, StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from assessments.models import NoteExport, PlanOfCare, TestSession
from assessments.notes.export import note_export_start
from billing.claim_files import claims_export
from billing.models import Claim, ClaimExport
from clinic.models import AuditEvent, Clinic, Patient

RIVERSIDE = "Riverside Physical Therapy"
LAKESIDE = "Lakeside Hand & Rehab"
# Demo logins and the clinic each works in; None: not logged in.
ROLES = {
    "anonymous": None,
    "pt": RIVERSIDE,
    "ot": RIVERSIDE,
    "md": RIVERSIDE,
    "pta": RIVERSIDE,
    "admin": RIVERSIDE,
    "lakeside-pt": LAKESIDE,
}
KWARG = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    name: str
    template: str
    kwargs: tuple[str, ...]


def _routes(patterns=None, prefix="", namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(
                pattern.url_patterns,
                prefix + str(pattern.pattern),
                pattern.namespace or namespace,
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            template = prefix + str(pattern.pattern)
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name, template, tuple(KWARG.findall(template)))


ROUTES = sorted(
    {route for route in _routes() if not route.template.startswith("admin/^")},
    key=lambda route: route.template,
)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, with every clinic's claims exported once."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        # An authenticator app, so django-otp's device pages are asked too.
        TOTPDevice.objects.create(
            user=get_user_model().objects.get(username="pt"), name="Phone"
        )
        for clinic, username in ((RIVERSIDE, "admin"), (LAKESIDE, "lakeside-pt")):
            clinic = Clinic.objects.get(name=clinic)
            note_export_start(
                user=get_user_model().objects.get(username=username),
                clinic=clinic,
                sessions=TestSession.objects.filter(patient__clinic=clinic),
            )
            claims_export(
                claims=Claim.objects.filter(patient__clinic=clinic),
                fmt="csv",
                out=BytesIO(),
                user=None,
                reexport=True,
                now=timezone.now(),
            )
        yield
        transaction.set_rollback(True)


def _rows_of(clinic_name):
    """One row of each kind a URL can name, of the clinic: by URL keyword."""
    clinic = Clinic.objects.get(name=clinic_name)
    session = (
        TestSession.objects.filter(patient__clinic=clinic)
        .order_by("-status", "pk")
        .first()
    )
    export = ClaimExport.objects.filter(claims__patient__clinic=clinic).first()
    notes = NoteExport.objects.filter(clinic=clinic).first()
    return {
        "export_uuid": notes.uuid if notes else None,
        "patient_uuid": session.patient.uuid,
        "session_uuid": session.uuid,
        "plan_uuid": PlanOfCare.objects.filter(patient__clinic=clinic).first().uuid,
        "number": 1,
        # A test the session holds, for its trend chart and the patient's.
        "code": session.tests.values_list("catalog_code", flat=True).first(),
        "export_id": export.pk if export else 0,
        "clinic": clinic,
    }


def _admin_object(route, clinic):
    """Return the pk of a row of the admin route's model in the clinic, or None."""
    label = route.name.removeprefix("admin:").removesuffix("_password_change")
    label = (
        label.rsplit("_", 1)[0] if not route.name.endswith("password_change") else label
    )
    # App labels may hold "_" themselves (otp_totp_totpdevice_change).
    model = next(
        (
            model
            for model in apps.get_models()
            if label == f"{model._meta.app_label}_{model._meta.model_name}"
        ),
        None,
    )
    if model is None:
        return None
    model_name = model._meta.model_name
    lookup = getattr(model, "clinic_lookup", None)
    if model is ClaimExport:
        row = model.objects.filter(claims__patient__clinic=clinic).first()
    elif lookup:
        row = model.objects.filter(**{lookup: clinic.pk}).first()
    elif hasattr(model, "clinician") or model_name == "user":
        row = model.objects.filter(clinician__clinic=clinic).first()
    else:
        row = model.objects.first()
    return row.pk if row else None


def _url(route, rows):
    values = dict(rows)
    if "id" in route.kwargs:  # the admin's password change: /auth/user/<id>/password/
        values["id"] = _admin_object(route, rows["clinic"])
        if values["id"] is None:
            return None
    if "pk" in route.kwargs:  # a device's QR code page of django-otp's admin
        values["pk"] = _admin_object(route, rows["clinic"])
    if "object_id" in route.kwargs:
        if "content_type_id" in route.kwargs:  # "view on site": a session has a page
            values["content_type_id"] = ContentType.objects.get_for_model(
                TestSession
            ).pk
            values["object_id"] = TestSession.objects.get(uuid=rows["session_uuid"]).pk
        else:
            values["object_id"] = _admin_object(route, rows["clinic"])
            if values["object_id"] is None:
                return None
    if "app_label" in route.kwargs:
        values["app_label"] = "billing"
    if any(values.get(name, "") is None for name in route.kwargs):
        return None
    path = route.template
    for name in route.kwargs:
        path = re.sub(rf"<(?:\w+:)?{name}>", str(values[name]), path, count=1)
    return "/" + path


def _markers(clinic_name):
    """What of a clinic's patients must never show to another clinic's user."""
    clinic = Clinic.objects.get(name=clinic_name)
    patients = Patient.objects.filter(clinic=clinic)
    return {
        *patients.values_list("mrn", flat=True),
        *(str(uuid) for uuid in patients.values_list("uuid", flat=True)),
        *(
            str(uuid)
            for uuid in TestSession.objects.filter(patient__clinic=clinic).values_list(
                "uuid", flat=True
            )
        ),
        *(
            str(uuid)
            for uuid in PlanOfCare.objects.filter(patient__clinic=clinic).values_list(
                "uuid", flat=True
            )
        ),
    }


# Responses that are a patient's records whatever their text (notes, zips,
# claim files, trend charts).
DOCUMENTS = ("application/pdf", "application/zip", "text/csv", "image/svg+xml")


def _shown_patients(clinic_name):
    """What on a page shows one of the clinic's patients: MRNs and listed names."""
    patients = Patient.objects.filter(clinic__name=clinic_name)
    return {
        *patients.values_list("mrn", flat=True),
        *(patient.last_first for patient in patients),
    }


def _shows_patients(response, body, shown):
    if response.status_code != 200:
        return False
    if response.get("Content-Type", "").split(";")[0] in DOCUMENTS:
        return True
    return any(marker in body for marker in shown)


def _client(role):
    client = Client()
    if ROLES[role] is not None:
        client.force_login(get_user_model().objects.get(username=role))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_shows_another_clinics_patients(demo, role):
    # given the role's clinic, the other one, and every URL filled with rows of each
    own = ROLES[role]
    others = [name for name in (RIVERSIDE, LAKESIDE) if name != own]
    client = _client(role)
    cells, leaks, errors, unaudited = 0, [], [], []
    shown = _shown_patients(own) if own else set()
    events = AuditEvent.objects.filter(user__username=role)
    for clinic_name in (RIVERSIDE, LAKESIDE):
        rows = _rows_of(clinic_name)
        forbidden = set().union(*(_markers(name) for name in others))
        for route in ROUTES:
            url = _url(route, rows)
            if url is None or route.name == "logout":
                continue
            # when
            audited_before = events.count()
            response = client.get(url)
            cells += 1
            # then
            if response.status_code >= 500:
                errors.append(f"{url} {response.status_code}")
            body = b"" if response.streaming else response.content
            seen = body.decode(errors="replace") + response.get("Location", "")
            # The URL asked for is not a leak when a page or a login redirect
            # repeats it; anything else of the other clinic is.
            found = sorted(
                marker for marker in forbidden if marker in seen and marker not in url
            )
            if found:
                leaks.append(f"{url}: {found[:3]}")
            if (
                clinic_name == own
                and _shows_patients(response, seen, shown)
                and events.count() == audited_before
            ):
                unaudited.append(url)
    assert errors == []
    assert leaks == []
    assert unaudited == []
    # and every URL pattern was asked with each clinic's rows, but those with no
    # row to fill (logout, admin pages of log tables the demo leaves empty): on
    # 12-06, 266 of 316 pattern × clinic cells a login
    assert cells >= 0.8 * 2 * len(ROUTES)
