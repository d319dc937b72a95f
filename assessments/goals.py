"""Plan-of-care goals measured by a catalog test: their checks and their verdicts.

Plain Python with no Django import, like ``recording.py``: the plan service
checks goals with ``goal_problems`` before it writes, and the session page and
the signed note judge a session's results with ``goal_met``. A goal such as
"TUG under 12 s by 01/15" is stored as test ``timed_up_and_go``, comparison
``at_most`` and target 12.
"""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from . import catalog
from .recording import UNKNOWN_TEST

CHOOSE_TEST = "Choose the test this target is measured with."
NEEDS_COMPARISON = (
    "{test}: say whether the result should be at most or at least the target."
)
NEEDS_TARGET = "{test}: give the target value."
DATE_FORMAT = "%m/%d/%Y"


class Comparison(StrEnum):
    """Which way a result must lie from its target (Goal.Comparison stores these)."""

    AT_MOST = "at_most"
    AT_LEAST = "at_least"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


# What the page and the note print for goal_met's answer.
VERDICTS = {True: "met", False: "not met", None: "no result"}


def goal_met(
    *, comparison: str, target: Decimal, result: Decimal | None
) -> bool | None:
    """Return whether ``result`` meets the target, or None when there is no result.

    A result equal to the target meets it either way: "at most 12 s" is met by
    12.0 s. An unknown comparison raises ValueError rather than guessing a
    direction, since a wrong verdict would be printed on a signed note.
    """
    if result is None:
        return None
    if comparison == Comparison.AT_MOST:
        return result <= target
    if comparison == Comparison.AT_LEAST:
        return result >= target
    raise ValueError(f"Unknown goal comparison {comparison!r}.")


def number(value: Decimal) -> str:
    """Write a stored value without trailing zeros or exponent ("12.000" -> "12")."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def target_text(
    *, comparison: str, target: Decimal, unit: str, target_on: date | None
) -> str:
    """Return a goal's target as printed: "at most 12 s by 01/15/2027"."""
    text = f"{Comparison(comparison).label} {number(target)} {unit}".strip()
    if target_on is not None:
        text += f" by {target_on.strftime(DATE_FORMAT)}"
    return text


def goal_result_text(
    *,
    test_name: str,
    side_label: str,
    result: Decimal | None,
    unit: str,
    comparison: str,
    target: Decimal,
    target_on: date | None,
) -> str:
    """Return one result against its goal, as the session page and the note print it.

    "Timed Up and Go: 13.2 s — goal at most 12 s by 01/15/2027: not met"; a
    per-side test names its side ("Grip dynamometry, right: …").
    """
    name = f"{test_name}, {side_label.lower()}" if side_label else test_name
    shown = "no result" if result is None else f"{format(result, 'f')} {unit}".strip()
    target_part = target_text(
        comparison=comparison, target=target, unit=unit, target_on=target_on
    )
    verdict = VERDICTS[goal_met(comparison=comparison, target=target, result=result)]
    return f"{name}: {shown} — goal {target_part}: {verdict}"


def goal_problems(
    *, catalog_code: str, comparison: str, target: Decimal | None
) -> dict[str, str]:
    """Return {field: message} for a goal that cannot be measured as written.

    A goal in words alone is fine. A goal tied to a test needs a test of the
    catalog, a direction and a target the test can actually record (within its
    plausible range); a direction or target without a test means nothing.
    """
    if not catalog_code:
        if comparison or target is not None:
            return {"catalog_code": CHOOSE_TEST}
        return {}
    entry = catalog.CATALOG.get(catalog_code)
    if entry is None:
        return {"catalog_code": UNKNOWN_TEST.format(code=catalog_code)}
    problems = {}
    if comparison not in tuple(Comparison):
        problems["comparison"] = NEEDS_COMPARISON.format(test=entry.name)
    if target is None:
        problems["target"] = NEEDS_TARGET.format(test=entry.name)
    elif message := entry.check_value(target):
        problems["target"] = message
    return problems
