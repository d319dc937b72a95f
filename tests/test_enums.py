"""The models' choices and the billing rules' enums name the same values.

The rules are pure Python and keep their own enums; the models keep Django
choices. Stored values flow from one to the other (a payer's kind and method,
a clinician's role, a session's discipline, a procedure's CPT code), so the two
must not drift apart.
"""

import pytest

from assessments import goals, recording
from assessments.models import Goal, PerformedTest, SameDayProcedure, TestSession
from billing import rules
from billing.models import BillingDecision, Discipline, OutsideTherapyAmount, Payer
from billing.rules.codes import (
    PHYSICAL_PERFORMANCE_TEST,
    TIMED_CODES,
    UNTIMED_CODES,
)
from clinic.models import Clinician

TIMED_SUFFIX = " (timed)"


@pytest.mark.parametrize(
    ("choices", "enum"),
    [
        (Payer.Kind, rules.PayerKind),
        (Payer.Method, rules.Method),
        (Clinician.Role, rules.PerformerRole),
        (TestSession.Discipline, rules.Discipline),
        (Discipline, rules.Discipline),
        (OutsideTherapyAmount.Group, rules.Discipline),
    ],
    ids=[
        "payer kind",
        "payer method",
        "clinician role",
        "session discipline",
        "decision discipline",
        "KX threshold group",
    ],
)
def test_model_choices_match_the_rules_enum(choices, enum):
    """Each model's choices hold exactly the values of the rules' enum."""
    assert sorted(choices.values) == sorted(member.value for member in enum)


def test_decision_method_choices_are_the_payer_methods():
    """A stored decision's method is one of the payer methods the rules know."""
    field = BillingDecision._meta.get_field("method")

    assert [value for value, _label in field.choices] == Payer.Method.values


def test_performed_test_sides_match_the_trial_sides():
    """A performed test's sides are exactly those the recording rules take trials on."""
    assert sorted(PerformedTest.Side.values) == sorted(recording.TRIAL_SIDES)


def test_same_day_procedures_are_known_to_the_rules():
    """Every same-day procedure code is a timed or untimed code of the rules, not 97750."""
    codes = set(SameDayProcedure.Code.values)

    assert codes - (TIMED_CODES | UNTIMED_CODES) == set()
    assert codes & TIMED_CODES & UNTIMED_CODES == set()
    assert PHYSICAL_PERFORMANCE_TEST not in codes


def test_timed_label_marks_exactly_the_timed_procedures():
    """A procedure's label ends in "(timed)" exactly when the rules count it as timed."""
    labelled_timed = {
        code
        for code, label in SameDayProcedure.Code.choices
        if label.endswith(TIMED_SUFFIX)
    }
    timed = set(SameDayProcedure.Code.values) & TIMED_CODES

    assert labelled_timed == timed
    assert all(
        label.startswith(f"{code} ") for code, label in SameDayProcedure.Code.choices
    )


def _constraint_values(model, name):
    """Return the values a ``field__in`` check constraint of the model allows."""
    constraint = next(c for c in model._meta.constraints if c.name == name)
    [(_lookup, values)] = constraint.condition.children
    return sorted(values)


@pytest.mark.parametrize(
    ("model", "constraint", "choices"),
    [
        (Payer, "payer_method_known", Payer.Method),
        (PerformedTest, "performed_test_side_known", PerformedTest.Side),
    ],
    ids=["payer method", "performed test side"],
)
def test_check_constraints_allow_exactly_the_choices(model, constraint, choices):
    """The database's check constraints allow exactly the model's choices."""
    assert _constraint_values(model, constraint) == sorted(choices.values)


def test_goal_comparisons_match_the_goal_rules():
    """A stored goal's comparison is one the pure verdict knows, with the same label."""
    assert {value: label for value, label in Goal.Comparison.choices} == {
        member.value: member.label for member in goals.Comparison
    }
