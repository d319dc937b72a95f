"""Reads of session data shaped for pages, the PDF note and the billing facts."""

import zoneinfo
from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Func, IntegerField, OuterRef, Q, QuerySet, Subquery

from billing import rules
from billing.models import BillingDecision, Coverage
from billing.rules.minutes import testing_minutes
from billing.selectors import day_decision_get
from clinic.models import Clinic, Patient

from . import catalog
from .goals import DATE_FORMAT, goal_met, goal_result_text, number
from .models import NoteVersion, PerformedTest, PlanOfCare, TestBattery, TestSession
from .recording import ProcedureInput, SessionInput, TestInput


@dataclass(frozen=True)
class TestRow:
    """A performed test as the session page shows it.

    result_texts are the results as printed (a muscle grade as "4−"); details
    what the protocol recorded besides the trials (``protocol_details``).
    """

    __test__ = False

    test: PerformedTest
    minutes: int
    results: dict
    result_texts: dict
    details: dict


@dataclass(frozen=True)
class SessionSummary:
    rows: tuple[TestRow, ...]
    total_timed_minutes: int
    total_minutes: int
    # The hop battery's limb symmetry index: the lowest of its tests' (None
    # when no hop test has one); return to sport asks for every test >= 90 %.
    hop_battery_lsi: Decimal | None = None


def session_summary(*, session: TestSession) -> SessionSummary:
    """Return per-test minutes and the total timed minutes, counted as billing counts them.

    The total is the union of the tests' intervals within time in–time out,
    so it always matches the minutes the billing decision uses.
    """
    tests = list(session.tests.all())
    total, own = testing_minutes(tests, session.started_at, session.ended_at)
    rows = tuple(
        _test_row(test, minutes)
        for test, (_name, minutes) in zip(tests, own, strict=True)
    )
    hops = [
        lsi
        for test in tests
        if test.test.category is catalog.Category.FUNCTION
        and (lsi := test.limb_symmetry()) is not None
    ]
    return SessionSummary(
        rows=rows,
        total_timed_minutes=total,
        total_minutes=session.total_minutes,
        hop_battery_lsi=min(hops) if hops else None,
    )


def _test_row(test: PerformedTest, minutes: int) -> TestRow:
    results = test.results()
    return TestRow(
        test=test,
        minutes=minutes,
        results=results,
        result_texts={
            side: "" if value is None else test.test.display(value)
            for side, value in results.items()
        },
        details=protocol_details(test),
    )


def protocol_details(performed: PerformedTest) -> dict:
    """Return what the protocol recorded besides the trials, only where there is any.

    Item scores with their wording, the conditions by label, the limb symmetry
    index, the typed values a trial was computed from, the practice trials and
    the source. A test recorded before these existed gets none of these keys,
    so its note reads as it did.
    """
    if performed.rules_version < catalog.RULES_VERSION:
        return {}
    test = performed.test
    details: dict = {"source": test.source}
    if test.practice_trials:
        details["practice"] = f"after {test.practice_trials} practice trials"
    if performed.item_scores:
        details["item_scores"] = [
            {"number": number, "text": item.text, "score": score, "max": item.max_score}
            for number, (item, score) in enumerate(
                zip(test.items, performed.item_scores, strict=True), start=1
            )
        ]
    elif performed.total_only:
        details["total_only"] = TOTAL_ONLY
    conditions = performed.conditions
    details["conditions"] = [
        {"label": condition.label, "value": _condition_text(condition, conditions)}
        for condition in test.conditions
        if conditions.get(condition.key)
    ]
    entered = performed.details.get("entered") or {}
    if entered and test.entered is not None:
        details["entered"] = [
            {
                "label": "" if side == "na" else side.capitalize(),
                "values": ", ".join(values),
                "what": f"{test.entered.label} ({test.entered.unit})",
            }
            for side, values in entered.items()
        ]
    start = conditions.get("start_angle")
    if start is not None:
        details["arcs"] = [
            f"{'' if side == 'na' else side.capitalize() + ': '}{start}\N{EN DASH}"
            f"{test.display(end)} {test.unit}"
            for side, end in performed.results().items()
            if end is not None
        ]
    lsi = performed.limb_symmetry()
    if lsi is not None:
        details["limb_symmetry"] = f"{lsi:f} %"
    return details


