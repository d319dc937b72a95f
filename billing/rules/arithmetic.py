"""The unit arithmetic of a decision, in words for clinicians and auditors."""

from collections.abc import Mapping, Sequence

from billing.rules.units import Method

_MIDPOINT_HEAD = (
    "Under the CPT midpoint rule each code counts on its own, a unit from its 8th "
    "minute, minutes never pooled: "
)
_WHOLE_HEAD = (
    "Under the whole-unit policy each code counts on its own, one unit per full "
    "15 minutes: "
)


def describe_units(
    minutes_by_code: Mapping[str, int],
    units_by_code: Mapping[str, int],
    method: str,
    untimed_codes: Sequence[str],
) -> str:
    """Return one sentence showing how the timed minutes became units.

    minutes_by_code and units_by_code hold the timed codes only; untimed_codes are
    named as not counted (DOMAIN.md §1.2). Peers bill units without showing the math
    (PEERS.md §6 item 1); this sentence is that math, for example "38 timed min → 3
    units (38-52 min) under the CMS 8-minute rule; 97750 gets 2 full units + 1 for
    its 8-min remainder".
    """
    if method == Method.CMS_8_MINUTE:
        text = _pooled(minutes_by_code, units_by_code)
    elif method == Method.CPT_MIDPOINT:
        text = _MIDPOINT_HEAD + "; ".join(
            [
                f"{code} {minutes} min → {_units(units_by_code[code])} "
                f"({_midpoint_span(units_by_code[code])})"
                for code, minutes in minutes_by_code.items()
            ]
        )
    else:
        text = _WHOLE_HEAD + "; ".join(
            [
                f"{code} {minutes} min → {_units(units_by_code[code])} "
                f"({15 * units_by_code[code]}-{15 * units_by_code[code] + 14} min)"
                for code, minutes in minutes_by_code.items()
            ]
        )
    if untimed_codes:
        text += f"; untimed {', '.join(untimed_codes)} not counted"
    return text


def _pooled(
    minutes_by_code: Mapping[str, int], units_by_code: Mapping[str, int]
) -> str:
    pooled = 0
    full_units = 0
    shares = []
    for code, minutes in minutes_by_code.items():
        pooled += minutes
        full, remainder = divmod(minutes, 15)
        full_units += full
        units = units_by_code[code]
        if not units:
            shares.append(f"{code} gets 0 units")
        elif units == full:
            shares.append(f"{code} gets {full} full unit{'' if full == 1 else 's'}")
        elif full:
            shares.append(
                f"{code} gets {full} full unit{'' if full == 1 else 's'} + 1 for its "
                f"{remainder}-min remainder"
            )
        else:
            shares.append(f"{code} gets 1 unit for its {remainder}-min remainder")
    total = sum(units_by_code.values())
    result = f"→ {_units(total)} ({_midpoint_span(total)}) under the CMS 8-minute rule"
    if len(shares) == 1:
        return f"{pooled} timed min {result}; {shares[0]}"
    added = " + ".join([f"{code} {m}" for code, m in minutes_by_code.items()])
    split = (
        f", {full_units} from full 15-minute blocks and {total - full_units} for the "
        "largest remainders"
        if total
        else ""
    )
    return f"{pooled} timed min ({added}) {result}{split}; {'; '.join(shares)}"


def _units(count: int) -> str:
    return "1 unit" if count == 1 else f"{count} units"


def _midpoint_span(units: int) -> str:
    # The minutes that give this many units from the 8th minute: 8-22, 23-37, ...
    if not units:
        return "0-7 min"
    low = 15 * units - 7
    return f"{low}-{low + 14} min"
