"""Read one result against the norms: where it stands, the cut-offs it crosses,
the change since last time, and what a trend chart draws.

Nothing here guesses. A person whose age falls outside every band of a table
gets "No published norm for age N." rather than the nearest band; a missing
date of birth, sex, side or hand dominance that the table splits by is said
so. Timed tests are lower-is-better: their % of norm is the norm's time over
the patient's (so slower is below 100 %, as in the limb symmetry index), and
their change reads "better" when the time falls.
"""

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from . import balance, dexterity, endurance, flexibility, function, strength
from .model import Equation, NormEntry, Row, Table
from .types import (
    FEMALE,
    Change,
    Flag,
    Guides,
    Interpretation,
    Person,
    Source,
    Standing,
)

NO_NORM = "No published norm in Perfnote for this test."
NO_TABLE = "No published population norm in Perfnote for this test."
_PERCENT = Decimal("0.1")
_Z = Decimal("0.01")
_WHOLE = Decimal(1)
_DATE = "%m/%d/%Y"
_MINUS = "\N{MINUS SIGN}"


def _index(*families: tuple[NormEntry, ...]) -> Mapping[str, NormEntry]:
    """Index every family's norms by catalog code, refusing a code given twice."""
    by_code: dict[str, NormEntry] = {}
    for family in families:
        for norms in family:
            if norms.code in by_code:
                raise ValueError(f"Norms for {norms.code!r} are given twice.")
            by_code[norms.code] = norms
    return MappingProxyType(by_code)


BY_CODE: Mapping[str, NormEntry] = _index(
    strength.NORMS,
    endurance.NORMS,
    flexibility.NORMS,
    balance.NORMS,
    function.NORMS,
    dexterity.NORMS,
)


def age_on(birth: date, on: date) -> int:
    """Return the age in whole years on ``on``; the birthday itself counts.

    Someone born on 29 February turns a year older on 1 March in a common year,
    since 28 February is still before their birthday.
    """
    years = on.year - birth.year
    if (on.month, on.day) < (birth.month, birth.day):
        years -= 1
    return years


def covered() -> frozenset[str]:
    """Return the catalog codes that have at least one norm or cut-off.

    Every catalog test has an entry (its direction, so a change reads "better"
    or "worse"); a test is covered when the entry also holds a norm table, a
    reference equation, a cut-off, a limb symmetry criterion or graded meanings.
    """
    return frozenset(
        code
        for code, norms in BY_CODE.items()
        if norms.tables
        or norms.equation
        or norms.cutoffs
        or norms.symmetry
        or norms.grades
    )


def symmetry(code: str, lsi: Decimal | None) -> Flag | None:
    """Return the flag of a limb symmetry index below the source's criterion.

    ``lsi`` is ``catalog.limb_symmetry`` (%), already inverted for timed tests;
    None or an unknown code gives None.
    """
    norms = BY_CODE.get(code)
    if lsi is None or norms is None or norms.symmetry is None:
        return None
    cutoff = norms.symmetry
    if not cutoff.crossed_by(lsi):
        return None
    return Flag(
        text=(
            f"{norms.name} limb symmetry index {_number(lsi)} % {cutoff.symbol} "
            f"{_number(cutoff.value)} %: {cutoff.meaning} ({cutoff.source.short})"
        ),
        source=cutoff.source,
    )


def interpret(
    code: str,
    value: Decimal,
    person: Person,
    *,
    side: str = "",
    dominant: bool | None = None,
    conditions: Mapping[str, str] | None = None,
    previous: tuple[date, Decimal] | None = None,
    on: date | None = None,
) -> Interpretation:
    """Return where ``value`` stands, the cut-offs it crosses and its change.

    ``value`` is the result in the catalog's unit. An unknown code never raises:
    it gets no norm and says so. A float raises TypeError, as in the catalog.
    """
    if not isinstance(value, Decimal):
        raise TypeError(f"interpret needs a Decimal, not {type(value).__name__}.")
    norms = BY_CODE.get(code)
    if norms is None:
        return Interpretation(None, (), None, NO_NORM)
    if not value.is_finite():
        return Interpretation(None, (), None, "The result is not a number.")
    conditions = conditions or {}
    if person.age is not None and person.age < 0:
        standing, missing = None, "The date of birth is after the date of service."
    else:
        standing, missing = _standing(norms, value, person, side, dominant, conditions)
    return Interpretation(
        standing=standing,
        flags=_flags(norms, value, person, conditions),
        change=_change(norms, value, previous, on),
        missing=missing,
    )