TOTAL_ONLY = "Total recorded alone; item scores not recorded."


def _condition_text(condition: catalog.Condition, conditions: dict) -> str:
    value = conditions[condition.key]
    return f"{value} {condition.unit}" if condition.unit else value


def date_of_service(*, session: TestSession) -> date:
    """Return the session's date in its clinic's time zone, as printed on the claim."""
    zone = zoneinfo.ZoneInfo(session.patient.clinic.time_zone)
    return session.started_at.astimezone(zone).date()


@dataclass(frozen=True)
class DayKey:
    """A patient's date of service under one plan-of-care discipline: what one
    billing decision covers."""

    patient: Patient
    date_of_service: date
    discipline: str


def day_of(*, session: TestSession) -> DayKey:
    """Return the date of service and discipline the session is billed under."""
    return DayKey(
        patient=session.patient,
        date_of_service=date_of_service(session=session),
        discipline=session.discipline,
    )


def day_decision(*, session: TestSession) -> BillingDecision | None:
    """Return the current billing decision of the session's date of service.

    A signed session keeps the decision it was signed under; when a later
    session of the same day made a new one that supersedes it, the pages show
    the new one, which is what the day bills.
    """
    day = day_of(session=session)
    return day_decision_get(
        patient=day.patient,
        date_of_service=day.date_of_service,
        discipline=day.discipline,
    )


def day_sessions(*, day: DayKey) -> QuerySet[TestSession]:
    """Return the patient's sessions on the day under the discipline, in time order.

    The day runs from midnight to midnight in the clinic's time zone, as the
    date of service does.
    """
    zone = zoneinfo.ZoneInfo(day.patient.clinic.time_zone)
    start = datetime.combine(day.date_of_service, time(), tzinfo=zone)
    end = datetime.combine(day.date_of_service + timedelta(days=1), time(), tzinfo=zone)
    return (
        TestSession.objects.filter(
            patient=day.patient,
            discipline=day.discipline,
            started_at__gte=start,
            started_at__lt=end,
        )
        .select_related("patient__clinic", "clinician", "plan_of_care")
        .prefetch_related("tests", "same_day_procedures", "plan_of_care__diagnoses")
        .order_by("started_at", "pk")
    )


def visit_facts_get(*, session: TestSession) -> rules.VisitFacts:
    """Return what the billing rules need to know of the session's documentation."""
    clinician = session.clinician
    return rules.VisitFacts(
        date_of_service=date_of_service(session=session),
        session_start=session.started_at,
        session_end=session.ended_at,
        discipline=session.discipline,
        tests=tuple(
            rules.TestFacts(
                name=test.test.name,
                catalog_code=test.catalog_code,
                performer_role=clinician.role,
                started_at=test.started_at,
                ended_at=test.ended_at,
                has_result=test.has_result,
                routine_measure=test.test.routine_measure,
                battery_reason=test.battery_reason,
            )
            for test in session.tests.all()
        ),
        other_procedures=tuple(
            rules.OtherProcedure(code=procedure.code, minutes=procedure.minutes)
            for procedure in session.same_day_procedures.all()
        ),
        has_interpretation=bool(session.interpretation.strip()),
        signer_has_credentials=bool(clinician.credentials.strip()),
        distinct_service_reason=session.distinct_service_reason,
        plan=_plan_facts(session.plan_of_care),
    )


def _plan_facts(plan: PlanOfCare | None) -> rules.PlanFacts | None:
    """Return what billing needs of the session's plan of care, or None."""
    if plan is None:
        return None
    return rules.PlanFacts(
        discipline=plan.discipline,
        starts_on=plan.starts_on,
        certification_from=plan.certification_from,
        certification_through=plan.certification_through,
        certified_on=plan.certified_on,
        diagnoses=tuple(diagnosis.code for diagnosis in plan.diagnoses.all()),
        referring_name=plan.referring_name,
        referring_npi=plan.referring_npi,
    )


