"""The session page and the signed note show the plan of care and today's goal results.

The note stores the plan as it was at signing, so editing the plan later
changes neither the note nor the signed session's page.
"""

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from pypdf import PdfReader

from assessments.notes import signing
from assessments.plans import (
    GoalInput,
    PlanDiagnosisInput,
    PlanOfCareInput,
    plan_of_care_save,
)
from assessments.selectors import plan_of_care_block
from tests.factories import (
    DEFAULT_PASSWORD,
    GoalFactory,
    PerformedTestFactory,
    PlanDiagnosisFactory,
    PlanOfCareFactory,
)

pytestmark = pytest.mark.django_db

TUG_RESULT = "Timed Up and Go (TUG): 12.5 s — goal at most 12 s by 01/15/2027: not met"


@pytest.fixture
def plan(patient, session):
    """A certified PT plan with two diagnoses, the TUG goal and a goal in words."""
    plan = PlanOfCareFactory(
        patient=patient,
        starts_on=dt.date(2026, 10, 1),
        certified_on=dt.date(2026, 10, 5),
    )
    PlanDiagnosisFactory(plan=plan, code="R26.81", description="Unsteady", position=1)
    PlanDiagnosisFactory(plan=plan, position=0)
    GoalFactory(plan=plan, position=0)
    GoalFactory(
        plan=plan,
        text="Return to gardening.",
        catalog_code="",
        comparison="",
        target=None,
        position=1,
    )
    session.plan_of_care = plan
    session.save()
    return plan


def test_block_shows_the_plan_and_judges_the_goal_of_todays_test(session, plan):
    # when
    block = plan_of_care_block(session=session)

    # then the plan is there, primary diagnosis first, and JSON-safe
    assert json.loads(json.dumps(block)) == block
    assert block["discipline_label"] == "Physical therapy"
    assert block["starts_on"] == "10/01/2026"
    assert (block["certified"], block["certified_on"]) == (True, "10/05/2026")
    assert block["certifying"] == {"name": "Priya Raman, MD", "npi": "1876034210"}
    assert [d["code"] for d in block["diagnoses"]] == ["M17.11", "R26.81"]
    assert [d["primary"] for d in block["diagnoses"]] == [True, False]
    # and only the goal measured today is judged: TUG 12.5 s against at most 12 s
    assert [result["text"] for result in block["goal_results"]] == [TUG_RESULT]
    assert block["goal_results"][0]["met"] is False


def test_each_side_of_a_per_side_test_is_judged(session, plan):
    # given grip done on both sides, and a goal of at least 25 kg
    PerformedTestFactory(
        session=session,
        catalog_code="grip_dynamometry",
        side="both",
        trials={"right": ["26.0"], "left": ["24.0", "24.5"]},
        started_at=session.started_at + dt.timedelta(minutes=20),
        ended_at=session.started_at + dt.timedelta(minutes=25),
    )
    GoalFactory(
        plan=plan,
        catalog_code="grip_dynamometry",
        comparison="at_least",
        target=Decimal(25),
        target_on=None,
        position=2,
    )

    # when
    results = plan_of_care_block(session=session)["goal_results"]

    # then left comes before right, each with its own verdict
    grip = [r for r in results if r["test"].startswith("Grip")]
    assert [(r["side_label"], r["result"], r["met"]) for r in grip] == [
        ("Left", "24.3", False),
        ("Right", "26.0", True),
    ]


def test_session_without_a_plan_has_no_block(session):
    assert plan_of_care_block(session=session) is None


def test_draft_session_page_shows_the_plan_and_the_goal_result(
    clinician_client, session, plan
):
    response = clinician_client.get(session.get_absolute_url())

    page = response.content.decode()
    assert "Plan of care" in page
    assert "certified 10/05/2026" in page
    assert "Priya Raman, MD · NPI 1876034210" in page
    assert TUG_RESULT in page


def test_signed_note_keeps_the_plan_as_signed(
    clinician_client, clinician, session, plan
):
    # given the session is signed under its plan
    version = signing.session_sign(
        session=session,
        clinician=clinician,
        password=DEFAULT_PASSWORD,
        now=session.ended_at + dt.timedelta(minutes=5),
    )

    # when the plan is changed afterwards
    plan_of_care_save(
        plan=plan,
        patient=plan.patient,
        data=PlanOfCareInput(
            discipline="PT",
            starts_on=plan.starts_on,
            certification_from=plan.certification_from,
            certification_through=plan.certification_through,
            frequency="3x/week",
            duration="4 weeks",
        ),
        diagnoses=(
            PlanDiagnosisInput(code="Z91.81", description="History of falling"),
        ),
        goals=(
            GoalInput(
                text="TUG under 10 s.",
                catalog_code="timed_up_and_go",
                comparison="at_most",
                target=Decimal(10),
            ),
        ),
    )

    # then the stored note and the signed session's page still show the plan as signed
    stored = version.context["plan_of_care"]
    assert stored["frequency"] == "2x/week"
    assert [r["text"] for r in stored["goal_results"]] == [TUG_RESULT]
    text = " ".join(
        " ".join(page.extract_text().split())
        for page in PdfReader(io.BytesIO(bytes(version.pdf))).pages
    )
    assert "Plan of care" in text
    assert "not met" in text
    page = clinician_client.get(session.get_absolute_url()).content.decode()
    assert TUG_RESULT in page
    assert "3x/week" not in page
