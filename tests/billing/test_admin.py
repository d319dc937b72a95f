"""The billing review list in the admin: scoped, filtered, read-only, and its CSV."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.services import session_billing_refresh
from billing.models import BillingDecision, ClinicFee
from clinic.services import clinic_admin_group_ensure
from tests.factories import (
    ClinicianFactory,
    PatientFactory,
    PayerFactory,
    mark_signed,
    one_test_session,
)
from tests.pages import form_values

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:billing_billingdecision_changelist")
START = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)  # 09:00 in Chicago


@pytest.fixture
def front_office_client(client, clinic_admin):
    user = clinic_admin.user
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group_ensure())
    client.force_login(user)
    return client


def _decided_session(patient, clinician, minutes, start=START):
    session = one_test_session(
        patient=patient, clinician=clinician, start=start, minutes=minutes
    )
    return session_billing_refresh(session=session)


def _shown(response):
    assert response.status_code == HTTPStatus.OK
    return list(response.context["cl"].result_list)


def test_list_shows_only_own_clinic(front_office_client, session, other_session):
    """The review list holds the decisions of the user's clinic only."""
    # given decisions in both clinics
    session_billing_refresh(session=session)
    session_billing_refresh(session=other_session)

    # when
    response = front_office_client.get(CHANGELIST)

    # then
    assert _shown(response) == [session.billing_decision]


def test_list_columns_name_the_visit(front_office_client, clinic):
    """Each row shows the date of service, patient, MRN, payer, clinician and status."""
    # given a decided session of a patient of a named payer
    clinician = ClinicianFactory(
        clinic=clinic, user__first_name="Dana", user__last_name="Reyes"
    )
    patient = PatientFactory(
        clinic=clinic,
        first_name="Rosa",
        last_name="Alvarez",
        mrn="RV-3003",
        coverage__payer__name="Medicare",
    )
    _decided_session(patient, clinician, 30)

    # when
    response = front_office_client.get(CHANGELIST)

    # then
    admin = response.context["cl"].model_admin
    assert list(admin.list_display) == [
        "date_of_service",
        "patient_and_mrn",
        "payer",
        "rendering_clinician",
        "status",
        "billed",
        "charge",
        "expected_payment",
        "claim_status",
    ]
    page = response.content.decode()
    for text in (
        "Nov. 2, 2026",
        "Alvarez, Rosa<br>",
        "MRN RV-3003",
        "Medicare",
        "Dana Reyes",
        "2 × 97750 GP",
    ):
        assert text in page, text
    # the admin's stylesheet for this list: compact, and fewer columns at 768 px
    assert "/static/css/admin.css" in page
    assert ">Draft<" in page


def test_decision_without_payer_is_listed(front_office_client, clinic, clinician):
    """A visit of a patient without coverage is listed, with no payer and no claim."""
    # given a patient without coverage, and their decided session
    patient = PatientFactory(clinic=clinic, coverage=None, mrn="RV-4004")
    session = _decided_session(patient, clinician, 30)

    # when
    listed = front_office_client.get(CHANGELIST)
    page = front_office_client.get(
        reverse(
            "admin:billing_billingdecision_change", args=[session.billing_decision.pk]
        )
    )

    # then
    assert _shown(listed) == [session.billing_decision]
    assert page.status_code == HTTPStatus.OK
    assert "No payer covers this date of service." in page.content.decode()


def test_filter_by_qualifies_and_search_by_mrn(front_office_client, clinic, clinician):
    """The qualifies and blocking filters and the MRN search pick the right visits."""
    # given a billable 30-minute session and a 5-minute one that is not
    patient = PatientFactory(clinic=clinic, mrn="RV-1001")
    billable = _decided_session(patient, clinician, 30)
    short = _decided_session(PatientFactory(clinic=clinic), clinician, 5)

    # when / then
    not_billable = front_office_client.get(CHANGELIST, {"qualifies__exact": "0"})
    assert _shown(not_billable) == [short.billing_decision]
    blocked = front_office_client.get(CHANGELIST, {"has_blocking_findings__exact": "1"})
    assert _shown(blocked) == [short.billing_decision]
    found = front_office_client.get(CHANGELIST, {"q": "RV-1001"})
    assert _shown(found) == [billable.billing_decision]


