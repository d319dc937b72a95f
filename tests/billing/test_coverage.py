"""Coverage and payer changes go through billing.services and recompute the drafts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.tasks import default_task_backend
from django.test import override_settings

from assessments.services import session_billing_refresh
from billing.models import (
    COVERAGE_ENDS_BEFORE_START,
    COVERAGE_PAYER_OF_ANOTHER_CLINIC,
    BillingDecision,
    Coverage,
    Payer,
)
from billing.services import (
    PAYER_NAME_TAKEN,
    CoverageInput,
    PayerInput,
    RateInput,
    coverage_save,
    drafts_recompute,
    payer_rates_set,
    payer_save,
)
from tests.factories import (
    PatientFactory,
    PayerFactory,
    mark_signed,
    one_test_session,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=dt.UTC)
# 09:00 in Chicago on Monday 2 November 2026, the date of service of most visits.
NOV_2 = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)


def _decided(patient, clinician, start=NOV_2, minutes=30):
    """Return a draft session with one test of ``minutes`` minutes, and its decision."""
    session = one_test_session(
        patient=patient, clinician=clinician, start=start, minutes=minutes
    )
    return session_billing_refresh(session=session, now=NOW).billing_decision


def _fresh(decision):
    return BillingDecision.objects.get(pk=decision.pk)


def _stored(decision):
    """Return every stored field of the decision, to compare before and after."""
    return BillingDecision.objects.filter(pk=decision.pk).values().get()


@pytest.fixture
def private(clinic):
    """A commercial payer counting each code on its own, at $60.00 a unit."""
    return PayerFactory(
        clinic=clinic,
        name="Private",
        kind=Payer.Kind.COMMERCIAL,
        rate_97750=Decimal("60.00"),
        method=Payer.Method.CPT_MIDPOINT,
    )


def test_payer_change_recomputes_every_draft_of_the_patient(
    patient, clinician, private
):
    """Moving the patient to another payer recomputes each of their drafts."""
    # given two Medicare drafts of the patient ($50.00 a unit, CMS 8-minute rule)
    first = _decided(patient, clinician, start=NOV_2 - dt.timedelta(days=7))
    second = _decided(patient, clinician)
    assert (first.payer, second.payer) == (patient.coverage.payer,) * 2

    # when the coverage moves to the private payer
    coverage = coverage_save(
        patient=patient, data=CoverageInput(payer=private, member_id=" P-77 ")
    )

    # then the coverage is stored and both drafts follow the new payer
    assert Coverage.objects.get(patient=patient) == coverage
    assert (coverage.payer, coverage.member_id) == (private, "P-77")
    for decision in (_fresh(first), _fresh(second)):
        assert decision.payer == private
        assert decision.method == "cpt_midpoint"
        assert decision.units == 2
        assert decision.expected_payment == Decimal("120.00")
        assert decision.inputs["payer_kind"] == "commercial"
        assert decision.inputs["rates"] == {"97750": "60.00"}


def test_removed_coverage_leaves_drafts_without_payer(patient, clinician):
    """Removing the coverage leaves the patient's drafts with no payer, not billable."""
    # given a billable Medicare draft
    decision = _decided(patient, clinician)
    assert decision.qualifies is True

    # when the coverage is removed
    result = coverage_save(patient=patient, data=None)

    # then no coverage is left and the draft has nobody to bill
    assert result is None
    assert Coverage.objects.filter(patient=patient).exists() is False
    decision = _fresh(decision)
    assert decision.payer is None
    assert decision.qualifies is False
    assert decision.units == 0
    assert decision.modifiers == ""
    assert decision.expected_payment == Decimal("0.00")
    assert decision.method == ""
    assert decision.outputs == {}
    assert "payer_kind" not in decision.inputs


def test_added_coverage_gives_the_draft_its_payer(clinic, clinician, private):
    """Covering a patient who had no coverage gives their drafts the payer."""
    # given a draft of a patient without coverage
    patient = PatientFactory(clinic=clinic, coverage=None)
    decision = _decided(patient, clinician)
    assert decision.payer is None

    # when coverage is added
    coverage_save(patient=patient, data=CoverageInput(payer=private))

    # then the draft is decided under that payer
    decision = _fresh(decision)
    assert decision.payer == private
    assert decision.qualifies is True
    assert decision.units == 2
    assert decision.expected_payment == Decimal("120.00")
    assert decision.method == "cpt_midpoint"


