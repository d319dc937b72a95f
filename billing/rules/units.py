"""Turn minutes per CPT code into 15-minute units under one payer counting method."""

from collections.abc import Mapping
from enum import StrEnum

from billing.rules.codes import is_timed


class Method(StrEnum):
    """How a payer turns minutes into units; a per-payer setting (DOMAIN.md §1.4, §7).

    CMS_8_MINUTE pools the minutes of all timed codes (Medicare, DOMAIN.md §1.2-§1.3);
    CPT_MIDPOINT counts each code on its own from its 8th minute (DOMAIN.md §1.4);
    WHOLE_UNITS is a conservative policy that bills only full 15-minute blocks.
    """

    CMS_8_MINUTE = "cms_8_minute"
    CPT_MIDPOINT = "cpt_midpoint"
    WHOLE_UNITS = "whole_units"


_METHODS = tuple(Method)


def check_method(method: object) -> None:
    """Raise ValueError unless method names a known counting method."""
    if method not in _METHODS:
        raise ValueError(
            f"unknown counting method {method!r}; expected one of {', '.join(_METHODS)}"
        )


def check_minutes(code: str, minutes: object) -> None:
    """Raise ValueError unless minutes is a non-negative int.

    bool is an int subclass but True minutes is always a data error, so it is refused
    by name; floats, Decimals and strings are refused so that no fraction of a minute
    can ever be billed.
    """
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValueError(
            f"minutes for {code} must be an int, got {minutes!r} "
            f"({type(minutes).__name__})"
        )
    if minutes < 0:
        raise ValueError(f"minutes for {code} must not be negative, got {minutes}")


def midpoint_units(minutes: int) -> int:
    """Return the units of a 15-minute timed service: a unit from the 8th minute.

    This is both the CMS chart for a day's pooled timed minutes (0-7 -> 0, 8-22 -> 1,
    23-37 -> 2, continuing past 8 units, DOMAIN.md §1.2) and the CPT midpoint rule
    applied to one code's minutes (DOMAIN.md §1.4).
    """
    return 0 if minutes < 8 else (minutes - 8) // 15 + 1


def allocate_units(minutes_by_code: Mapping[str, int], method: str) -> dict[str, int]:
    """Return the units of every code given, 0 included, under one counting method.

    cms_8_minute (DOMAIN.md §1.2-§1.3): the minutes of all timed codes are pooled and
    the CMS chart gives the day's total units. Each code first gets one unit per full
    15 minutes; the units left go one each, never more than one extra per code, to the
    codes with the most leftover minutes (minutes mod 15). CMS lets the biller pick on
    a tie (Example 2), so ties are broken deterministically: larger leftover first,
    then more total minutes for the code, then code ascending. That makes the result
    independent of the mapping's order.

    cpt_midpoint (DOMAIN.md §1.4): each code on its own, a unit from its 8th minute
    (8 -> 1, 23 -> 2, 38 -> 3); minutes are never pooled.

    whole_units: each code on its own, one unit per full 15 minutes (under 15 -> 0).

    Untimed codes (codes.UNTIMED_CODES) are one unit whatever their length and are
    billed outside this count, so they get 0 here and their minutes never join the
    pool (CMS Ch. 5 §20.2). The 15-minute timed codes are a closed list
    (codes.TIMED_CODES); a code in neither list is refused, not guessed.

    Raises ValueError for an unknown method, a code that is not a string or not in
    either list, or minutes that are negative or not an int (bool included); the
    message names the method, or the code and the value.
    """
    check_method(method)
    for code, minutes in minutes_by_code.items():
        if not isinstance(code, str):
            raise ValueError(f"CPT code must be a string, got {code!r}")
        is_timed(code)
        check_minutes(code, minutes)
    return count_units(minutes_by_code, method)


def count_units(minutes_by_code: Mapping[str, int], method: str) -> dict[str, int]:
    """Return allocate_units() without checking its arguments.

    For callers whose minutes were already checked, such as decide(), whose facts are
    validated when they are built.
    """
    if method == Method.CMS_8_MINUTE:
        return _pooled_units(minutes_by_code)
    per_code = midpoint_units if method == Method.CPT_MIDPOINT else _whole_units
    return {
        code: per_code(minutes) if is_timed(code) else 0
        for code, minutes in minutes_by_code.items()
    }


def _whole_units(minutes: int) -> int:
    return minutes // 15


def _pooled_units(minutes_by_code: Mapping[str, int]) -> dict[str, int]:
    units = {}
    # Sort keys for the codes with leftover minutes: larger leftover, then more
    # minutes, then code ascending.
    leftovers = []
    pooled = 0
    full_units = 0
    for code, minutes in minutes_by_code.items():
        if not is_timed(code):
            units[code] = 0
            continue
        full, leftover = divmod(minutes, 15)
        units[code] = full
        pooled += minutes
        full_units += full
        if leftover:
            leftovers.append((-leftover, -minutes, code))
    # The spare units never outnumber the codes with leftover minutes: they are the
    # chart value of the summed leftovers, each of which is at most 14.
    spare = midpoint_units(pooled) - full_units
    if spare:
        leftovers.sort()
        for _, _, code in leftovers[:spare]:
            units[code] += 1
    return units