def guides(
    code: str,
    person: Person,
    *,
    side: str = "",
    dominant: bool | None = None,
    conditions: Mapping[str, str] | None = None,
) -> Guides:
    """Return the normal band and the cut-off lines a trend chart draws.

    An unknown code draws nothing; it is read as higher-is-better, the
    direction of most tests, since there is no band to read either way.
    """
    norms = BY_CODE.get(code)
    if norms is None:
        return Guides(None, "", (), higher_is_better=True)
    conditions = conditions or {}
    band, label = None, ""
    found = _row(norms, person, side, dominant, conditions)
    if found is not None:
        table, row = found
        if row.low is not None and row.high is not None:
            band = (row.low, row.high)
            label = (
                f"{_capital(table.range_name)}, {_lower(row.population.label)} "
                f"({table.source.short})"
            )
    lines = [
        (
            cutoff.value,
            f"{cutoff.label} {cutoff.symbol} {_number(cutoff.value)} {norms.unit} "
            f"({cutoff.source.short})",
        )
        for cutoff in norms.cutoffs
        if cutoff.applies(person, conditions)
    ]
    lines.extend(_equation_lines(norms, person, conditions))
    return Guides(band, label, tuple(lines), norms.higher_is_better)


# --- where a result stands ---------------------------------------------------


def _standing(
    norms: NormEntry,
    value: Decimal,
    person: Person,
    side: str,
    dominant: bool | None,
    conditions: Mapping[str, str],
) -> tuple[Standing | None, str]:
    """Return the standing against the norm, or None and why there is none."""
    if norms.equation is not None:
        return _predicted(norms, norms.equation, value, person, conditions)
    if norms.grades:
        return _graded(norms, value), ""
    if not norms.tables:
        return None, norms.no_table_reason or NO_TABLE
    unrecorded = _unrecorded(norms.tables, person, side, dominant, conditions)
    if unrecorded:
        return None, unrecorded
    found = _row(norms, person, side, dominant, conditions)
    if found is None:
        if any(
            row.population.covers_age(person.age)
            for table in norms.tables
            for row in table.rows
        ):
            return None, "No published norm for these test conditions."
        return None, f"No published norm for age {person.age}."
    table, row = found
    return _stand(norms, table, row, value), ""


def _row(
    norms: NormEntry,
    person: Person,
    side: str,
    dominant: bool | None,
    conditions: Mapping[str, str],
) -> tuple[Table, Row] | None:
    """Return the first table row that describes this person, or None."""
    return next(
        (
            (table, row)
            for table in norms.tables
            for row in table.rows
            if row.population.fits(person, side, dominant, conditions)
        ),
        None,
    )


def _unrecorded(
    tables: tuple[Table, ...],
    person: Person,
    side: str,
    dominant: bool | None,
    conditions: Mapping[str, str],
) -> str:
    """Return what the tables split by but the record lacks, or ""."""
    populations = [row.population for table in tables for row in table.rows]
    lacking = []
    if person.age is None and any(p.youngest is not None for p in populations):
        lacking.append("date of birth")
    if person.sex is None and any(p.sex for p in populations):
        lacking.append("sex")
    if side not in ("left", "right") and any(p.side for p in populations):
        lacking.append("side")
    if dominant is None and any(p.dominant is not None for p in populations):
        lacking.append("hand dominance")
    for key in sorted({p.condition[0] for p in populations if p.condition}):
        if not conditions.get(key):
            lacking.append(key.replace("_", " "))
    if not lacking:
        return ""
    listed = " and ".join(
        [", ".join(lacking[:-1]), lacking[-1]] if lacking[:-1] else lacking
    )
    return f"{_capital(listed)} not recorded."