@pytest.mark.parametrize(
    "change",
    ["payer changed", "coverage removed"],
)
def test_final_decisions_never_change(patient, clinician, private, change):
    """A coverage change recomputes the drafts and leaves final decisions as signed."""
    # given a signed visit and a draft of the same patient
    signed = _decided(patient, clinician, start=NOV_2 - dt.timedelta(days=7))
    mark_signed(signed.sessions.get())
    draft = _decided(patient, clinician)
    before = _stored(signed)
    data = CoverageInput(payer=private) if change == "payer changed" else None

    # when
    coverage_save(patient=patient, data=data)

    # then only the draft changed
    assert _stored(signed) == before
    assert _fresh(signed).status == BillingDecision.Status.FINAL
    assert _fresh(draft).payer == (private if data else None)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "covered"),
    [
        (None, None, True),
        (dt.date(2026, 11, 2), dt.date(2026, 11, 2), True),
        (dt.date(2026, 1, 1), None, True),
        (None, dt.date(2026, 12, 31), True),
        (dt.date(2026, 11, 3), None, False),
        (dt.date(2026, 11, 3), dt.date(2026, 12, 31), False),
        (None, dt.date(2026, 11, 1), False),
        (dt.date(2026, 1, 1), dt.date(2026, 11, 1), False),
    ],
    ids=[
        "open-ended",
        "that very day",
        "from January",
        "until December",
        "starts the day after",
        "starts later, ends later",
        "ended the day before",
        "ended the day before, started earlier",
    ],
)
def test_draft_outside_the_coverage_dates_has_no_payer(
    patient, clinician, private, starts_on, ends_on, covered
):
    """A draft dated before starts_on or after ends_on gets no payer; dates are inclusive."""
    # given a draft whose date of service in Chicago is 2 November 2026
    decision = _decided(patient, clinician)
    assert decision.date_of_service == dt.date(2026, 11, 2)

    # when the coverage dates are set
    coverage_save(
        patient=patient,
        data=CoverageInput(payer=private, starts_on=starts_on, ends_on=ends_on),
    )

    # then
    decision = _fresh(decision)
    assert decision.payer == (private if covered else None)
    assert decision.qualifies is covered
    assert decision.expected_payment == (
        Decimal("120.00") if covered else Decimal("0.00")
    )


def test_date_of_service_is_taken_in_the_clinics_zone(patient, clinician, private):
    """A visit at 02:30 UTC is on the evening before in Chicago for the coverage too."""
    # given a draft at 02:30 UTC on 3 November, i.e. 2 November in Chicago
    decision = _decided(
        patient, clinician, start=dt.datetime(2026, 11, 3, 2, 30, tzinfo=dt.UTC)
    )

    # when the coverage ends on 2 November
    coverage_save(
        patient=patient,
        data=CoverageInput(payer=private, ends_on=dt.date(2026, 11, 2)),
    )

    # then the visit is covered
    assert _fresh(decision).payer == private


@pytest.mark.parametrize("had_coverage", [True, False], ids=["change", "new"])
def test_payer_of_another_clinic_is_refused(
    clinic, clinician, other_clinic, had_coverage
):
    """Coverage by another clinic's payer is refused on ``payer``; nothing is stored."""
    # given a patient (covered or not) with a draft, and another clinic's payer
    patient = (
        PatientFactory(clinic=clinic)
        if had_coverage
        else PatientFactory(clinic=clinic, coverage=None)
    )
    decision = _decided(patient, clinician)
    coverage_before = list(Coverage.objects.filter(patient=patient).values())
    decision_before = _stored(decision)
    stranger = PayerFactory(clinic=other_clinic)

    # when
    with pytest.raises(ValidationError) as refused:
        coverage_save(patient=patient, data=CoverageInput(payer=stranger))

    # then
    assert refused.value.message_dict == {"payer": [COVERAGE_PAYER_OF_ANOTHER_CLINIC]}
    assert list(Coverage.objects.filter(patient=patient).values()) == coverage_before
    assert _stored(decision) == decision_before


def test_coverage_ending_before_it_starts_is_refused(patient, clinician, private):
    """Coverage ending before it starts is refused on ``ends_on``; nothing is stored."""
    # given a covered patient with a draft
    decision = _decided(patient, clinician)
    coverage_before = list(Coverage.objects.filter(patient=patient).values())
    decision_before = _stored(decision)

    # when
    with pytest.raises(ValidationError) as refused:
        coverage_save(
            patient=patient,
            data=CoverageInput(
                payer=private,
                starts_on=dt.date(2026, 11, 2),
                ends_on=dt.date(2026, 11, 1),
            ),
        )

    # then
    assert refused.value.message_dict == {"ends_on": [COVERAGE_ENDS_BEFORE_START]}
    assert list(Coverage.objects.filter(patient=patient).values()) == coverage_before
    assert _stored(decision) == decision_before