def test_filter_by_payer_clinician_status_and_date(front_office_client, clinic):
    """The payer, rendering clinician, status and date-of-service filters each narrow."""
    # given a signed Medicare visit by one clinician on Nov 2 and a draft visit of
    # a commercial patient by another clinician a week earlier
    medicare_clinician = ClinicianFactory(clinic=clinic)
    other_clinician = ClinicianFactory(clinic=clinic)
    commercial = PayerFactory(clinic=clinic, name="Private", kind="commercial")
    signed = _decided_session(
        PatientFactory(clinic=clinic), medicare_clinician, 30, start=START
    )
    mark_signed(signed)
    draft = _decided_session(
        PatientFactory(clinic=clinic, coverage__payer=commercial),
        other_clinician,
        30,
        start=START - dt.timedelta(days=7),
    )

    # when / then
    by_payer = front_office_client.get(CHANGELIST, {"payer__id__exact": commercial.pk})
    assert _shown(by_payer) == [draft.billing_decision]
    by_clinician = front_office_client.get(
        CHANGELIST, {"rendering_clinician__id__exact": medicare_clinician.pk}
    )
    assert _shown(by_clinician) == [signed.billing_decision]
    final = front_office_client.get(CHANGELIST, {"status__exact": "final"})
    assert _shown(final) == [signed.billing_decision]
    drafts = front_office_client.get(CHANGELIST, {"status__exact": "draft"})
    assert _shown(drafts) == [draft.billing_decision]
    on_the_day = front_office_client.get(
        CHANGELIST,
        {"date_of_service__gte": "2026-11-02", "date_of_service__lt": "2026-11-03"},
    )
    assert _shown(on_the_day) == [signed.billing_decision]


def test_payer_filter_offers_only_own_clinics_payers(
    front_office_client, session, other_session
):
    """The payer filter lists the payers of the user's clinic's decisions only."""
    # given decisions in both clinics
    session_billing_refresh(session=session)
    session_billing_refresh(session=other_session)

    # when
    response = front_office_client.get(CHANGELIST)

    # then
    payer_filter = next(
        spec
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "field_path", None) == "payer"
    )
    assert [pk for pk, _name in payer_filter.lookup_choices] == [
        session.patient.coverage.payer.pk
    ]


def test_list_query_count_does_not_grow(front_office_client, clinic):
    """The list issues a fixed number of queries whatever the number of rows."""

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            response = front_office_client.get(CHANGELIST)
        assert response.status_code == HTTPStatus.OK
        return len(queries)

    # given one decided session
    clinician = ClinicianFactory(clinic=clinic)
    _decided_session(PatientFactory(clinic=clinic), clinician, 30)
    one = count_queries()

    # when 14 more sessions of other patients are decided, one without coverage
    for day in range(1, 15):
        _decided_session(
            PatientFactory(clinic=clinic, coverage=None)
            if day == 1
            else PatientFactory(clinic=clinic),
            clinician,
            30,
            start=START - dt.timedelta(days=day),
        )

    # then the list issues the same number of queries: session, user,
    # savepoint, two permission reads, the payer and clinician filters, the
    # count, the page, the audit event (lock the chain's head, insert, move
    # the head), release
    assert count_queries() == one == 13


def test_list_never_reads_every_decision(front_office_client, session):
    """No date hierarchy, facets, full count or DISTINCT filters: each scans them all."""
    # when
    response = front_office_client.get(CHANGELIST)

    # then
    model_admin = response.context["cl"].model_admin
    assert model_admin.date_hierarchy is None
    assert model_admin.show_full_result_count is False
    assert not [
        f
        for f in model_admin.list_filter
        if isinstance(f, tuple) and f[1] is admin.RelatedOnlyFieldListFilter
    ]


def test_list_order_has_its_index():
    """The list reads its newest rows and its count off this index (migration 0003)."""
    # when
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, "billing_billingdecision"
        )

    # then
    assert constraints["decision_newest_first"]["columns"] == [
        "service_start",
        "id",
        # every filter's column, so the count reads the index, not the table
        "patient_id",
        "qualifies",
        "has_blocking_findings",
        "payer_id",
        "rendering_clinician_id",
        "status",
        "discipline",
        "date_of_service",
    ]


def test_decisions_are_read_only(front_office_client, session):
    """A decision's change page shows it, without save, and it cannot be deleted."""
    decision = session_billing_refresh(session=session).billing_decision

    # when the change page is opened and a delete is tried
    page = front_office_client.get(
        reverse("admin:billing_billingdecision_change", args=[decision.pk])
    )
    delete = front_office_client.post(
        reverse("admin:billing_billingdecision_delete", args=[decision.pk]),
        {"post": "yes"},
    )

    # then it shows but cannot be deleted
    assert page.status_code == HTTPStatus.OK
    assert 'name="_save"' not in page.content.decode()
    assert delete.status_code == HTTPStatus.FORBIDDEN
    assert BillingDecision.objects.filter(pk=decision.pk).exists() is True


