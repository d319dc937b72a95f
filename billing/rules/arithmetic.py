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
    its 8-min remainder". Each unit count comes with the span of minutes that gives
    it, so a reader can check it against the method's chart.
    """
    if method == Method.CMS_8_MINUTE:
        text = _pooled(minutes_by_code, units_by_code)
    else:
        text = _per_code(minutes_by_code, units_by_code, method)
    if untimed_codes:
        text += f"; untimed {', '.join(untimed_codes)} not counted"
    return text


def _pooled(
    minutes_by_code: Mapping[str, int], units_by_code: Mapping[str, int]
) -> str:
    pooled = full_units = total = 0
    added = []
    shares = []
    for code, minutes in minutes_by_code.items():
        full, remainder = divmod(minutes, 15)
        units = units_by_code[code]
        pooled += minutes
        full_units += full
        total += units
        added.append(f"{code} {minutes}")
        if units == full:
            shares.append(
                f"{code} gets {_count(full, 'full unit')}"
                if full
                else f"{code} gets 0 units"
            )
        elif full:
            shares.append(
                f"{code} gets {_count(full, 'full unit')} + 1 for its "
                f"{remainder}-min remainder"
            )
        else:
            shares.append(f"{code} gets 1 unit for its {remainder}-min remainder")
    # CMS chart: 0-7 min -> 0 units, 8-22 -> 1, 23-37 -> 2, ... (DOMAIN.md §1.2).
    span = f"{15 * total - 7}-{15 * total + 7}" if total else "0-7"
    result = f"→ {_count(total, 'unit')} ({span} min) under the CMS 8-minute rule"
    if len(shares) == 1:
        return f"{pooled} timed min {result}; {shares[0]}"
    split = (
        f", {full_units} from full 15-minute blocks and {total - full_units} for the "
        "largest remainders"
        if total
        else ""
    )
    breakdown = " + ".join(added)
    return f"{pooled} timed min ({breakdown}) {result}{split}; {'; '.join(shares)}"


def _per_code(
    minutes_by_code: Mapping[str, int], units_by_code: Mapping[str, int], method: str
) -> str:
    midpoint = method == Method.CPT_MIDPOINT
    parts = []
    for code, minutes in minutes_by_code.items():
        units = units_by_code[code]
        if not midpoint:
            span = f"{15 * units}-{15 * units + 14}"
        elif units:
            span = f"{15 * units - 7}-{15 * units + 7}"
        else:
            span = "0-7"
        parts.append(f"{code} {minutes} min → {_count(units, 'unit')} ({span} min)")
    return (_MIDPOINT_HEAD if midpoint else _WHOLE_HEAD) + "; ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"1 {noun}" if number == 1 else f"{number} {noun}s"