def _stand(norms: NormEntry, table: Table, row: Row, value: Decimal) -> Standing:
    """Return where ``value`` stands in one row of a table."""
    unit = norms.unit
    who = _lower(row.population.label)
    percent = _percent(norms, table, row.centre, value)
    z = None
    if row.centre is not None and row.sd:
        z = ((value - row.centre) / row.sd).quantize(_Z, rounding=ROUND_HALF_UP)
    band = _band(row.low, row.high, value)
    said = []
    if percent is not None:
        if norms.higher_is_better:
            said.append(f"{_number(percent)} % of the {table.centre} for {who}")
        else:
            said.append(
                f"{_number(percent)} % of the {table.centre} for {who} "
                f"({_number(row.centre)} {unit} ÷ {_number(value)} {unit})"
            )
    elif row.centre is not None:
        said.append(_distance(value, row.centre, unit, f"the {table.centre} for {who}"))
    if z is not None:
        said[-1] += f" (z {_signed(z)})"
    if band:
        phrase = f"{_band_word(band, norms.higher_is_better)} the {table.range_name}"
        if not said:
            phrase += f" for {who} ({_range(row.low, row.high, unit)})"
        said.append(phrase)
    return Standing(
        norm=_norm_text(table, row, unit),
        percent=percent,
        z=z,
        band=band,
        text=_capital("; ".join(said)),
        source=table.source,
    )


def _percent(
    norms: NormEntry, table: Table, centre: Decimal | None, value: Decimal
) -> Decimal | None:
    """Return % of the centre, the right way up; None where it means nothing."""
    if centre is None or not table.ratio or centre <= 0 or value < 0:
        return None
    if norms.higher_is_better:
        ratio = value / centre
    elif value == 0:
        return None
    else:
        ratio = centre / value
    return (ratio * 100).quantize(_PERCENT, rounding=ROUND_HALF_UP)


def _band(low: Decimal | None, high: Decimal | None, value: Decimal) -> str:
    if low is None and high is None:
        return ""
    if low is not None and value < low:
        return "below"
    if high is not None and value > high:
        return "above"
    return "within"


def _band_word(band: str, higher_is_better: bool) -> str:
    """Say "below" / "above" as "faster than" / "slower than" for timed tests."""
    if band == "within" or higher_is_better:
        return band
    return "faster than" if band == "below" else "slower than"


def _norm_text(table: Table, row: Row, unit: str) -> str:
    """Write a row as the note prints it: "Women 75–79: mean 21.5 kg (SD 5.1)"."""
    parts = []
    if row.centre is not None:
        part = f"{table.centre} {_number(row.centre)} {unit}"
        if row.sd is not None:
            part += f" (SD {_number(row.sd)})"
        parts.append(part)
    if row.low is not None or row.high is not None:
        parts.append(f"{table.range_name} {_range(row.low, row.high, unit)}")
    return f"{row.population.label}: {', '.join(parts)}"