def patient_list(*, clinic: Clinic, search: str = "") -> QuerySet[Patient]:
    """Return the clinic's patients matching a name or MRN, with their session counts.

    The counts are correlated subqueries, not a GROUP BY: the database works
    them out for the page's rows only, through the (patient, started_at)
    index, so the page costs the same however many sessions the clinic holds.
    """
    sessions = TestSession.objects.filter(patient=OuterRef("pk"))
    patients = (
        Patient.objects.filter(clinic=clinic)
        .select_related("coverage__payer")
        .annotate(
            session_count=_count_of(sessions),
            last_session_at=Subquery(
                sessions.order_by("-started_at").values("started_at")[:1]
            ),
        )
        .order_by("last_name", "first_name", "pk")
    )
    for term in search.split():
        patients = patients.filter(
            Q(first_name__icontains=term)
            | Q(last_name__icontains=term)
            | Q(mrn__icontains=term)
        )
    return patients


def patient_sessions(*, patient: Patient) -> QuerySet[TestSession]:
    """Return the patient's sessions, newest first, ready for the chart's table.

    The test count is a subquery so that a page of the chart counts the tests
    of its own sessions only.
    """
    return patient.sessions.select_related("clinician__user").annotate(
        test_count=_count_of(PerformedTest.objects.filter(session=OuterRef("pk")))
    )


def session_note_versions(*, session: TestSession) -> list[NoteVersion]:
    """Return the session's sealed versions, newest first, without their bytes.

    The page lists them and offers the newest at the top; the PDF and the
    stored note content are read only when a version is downloaded. A draft
    has none, and costs no query.
    """
    if session.is_draft:
        return []
    return list(session.note_versions.defer("pdf", "context").order_by("-number"))


def _count_of(rows: QuerySet) -> Subquery:
    """Return a correlated ``SELECT COUNT(*)`` of ``rows``, which filter on an OuterRef."""
    return Subquery(
        rows.order_by().annotate(n=Func("pk", function="COUNT")).values("n"),
        output_field=IntegerField(),
    )


def patient_coverage(*, patient: Patient | None) -> Coverage | None:
    """Return the patient's coverage with its payer, or None (none yet, or a new patient)."""
    if patient is None:
        return None
    return Coverage.objects.filter(patient=patient).select_related("payer").first()


def session_input_get(*, session: TestSession) -> SessionInput:
    """Return a session as the services take it: its fields, stored tests, procedures.

    For callers that change part of a draft (the admin changes its header) and
    hand the rest back unchanged.
    """
    return SessionInput(
        started_at=session.started_at,
        ended_at=session.ended_at,
        discipline=session.discipline,
        reason=session.reason,
        interpretation=session.interpretation,
        distinct_service_reason=session.distinct_service_reason,
        tests=tuple(
            TestInput(
                **{field.name: getattr(test, field.name) for field in fields(TestInput)}
            )
            for test in session.tests.all()
        ),
        procedures=tuple(
            ProcedureInput(code=procedure.code, minutes=procedure.minutes)
            for procedure in session.same_day_procedures.all()
        ),
        plan_of_care_id=session.plan_of_care_id,
    )


def session_version_values(session: TestSession) -> dict[str, object]:
    """Return what a draft's version fingerprints: everything its form saves."""
    data = session_input_get(session=session)
    return {
        "time in": data.started_at,
        "time out": data.ended_at,
        "discipline": data.discipline,
        "reason": data.reason,
        "interpretation": data.interpretation,
        "distinct-service reason": data.distinct_service_reason,
        "tests": data.tests,
        "other procedures": data.procedures,
        "plan of care": data.plan_of_care_id,
    }


def patient_plans(*, patient: Patient) -> QuerySet[PlanOfCare]:
    """Return the patient's plans of care, newest first, with their goal counts."""
    return patient.plans_of_care.annotate(goal_count=Count("goals"))


