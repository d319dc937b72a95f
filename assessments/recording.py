"""What a recorded test session is, and the rules it must keep: pure Python.

``session_create`` and ``session_update`` check every session with
``session_problems`` before they write anything, whoever calls them (the session
page, the admin, ``seed_demo``), and the session form only puts the problems next
to the fields they name. No Django import here, so the rules are tested without a
database.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from billing.rules.codes import (
    PHYSICAL_PERFORMANCE_TEST,
    TIMED_CODES,
    UNTIMED_CODES,
)

from . import catalog

SESSION_ENDS_BEFORE_START = "Time out must be after time in."
SESSION_IN_FUTURE = "This session ends in the future; record it once it has happened."
NO_TESTS = "Add at least one test."
UNKNOWN_TEST = "{code} is not a test in the catalog."
TEST_ENDS_BEFORE_START = "Stop must be after start."
TEST_OUTSIDE_SESSION = (
    "This test ({start}–{end}) falls outside the session's time in–time out "
    "({session_start}–{session_end})."
)
TESTS_OVERLAP = (
    "{this} ({this_start}–{this_end}) overlaps {other} ({other_start}–{other_end})."
)
SIDE_REQUIRED = "{test} is done per side: choose left, right or both."
SIDE_NOT_APPLICABLE = "{test} is not done per side: choose not applicable."
TRIALS_ON_WRONG_SIDE = "{test} done on side {side} has no {trial_side} trials."
TOO_MANY_TRIALS = "{test} records at most {trials} trial(s)."
NOT_A_NUMBER = "{test}: enter a number."
UNKNOWN_RULES_VERSION = "{test}: there are no scoring rules version {version}."
UNKNOWN_CONDITION = "{test} records no condition {key!r}."
CONDITION_REQUIRED = "{label}: required for {test}."
REPS_REQUIRED = "Give the repetitions to failure (at most 10) for a predicted 1-RM."
NOT_A_SCALE = "{test} is not scored item by item."
ITEMS_INCOMPLETE = "Score every item of {test}, or record the total alone."
ITEM_OUT_OF_RANGE = "Item {number} ({text}): score {low}\N{EN DASH}{high}."
TOTAL_NOT_ITEMS = "The total of {test} is computed from its items ({total}), not typed."
PARTS_INCOMPLETE = "Give every value: {parts}."
TRIAL_NOT_COMPUTED = (
    "{test}: trial {number} must be computed from what was typed ({value})."
)
PROCEDURE_LISTED_TWICE = "{code} is listed twice; give its minutes once."
TIMED_PROCEDURE_NEEDS_MINUTES = "Give the direct minutes of this timed procedure."
UNKNOWN_PROCEDURE = (
    "{code} is not a procedure the billing rules know; 97750 itself comes from "
    "the tests."
)
UNTIMED_PROCEDURE_HAS_MINUTES = (
    "{code} is untimed: it is one unit whatever its length, so it has no minutes."
)


# The trial lists each side records, keyed by PerformedTest.Side's values ("na":
# the test is not done per side).
TRIAL_SIDES = {
    "left": ("left",),
    "right": ("right",),
    "both": ("left", "right"),
    "na": ("na",),
}
NOT_APPLICABLE = "na"


@dataclass(frozen=True, kw_only=True)
class TestInput:
    """One test as recorded: catalog code, side, its own times and trial values.

    trials maps each recorded side to its values as decimal strings, in the
    order the trials were done: {"left": ["24.0", "25.5"], "right": [...]}.
    """

    __test__ = False  # not a pytest test class, despite the name

    catalog_code: str
    side: str
    started_at: datetime
    ended_at: datetime
    trials: dict[str, list[str]]
    notes: str = ""
    battery_reason: str = ""
    # What the protocol records besides the trials (PerformedTest.details):
    # {"conditions": {key: str}, "items": [int, ...], "entered": {side: [str]}}.
    # Item scores and typed values ("entered") are what the trials are computed
    # from; ``completed_trials`` does it, and the rules check the trials match.
    details: dict = field(default_factory=dict)
    # The scoring rules the result is recorded under: a draft stored before a
    # correction keeps its rules when saved again with the same test.
    rules_version: int = catalog.RULES_VERSION


@dataclass(frozen=True, kw_only=True)
class ProcedureInput:
    """Another CPT procedure the same day; minutes are 0 for untimed codes."""

    code: str
    minutes: int = 0


@dataclass(frozen=True, kw_only=True)
class SessionInput:
    """A whole session as the form (or any other caller) hands it to the services."""

    started_at: datetime
    ended_at: datetime
    discipline: str
    reason: str
    interpretation: str
    tests: tuple[TestInput, ...]
    procedures: tuple[ProcedureInput, ...] = ()
    distinct_service_reason: str = ""
    # The plan of care the session is done under (its primary key); None for
    # none. The services check it is the patient's, in the session's discipline.
    plan_of_care_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Problem:
    """One broken rule, addressed so a form can show it next to the right field.

    field names a SessionInput field when test and procedure are None, a
    TestInput field when test is the index of a test in SessionInput.tests, and
    a ProcedureInput field when procedure is an index into procedures. A trial
    value's problem also gives its side and 1-based trial number; a condition's
    problem is on field "condition_<key>" and an item's on "item_<number>".
    field "" is the session (or the list of tests) as a whole.
    """

    message: str
    field: str = ""
    test: int | None = None
    procedure: int | None = None
    side: str | None = None
    trial: int | None = None


def session_problems(session: SessionInput, *, now: datetime) -> tuple[Problem, ...]:
    """Return every rule the session breaks, in form order; empty if none.

    The session's times are in order and not in the future; each test is in the
    catalog, ends after it starts, lies inside time in–time out, overlaps no
    other test (one clinician, one patient: minutes are billed once), names a
    side its test allows and holds no more trials than the protocol records,
    each a value in the test's plausible range; each other procedure is listed
    once, with minutes if it is timed and none if it is untimed.
    """
    problems = []
    if session.ended_at <= session.started_at:
        problems.append(Problem(message=SESSION_ENDS_BEFORE_START, field="ended_at"))
    elif session.ended_at > now:
        problems.append(Problem(message=SESSION_IN_FUTURE, field="ended_at"))
    if not session.tests:
        problems.append(Problem(message=NO_TESTS, field="tests"))
    for index, test in enumerate(session.tests):
        problems += _test_problems(index, test, session)
    problems += _overlap_problems(session.tests)
    problems += _procedure_problems(session.procedures)
    return tuple(problems)


# How every form, message and note writes a clock time: 24-hour, with seconds,
# because 97750 minutes are counted from these times.
CLOCK_FORMAT = "%H:%M:%S"


def clock(moment: datetime) -> str:
    """Write a time as the forms, messages and notes show it (CLOCK_FORMAT)."""
    return moment.strftime(CLOCK_FORMAT)


def _test_problems(index: int, test: TestInput, session: SessionInput) -> list[Problem]:
    entry = catalog.CATALOG.get(test.catalog_code)
    if entry is None:
        message = UNKNOWN_TEST.format(code=test.catalog_code)
        return [Problem(message=message, field="catalog_code", test=index)]
    problems = []
    if test.ended_at <= test.started_at:
        problems.append(
            Problem(message=TEST_ENDS_BEFORE_START, field="ended_at", test=index)
        )
    elif session.ended_at > session.started_at and (
        test.started_at < session.started_at or test.ended_at > session.ended_at
    ):
        # Only a real window is checked: a session that ends before it starts
        # already has its own problem, and every test would fall outside it.
        message = TEST_OUTSIDE_SESSION.format(
            start=clock(test.started_at),
            end=clock(test.ended_at),
            session_start=clock(session.started_at),
            session_end=clock(session.ended_at),
        )
        problems.append(Problem(message=message, field="started_at", test=index))
    if not 1 <= test.rules_version <= catalog.RULES_VERSION:
        message = UNKNOWN_RULES_VERSION.format(
            test=entry.name, version=test.rules_version
        )
        problems.append(Problem(message=message, test=index))
    side_problem = _side_problem(entry, test.side)
    if side_problem:
        problems.append(Problem(message=side_problem, field="side", test=index))
        return problems
    condition_problems = _condition_problems(index, entry, test)
    if condition_problems:
        return problems + condition_problems
    entry = entry.for_conditions(conditions_of(test.details))
    return (
        problems
        + _trial_problems(index, entry, test)
        + _item_problems(index, entry, test)
        + _entered_problems(index, entry, test)
    )


def conditions_of(details: dict) -> dict[str, str]:
    """Return the conditions stored in a test's details ({} when none)."""
    return dict(details.get("conditions") or {})