def _range(low: Decimal | None, high: Decimal | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{_number(low)}–{_number(high)} {unit}"
    if low is not None:
        return f"≥ {_number(low)} {unit}"
    return f"≤ {_number(high)} {unit}"


def _distance(value: Decimal, reference: Decimal, unit: str, what: str) -> str:
    """Say how far ``value`` lies from a reference: "2 in above the median …"."""
    difference = value - reference
    if difference == 0:
        return f"at {what}"
    where = "above" if difference > 0 else "below"
    return f"{_number(abs(difference))} {unit} {where} {what}"


# --- ordinal grades ----------------------------------------------------------------


def _graded(norms: NormEntry, value: Decimal) -> Standing:
    """Say what a grade means, and where a +/− grade lies between two grades."""
    grades = norms.grades
    normal, normal_meaning = grades[-1]
    below = [(grade, meaning) for grade, meaning in grades if grade <= value]
    above = [(grade, meaning) for grade, meaning in grades if grade > value]
    if below and below[-1][0] == value:
        text = f"MRC {_whole(value)}: {below[-1][1]}"
    elif below and above:
        (low, low_meaning), (high, high_meaning) = below[-1], above[0]
        text = (
            f"Between MRC {_whole(low)} ({low_meaning}) and MRC {_whole(high)} "
            f"({high_meaning})"
        )
    else:
        text = f"{_number(value)} is outside the MRC scale"
    source = norms.grades_source
    if source is None:
        raise ValueError(f"{norms.code}: grades need their source.")
    return Standing(
        norm=f"MRC {_whole(normal)}: {normal_meaning}",
        percent=None,
        z=None,
        band="within" if value >= normal else "below",
        text=text,
        source=source,
    )


def _whole(value: Decimal) -> str:
    return _number(value.quantize(_WHOLE))


# --- predictive equations ------------------------------------------------------


def _predicted(
    norms: NormEntry,
    equation: Equation,
    value: Decimal,
    person: Person,
    conditions: Mapping[str, str],
) -> tuple[Standing | None, str]:
    """Return the standing against a reference equation, or why there is none.

    The lower limit of normal is a cut-off of its own (``_lower_limit_flag``),
    cited to its own source, so the standing claims only what the equation says.
    """
    prediction = _prediction(equation, person, conditions)
    if isinstance(prediction, str):
        return None, prediction
    predicted, _lower_limit = prediction
    percent = (value / predicted * 100).quantize(_PERCENT, rounding=ROUND_HALF_UP)
    who = "a woman" if person.sex == FEMALE else "a man"
    return (
        Standing(
            norm=f"Predicted {_number(predicted)} {norms.unit} for {who} aged "
            f"{person.age}",
            percent=percent,
            z=None,
            band="",
            text=f"{_number(percent)} % of predicted",
            source=equation.source,
        ),
        "",
    )


def _lower_limit_flag(
    norms: NormEntry, value: Decimal, person: Person, conditions: Mapping[str, str]
) -> tuple[Flag, ...]:
    """Return the flag of a result below the equation's lower limit of normal."""
    if norms.equation is None:
        return ()
    prediction = _prediction(norms.equation, person, conditions)
    if isinstance(prediction, str) or prediction[1] is None:
        return ()
    lower_limit = prediction[1]
    if value >= lower_limit:
        return ()
    source = _lower_limit_source(norms.equation)
    return (
        Flag(
            text=(
                f"{norms.name} {_number(value)} {norms.unit} < "
                f"{_number(lower_limit)} {norms.unit}: below the lower limit of "
                f"normal ({source.short})"
            ),
            source=source,
        ),
    )


def _lower_limit_source(equation: Equation) -> Source:
    """Return where the lower limit of normal was read (else the equation's)."""
    return equation.lower_limit_source or equation.source


def _prediction(
    equation: Equation, person: Person, conditions: Mapping[str, str]
) -> tuple[Decimal, Decimal | None] | str:
    """Return (predicted, lower limit of normal) in whole units, or why not."""
    if person.age is None or person.sex is None:
        lacking = "Date of birth" if person.age is None else "Sex"
        if person.age is None and person.sex is None:
            lacking = "Date of birth and sex"
        return f"{lacking} not recorded."
    if not equation.youngest <= person.age <= equation.oldest:
        return (
            f"No published norm for age {person.age}: the equation was derived "
            f"from ages {equation.youngest}–{equation.oldest}."
        )
    height, weight = (
        _measure(conditions, "height_cm"),
        _measure(conditions, "weight_kg"),
    )
    if height is None or weight is None:
        return (
            "Height and weight are not recorded with this test; the reference "
            "equation needs both."
        )
    coefficients = equation.for_sex(person.sex)
    if coefficients is None:
        return "Sex not recorded."
    predicted = (
        coefficients.height_cm * height
        + coefficients.weight_kg * weight
        + coefficients.age * person.age
        + coefficients.constant
    ).quantize(_WHOLE, rounding=ROUND_HALF_UP)
    if predicted <= 0:
        return "The equation predicts no distance for this height and weight."
    margin = coefficients.lower_limit_margin
    return predicted, None if margin is None else predicted - margin


def _measure(conditions: Mapping[str, str], key: str) -> Decimal | None:
    """Return a positive number recorded under ``key``, or None."""
    try:
        number = Decimal(conditions.get(key, ""))
    except ArithmeticError:
        return None
    return number if number.is_finite() and number > 0 else None


def _equation_lines(
    norms: NormEntry, person: Person, conditions: Mapping[str, str]
) -> list[tuple[Decimal, str]]:
    """Return the chart lines of a reference equation: predicted, lower limit."""
    if norms.equation is None:
        return []
    prediction = _prediction(norms.equation, person, conditions)
    if isinstance(prediction, str):
        return []
    predicted, lower_limit = prediction
    short = norms.equation.source.short
    lines = [(predicted, f"Predicted {_number(predicted)} {norms.unit} ({short})")]
    if lower_limit is not None:
        limit_short = _lower_limit_source(norms.equation).short
        lines.append(
            (
                lower_limit,
                f"Lower limit of normal {_number(lower_limit)} {norms.unit} "
                f"({limit_short})",
            )
        )
    return lines


# --- cut-offs and change ---------------------------------------------------------


def _flags(
    norms: NormEntry,
    value: Decimal,
    person: Person,
    conditions: Mapping[str, str],
) -> tuple[Flag, ...]:
    """Return every cut-off the result crosses, in clinical words with the source."""
    crossed = tuple(
        Flag(
            text=(
                f"{norms.name} {_number(value)} {norms.unit} {cutoff.symbol} "
                f"{_number(cutoff.value)} {norms.unit}: {cutoff.meaning} "
                f"({cutoff.source.short})"
            ),
            source=cutoff.source,
        )
        for cutoff in norms.cutoffs
        if cutoff.applies(person, conditions) and cutoff.crossed_by(value)
    )
    return crossed + _lower_limit_flag(norms, value, person, conditions)


def _change(
    norms: NormEntry,
    value: Decimal,
    previous: tuple[date, Decimal] | None,
    on: date | None,
) -> Change | None:
    """Return the change since the previous result, judged by the MDC or MCID."""
    if previous is None:
        return None
    then, before = previous
    delta = value - before
    text = f"{_signed(delta)} {norms.unit} since {then.strftime(_DATE)}"
    if on is not None and on > then:
        text += f" ({(on - then).days} days)"
    if delta:
        better = (delta > 0) == norms.higher_is_better
        text += ", better" if better else ", worse"
    threshold = norms.change
    if threshold is None:
        return Change(delta, f"{text}; no published MDC or MCID", None, None)
    size = abs(delta)
    where = "beyond" if size > threshold.value else "within"
    if size == threshold.value:
        where = "equal to"
    text += f"; {where} the {threshold.kind} of {_number(threshold.value)} {norms.unit}"
    if threshold.population:
        text += f" {threshold.population}"
    text += f" ({threshold.source.short})"
    return Change(delta, text, size >= threshold.value, threshold.source)


# --- writing numbers -------------------------------------------------------------


def _number(value: Decimal | None) -> str:
    """Write a Decimal as the source or the clinician typed it ("8.0" stays),
    never in exponent notation, with a real minus sign."""
    if value is None:
        return ""
    text = format(value, "f")
    return _MINUS + text[1:] if text.startswith("-") else text


def _signed(value: Decimal) -> str:
    """Write a change with its sign: "+3", "−1.5", "±0"."""
    if value > 0:
        return "+" + _number(value)
    if value < 0:
        return _number(value)
    return "±0"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _lower(text: str) -> str:
    return text[:1].lower() + text[1:]