def _payer_post(payer, rates):
    data = {
        "clinic": payer.clinic_id,
        "name": payer.name,
        "kind": payer.kind,
        "method": payer.method,
        "retest_interval_days": "30",
        "rates-TOTAL_FORMS": str(len(rates)),
        "rates-INITIAL_FORMS": "0",
    }
    for index, (code, amount) in enumerate(rates):
        data[f"rates-{index}-code"] = code
        data[f"rates-{index}-expected_payment"] = amount
    return data


def test_a_payers_rate_table_is_saved_through_the_service(
    front_office_client, clinic, clinician
):
    """New rates in the payer admin reach the drafts at once."""
    # given a draft of a Medicare patient at $50.00 a 97750 unit
    payer = PayerFactory(clinic=clinic)
    session = _decided_session(
        PatientFactory(clinic=clinic, coverage__payer=payer), clinician, 30
    )
    payer.rates.all().delete()
    # when the rate table is replaced in the admin
    response = front_office_client.post(
        reverse("admin:billing_payer_change", args=[payer.pk]),
        _payer_post(payer, [("97750", "55.00"), ("97110", "29.00")]),
    )
    # then
    assert response.status_code == HTTPStatus.FOUND
    assert sorted(payer.rates.values_list("code", "expected_payment")) == [
        ("97110", Decimal("29.00")),
        ("97750", Decimal("55.00")),
    ]
    session.billing_decision.refresh_from_db()
    assert session.billing_decision.expected_payment == Decimal("110.00")


def test_an_unknown_code_in_a_rate_table_is_refused_next_to_it(
    front_office_client, clinic
):
    """A code the rules do not know is an error on its row, not a server error."""
    # given
    payer = PayerFactory(clinic=clinic)
    # when
    response = front_office_client.post(
        reverse("admin:billing_payer_change", args=[payer.pk]),
        _payer_post(payer, [("97750", "55.00"), ("9775", "10.00")]),
    )
    # then
    assert response.status_code == HTTPStatus.OK
    assert "9775 is not a CPT code the billing rules know." in response.content.decode()
    assert list(payer.rates.values_list("code", flat=True)) == ["97750"]


def test_the_fee_schedule_gives_drafts_their_charge(
    front_office_client, clinic, clinician
):
    """A fee added in the admin becomes the charge of every draft of the clinic."""
    # given a draft of 2 units
    session = _decided_session(PatientFactory(clinic=clinic), clinician, 30)
    # when the clinic charges $120.00 a 97750 unit
    response = front_office_client.post(
        reverse("admin:billing_clinicfee_add"),
        {"clinic": clinic.pk, "code": "97750", "charge": "120.00"},
    )
    # then
    assert response.status_code == HTTPStatus.FOUND
    session.billing_decision.refresh_from_db()
    assert (
        session.billing_decision.charge,
        session.billing_decision.expected_payment,
    ) == (Decimal("240.00"), Decimal("100.00"))


def test_the_fee_schedule_lists_only_own_clinic(
    front_office_client, clinic, other_clinic
):
    # given
    ClinicFee.objects.create(clinic=clinic, code="97750", charge=Decimal("120.00"))
    ClinicFee.objects.create(clinic=other_clinic, code="97750", charge=Decimal("1.00"))
    # when
    response = front_office_client.get(reverse("admin:billing_clinicfee_changelist"))
    # then
    assert [fee.clinic for fee in _shown(response)] == [clinic]


def test_therapy_used_elsewhere_counts_toward_kx(
    front_office_client, clinic, clinician
):
    """An amount from the eligibility response, entered on the patient, joins KX."""
    # given a Medicare patient's draft in 2026
    patient = PatientFactory(clinic=clinic)
    session = _decided_session(patient, clinician, 30)
    url = reverse("admin:clinic_patient_change", args=[patient.pk])
    page = front_office_client.get(url)
    data = form_values(page)
    data.update(
        {
            "outside_therapy-TOTAL_FORMS": "1",
            "outside_therapy-0-year": "2026",
            "outside_therapy-0-group": "PT",
            "outside_therapy-0-amount": "2450.00",
            "outside_therapy-0-as_of": "2026-10-01",
        }
    )
    # when
    response = front_office_client.post(url, data)
    # then $2,450 + $100 passes $2,480: KX
    assert response.status_code == HTTPStatus.FOUND
    session.billing_decision.refresh_from_db()
    assert session.billing_decision.inputs["kx_prior_amount"] == "2450.00"
    assert session.billing_decision.modifiers == "GP, KX"