def test_rate_change_recomputes_drafts_of_every_patient_of_the_payer(
    clinic, clinician, private
):
    """A payer's new rate reaches the drafts of all its patients and no one else's."""
    # given two Medicare patients and a private patient, each with a draft
    medicare = PayerFactory(clinic=clinic, rate_97750=Decimal("50.00"))
    maria = _decided(PatientFactory(clinic=clinic, coverage__payer=medicare), clinician)
    john = _decided(PatientFactory(clinic=clinic, coverage__payer=medicare), clinician)
    other = _decided(PatientFactory(clinic=clinic, coverage__payer=private), clinician)
    other_before = _stored(other)

    # when Medicare's 97750 rate goes up
    payer_rates_set(
        payer=medicare,
        rates=[RateInput(code="97750", expected_payment=Decimal("55.00"))],
    )

    # then both Medicare drafts are recomputed, the private one is untouched
    assert medicare.rates.get().expected_payment == Decimal("55.00")
    for decision in (maria, john):
        assert _fresh(decision).expected_payment == Decimal("110.00")
        assert _fresh(decision).inputs["rates"] == {"97750": "55.00"}
    assert _stored(other) == other_before


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        ([("97750", "50.00"), ("97750", "55.00")], "97750 is listed twice."),
        ([("99999", "50.00")], "99999 is not a CPT code the billing rules know."),
    ],
)
def test_a_bad_rate_table_is_refused_and_nothing_changes(clinic, rates, message):
    """A repeated or unknown code is refused on ``code``; the old table stays."""
    # given
    payer = PayerFactory(clinic=clinic)
    # when
    with pytest.raises(ValidationError) as refused:
        payer_rates_set(
            payer=payer,
            rates=[
                RateInput(code=code, expected_payment=Decimal(amount))
                for code, amount in rates
            ],
        )
    # then
    assert refused.value.message_dict == {"code": [message]}
    assert list(payer.rates.values_list("code", "expected_payment")) == [
        ("97750", Decimal("50.00"))
    ]


@pytest.mark.parametrize("renamed", [False, True], ids=["new payer", "renamed payer"])
def test_duplicate_payer_name_is_refused(clinic, other_clinic, renamed):
    """A second payer of the same name in a clinic is refused on ``name``."""
    # given a payer named Medicare in the clinic, and another one renamed or added
    PayerFactory(clinic=clinic, name="Medicare")
    payer = PayerFactory(clinic=clinic, name="Aetna") if renamed else None
    before = list(Payer.objects.order_by("pk").values())

    # when
    with pytest.raises(ValidationError) as refused:
        payer_save(
            payer=payer,
            clinic=clinic,
            data=PayerInput(
                name=" Medicare ",
                kind=Payer.Kind.MEDICARE,
                method=Payer.Method.CMS_8_MINUTE,
            ),
        )

    # then nothing is stored
    assert refused.value.message_dict == {
        "name": [PAYER_NAME_TAKEN.format(name="Medicare")]
    }
    assert list(Payer.objects.order_by("pk").values()) == before


def test_same_payer_name_in_another_clinic_is_allowed(clinic, other_clinic):
    """Payer names are unique per clinic only."""
    # given a payer named Medicare in the other clinic
    PayerFactory(clinic=other_clinic, name="Medicare")

    # when
    payer = payer_save(
        payer=None,
        clinic=clinic,
        data=PayerInput(
            name="Medicare",
            kind=Payer.Kind.MEDICARE,
            method=Payer.Method.CMS_8_MINUTE,
        ),
    )

    # then
    assert (payer.clinic, payer.name) == (clinic, "Medicare")
    assert Payer.objects.filter(name="Medicare").count() == 2


@override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
)
def test_a_rate_change_queues_the_recompute_for_the_worker(clinic, clinician):
    """A payer's change runs as a task, not in the admin's request."""
    # given a Medicare patient's draft
    medicare = PayerFactory(clinic=clinic, rate_97750=Decimal("50.00"))
    patient = PatientFactory(clinic=clinic, coverage__payer=medicare)
    decision = _decided(patient, clinician)
    default_task_backend.clear()
    # when the rate goes up
    payer_rates_set(
        payer=medicare,
        rates=[RateInput(code="97750", expected_payment=Decimal("55.00"))],
    )
    # then the draft waits for the worker, which is handed the patient
    (queued,) = default_task_backend.results
    assert queued.task.func is drafts_recompute.func
    assert queued.kwargs == {"patient_ids": [patient.pk]}
    assert _fresh(decision).expected_payment == Decimal("100.00")
    # and when the worker runs it, the draft follows
    drafts_recompute.call(patient_ids=[patient.pk])
    assert _fresh(decision).expected_payment == Decimal("110.00")