def completed_trials(
    entry: catalog.CatalogTest, side: str, details: dict, typed: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Return the trials to store: computed where the protocol computes them.

    A scale scored item by item stores its items' total; a test typed as
    something else (times for gait speed, a submaximal load for a predicted
    1-RM) stores what ``CatalogTest.derive`` computes. Values that cannot be
    computed (not a number, a condition missing) are kept as typed, for the
    rules to refuse next to their field.
    """
    items = details.get("items")
    if entry.items and items:
        try:
            total = entry.item_total([int(score) for score in items])
        except (TypeError, ValueError):
            return typed
        return {NOT_APPLICABLE if not entry.per_side else side: [str(total)]}
    entered = details.get("entered")
    if entry.entered is None or not entered:
        return typed
    conditions = conditions_of(details)
    try:
        if entry.entered.parts:
            return {
                trial_side: [
                    str(entry.combine([Decimal(v) for v in values], conditions))
                ]
                for trial_side, values in entered.items()
            }
        return {
            trial_side: [
                str(entry.derive(Decimal(value), conditions)) for value in values
            ]
            for trial_side, values in entered.items()
        }
    except (InvalidOperation, KeyError, ZeroDivisionError, TypeError):
        return typed


def _condition_problems(
    index: int, entry: catalog.CatalogTest, test: TestInput
) -> list[Problem]:
    conditions = conditions_of(test.details)
    problems = []
    for key, value in conditions.items():
        condition = entry.condition(key)
        message = (
            UNKNOWN_CONDITION.format(test=entry.name, key=key)
            if condition is None
            else condition.check(value)
        )
        if message:
            problems.append(
                Problem(message=message, field=f"condition_{key}", test=index)
            )
    for condition in entry.conditions:
        if condition.required and not conditions.get(condition.key):
            message = CONDITION_REQUIRED.format(label=condition.label, test=entry.name)
            problems.append(
                Problem(message=message, field=f"condition_{condition.key}", test=index)
            )
    speed = entry.entered is not None and entry.entered.derivation == "speed"
    if speed and test.details.get("entered") and not conditions.get("distance_m"):
        condition = entry.condition("distance_m")
        message = CONDITION_REQUIRED.format(label=condition.label, test=entry.name)
        problems.append(
            Problem(message=message, field="condition_distance_m", test=index)
        )
    if conditions.get("method", "").startswith("Predicted") and not conditions.get(
        "reps"
    ):
        problems.append(
            Problem(message=REPS_REQUIRED, field="condition_reps", test=index)
        )
    return problems


def _item_problems(
    index: int, entry: catalog.CatalogTest, test: TestInput
) -> list[Problem]:
    items = test.details.get("items")
    if not items:
        return []
    if not entry.items:
        return [Problem(message=NOT_A_SCALE.format(test=entry.name), test=index)]
    if len(items) != len(entry.items) or None in items or "" in items:
        return [Problem(message=ITEMS_INCOMPLETE.format(test=entry.name), test=index)]
    problems = []
    for number, (score, item) in enumerate(zip(items, entry.items, strict=True), 1):
        if not (isinstance(score, int) and 0 <= score <= item.max_score):
            message = ITEM_OUT_OF_RANGE.format(
                number=number, text=item.text, low=0, high=item.max_score
            )
            problems.append(
                Problem(message=message, field=f"item_{number}", test=index)
            )
    if problems:
        return problems
    total = str(entry.item_total(items))
    if [values for values in test.trials.values()] != [[total]]:
        message = TOTAL_NOT_ITEMS.format(test=entry.name, total=total)
        problems.append(Problem(message=message, field="trials", test=index))
    return problems


def _entered_problems(
    index: int, entry: catalog.CatalogTest, test: TestInput
) -> list[Problem]:
    """Check typed values (times, loads, reaches) and the trials computed from them."""
    entered = test.details.get("entered")
    if not entered or entry.entered is None:
        return []
    spec = entry.entered
    typed_entry = catalog.CatalogTest(
        code=entry.code,
        name=f"{entry.name} ({spec.label.lower()})",
        category=entry.category,
        unit=spec.unit,
        trials=len(spec.parts) or entry.trials,
        plausible_min=spec.minimum,
        plausible_max=spec.maximum,
        decimal_places=spec.decimal_places,
        summary=entry.summary,
        protocol=entry.protocol,
        source=entry.source,
    )
    problems = []
    for side, values in entered.items():
        typed = [
            Problem(message=message, field="trials", test=index, side=side, trial=n)
            for n, value in enumerate(values, start=1)
            if (message := _trial_message(typed_entry, n, value))
        ]
        problems += typed or _computed_problems(index, entry, test, side, values)
    return problems


def _computed_problems(
    index: int, entry: catalog.CatalogTest, test: TestInput, side: str, values: list
) -> list[Problem]:
    """Refuse stored trials that are not what the typed values compute to."""
    conditions = conditions_of(test.details)
    stored = test.trials.get(side, [])
    if entry.entered.parts:
        if len(values) != len(entry.entered.parts):
            message = PARTS_INCOMPLETE.format(parts=", ".join(entry.entered.parts))
            return [Problem(message=message, field="trials", test=index)]
        derived = [str(entry.combine([Decimal(v) for v in values], conditions))]
        if stored == derived:
            return []
        message = TRIAL_NOT_COMPUTED.format(test=entry.name, number=1, value=derived[0])
        return [Problem(message=message, field="trials", test=index)]
    problems = []
    for number, value in enumerate(values, start=1):
        derived = str(entry.derive(Decimal(value), conditions))
        if number > len(stored) or stored[number - 1] != derived:
            message = TRIAL_NOT_COMPUTED.format(
                test=entry.name, number=number, value=derived
            )
            problems.append(
                Problem(
                    message=message, field="trials", test=index, side=side, trial=number
                )
            )
    return problems


def _side_problem(entry: catalog.CatalogTest, side: str) -> str | None:
    if entry.per_side and (side not in TRIAL_SIDES or side == NOT_APPLICABLE):
        return SIDE_REQUIRED.format(test=entry.name)
    if not entry.per_side and side != NOT_APPLICABLE:
        return SIDE_NOT_APPLICABLE.format(test=entry.name)
    return None


def _trial_problems(
    index: int, entry: catalog.CatalogTest, test: TestInput
) -> list[Problem]:
    problems = []
    allowed = TRIAL_SIDES[test.side]
    for trial_side, values in test.trials.items():
        if trial_side not in allowed:
            message = TRIALS_ON_WRONG_SIDE.format(
                test=entry.name, side=test.side, trial_side=trial_side
            )
            problems.append(Problem(message=message, field="trials", test=index))
            continue
        for number, value in enumerate(values, start=1):
            message = _trial_message(entry, number, value)
            if message:
                problems.append(
                    Problem(
                        message=message,
                        field="trials",
                        test=index,
                        side=trial_side,
                        trial=number,
                    )
                )
    return problems


def _trial_message(entry: catalog.CatalogTest, number: int, value: str) -> str | None:
    if number > entry.trials:
        return TOO_MANY_TRIALS.format(test=entry.name, trials=entry.trials)
    try:
        return entry.check_text(value)
    except (InvalidOperation, TypeError):
        return NOT_A_NUMBER.format(test=entry.name)


def _overlap_problems(tests: tuple[TestInput, ...]) -> list[Problem]:
    """Report every pair of tests whose times overlap, on both tests, naming each."""
    timed = sorted(
        (
            (test.started_at, index, test)
            for index, test in enumerate(tests)
            if test.ended_at > test.started_at and test.catalog_code in catalog.CATALOG
        ),
        key=lambda item: item[:2],
    )
    problems = []
    for position, (_start, index, test) in enumerate(timed):
        for _other_start, other_index, other in timed[position + 1 :]:
            if other.started_at >= test.ended_at:
                break
            for this_index, this, that in (
                (index, test, other),
                (other_index, other, test),
            ):
                message = TESTS_OVERLAP.format(
                    this=catalog.get(this.catalog_code).name,
                    this_start=clock(this.started_at),
                    this_end=clock(this.ended_at),
                    other=catalog.get(that.catalog_code).name,
                    other_start=clock(that.started_at),
                    other_end=clock(that.ended_at),
                )
                problems.append(
                    Problem(message=message, field="started_at", test=this_index)
                )
    return problems


_KNOWN_PROCEDURES = (TIMED_CODES - {PHYSICAL_PERFORMANCE_TEST}) | UNTIMED_CODES


def _procedure_problems(procedures: tuple[ProcedureInput, ...]) -> list[Problem]:
    problems = []
    seen = set()
    for index, procedure in enumerate(procedures):
        code = procedure.code
        if code not in _KNOWN_PROCEDURES:
            message = UNKNOWN_PROCEDURE.format(code=code)
            problems.append(Problem(message=message, field="code", procedure=index))
            continue
        if code in seen:
            message = PROCEDURE_LISTED_TWICE.format(code=code)
            problems.append(Problem(message=message, field="code", procedure=index))
        seen.add(code)
        if code in UNTIMED_CODES and procedure.minutes:
            message = UNTIMED_PROCEDURE_HAS_MINUTES.format(code=code)
            problems.append(Problem(message=message, field="minutes", procedure=index))
        elif code not in UNTIMED_CODES and not procedure.minutes:
            problems.append(
                Problem(
                    message=TIMED_PROCEDURE_NEEDS_MINUTES,
                    field="minutes",
                    procedure=index,
                )
            )
    return problems
