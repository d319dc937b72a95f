"""Pure billing rules for CPT 97750: no Django, no clock, Decimal money.

A selector turns a patient's sessions of one date of service into DayFacts,
decide() returns a Decision, and a service stores both.
"""

from billing.rules.decision import decide
from billing.rules.findings import FindingCode
from billing.rules.types import (
    DayFacts,
    Decision,
    Discipline,
    Finding,
    Line,
    OtherProcedure,
    PayerKind,
    PerformerRole,
    PlanFacts,
    Severity,
    TestFacts,
    VisitFacts,
)
from billing.rules.units import Method, allocate_units
from billing.rules.version import RULES_VERSION

__all__ = [
    "RULES_VERSION",
    "DayFacts",
    "Decision",
    "Discipline",
    "Finding",
    "FindingCode",
    "Line",
    "Method",
    "OtherProcedure",
    "PayerKind",
    "PerformerRole",
    "PlanFacts",
    "Severity",
    "TestFacts",
    "VisitFacts",
    "allocate_units",
    "decide",
]