def plan_of_care_default(
    *, patient: Patient, discipline: str, day: date
) -> PlanOfCare | None:
    """Return the plan a new session of this discipline and day is most likely under.

    Only an unambiguous plan is offered: the one plan of the discipline whose
    certification period covers the day. With two or none, the clinician chooses.
    """
    plans = [
        plan
        for plan in patient.plans_of_care.filter(discipline=discipline)
        if plan.covers(day)
    ]
    return plans[0] if len(plans) == 1 else None


# Sides in the order the page and the note list them ("na": not done per side).
_SIDE_ORDER = ("left", "right", "na")


def plan_of_care_block(*, session: TestSession) -> dict | None:
    """Return the session's plan of care as JSON-safe data; None without a plan.

    The signed note stores this dict (NoteVersion.context), so the note keeps the
    plan as it was at signing however the plan changes later. Only goals tied
    to a test done in this session are judged, each side of a per-side test on
    its own, with the test's summary result (PerformedTest.results()).
    """
    plan = session.plan_of_care
    if plan is None:
        return None
    return {
        "discipline": plan.discipline,
        "discipline_label": plan.get_discipline_display(),
        "starts_on": _day(plan.starts_on),
        "onset_on": _day(plan.onset_on),
        "certification_from": _day(plan.certification_from),
        "certification_through": _day(plan.certification_through),
        "certified": plan.is_certified,
        "certified_on": _day(plan.certified_on),
        "certifying": {"name": plan.certifying_name, "npi": plan.certifying_npi},
        "referring": {"name": plan.referring_name, "npi": plan.referring_npi},
        "frequency": plan.frequency,
        "duration": plan.duration,
        "diagnoses": [
            {
                "code": diagnosis.code,
                "description": diagnosis.description,
                "primary": diagnosis.is_primary,
            }
            for diagnosis in plan.diagnoses.all()
        ],
        "goal_results": _goal_results(plan, list(session.tests.all())),
    }


def session_plan_of_care(*, session: TestSession) -> dict | None:
    """Return the plan block the session page shows: for a signed note, as signed.

    A signed session's plan may have changed since; the page then shows what
    the note says, read from the original sealed version's stored content.
    """
    if not session.is_draft:
        original = (
            session.note_versions.order_by("number")
            .values_list("context", flat=True)
            .first()
        )
        if original is not None:
            return original.get("plan_of_care")
    return plan_of_care_block(session=session)


def _goal_results(plan: PlanOfCare, tests: list[PerformedTest]) -> list[dict]:
    results = []
    for goal in plan.goals.all():
        entry = goal.test
        if entry is None or goal.target is None or not goal.comparison:
            continue
        for performed in tests:
            if performed.catalog_code != goal.catalog_code:
                continue
            by_side = performed.results()
            for side in sorted(by_side, key=side_rank):
                result = by_side[side]
                side_label = "" if side == "na" else side.capitalize()
                met = goal_met(
                    comparison=goal.comparison, target=goal.target, result=result
                )
                results.append(
                    {
                        "goal": goal.text,
                        "test": entry.name,
                        "side": side,
                        "side_label": side_label,
                        "result": "" if result is None else format(result, "f"),
                        "unit": entry.unit,
                        "comparison": goal.comparison,
                        "comparison_label": goal.get_comparison_display(),
                        "target": number(goal.target),
                        "target_on": _day(goal.target_on),
                        "met": met,
                        "text": goal_result_text(
                            test_name=entry.name,
                            side_label=side_label,
                            result=result,
                            unit=entry.unit,
                            comparison=goal.comparison,
                            target=goal.target,
                            target_on=goal.target_on,
                        ),
                    }
                )
    return results


def side_rank(side: str) -> tuple[int, str]:
    """Sort key of a side as pages and notes list them: left, right, then the rest."""
    rank = _SIDE_ORDER.index(side) if side in _SIDE_ORDER else len(_SIDE_ORDER)
    return rank, side


def _day(day: date | None) -> str:
    return "" if day is None else day.strftime(DATE_FORMAT)


def clinic_batteries(*, clinic: Clinic) -> list[dict]:
    """Return the clinic's test batteries for the session form's "Add battery"."""
    return [
        {"id": battery.pk, "name": battery.name, "codes": list(battery.codes)}
        for battery in TestBattery.objects.filter(clinic=clinic)
    ]
