"""Pure billing rules for CPT 97750: no Django, no clock, Decimal money.

A selector turns models into SessionFacts, decide() returns a Decision, and a
service stores both (STYLE.md §1.9, §4 item 4).
"""

from billing.rules.decision import decide
from billing.rules.findings import FindingCode
from billing.rules.types import (
    Decision,
    Discipline,
    Finding,
    OtherProcedure,
    PayerKind,
    PerformerRole,
    SessionFacts,
    Severity,
    TestFacts,
    VisitFacts,
)
from billing.rules.units import Method, allocate_units
from billing.rules.version import RULES_VERSION

__all__ = [
    "RULES_VERSION",
    "Decision",
    "Discipline",
    "Finding",
    "FindingCode",
    "Method",
    "OtherProcedure",
    "PayerKind",
    "PerformerRole",
    "SessionFacts",
    "Severity",
    "TestFacts",
    "VisitFacts",
    "allocate_units",
    "decide",
]
