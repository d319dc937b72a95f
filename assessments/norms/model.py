"""How a published norm is written down: populations, tables, cut-offs, thresholds.

Each catalog test with a norm has one ``NormEntry``: the tables of reference
values (each row keyed by the population it describes), a predictive equation
where the source gives one, the cut-offs a result may cross and the smallest
change that is more than measurement error (MDC) or matters to patients (MCID).
Every value is a Decimal typed as the source prints it, converted to the
catalog's unit where the source uses another, and every table names its source.
"""

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from .types import FEMALE, MALE, Person, Source

# A cut-off is crossed when the result compares with it this way.
OPERATORS = MappingProxyType(
    {"<": operator.lt, "<=": operator.le, ">=": operator.ge, ">": operator.gt}
)
SYMBOLS = MappingProxyType({"<": "<", "<=": "≤", ">=": "≥", ">": ">"})


@dataclass(frozen=True)
class Population:
    """Who a row describes: an age band (inclusive), and sex, side or a condition
    where the source splits by them; None or "" means the source does not."""

    youngest: int | None  # None: the source gives one value for every adult age
    oldest: int | None = None  # None: "and older", as the source's top band
    sex: str | None = None
    side: str = ""
    dominant: bool | None = None
    condition: tuple[str, str] | None = None  # e.g. ("pace", "Comfortable")

    def covers_age(self, age: int | None) -> bool:
        """Return whether ``age`` (whole years) falls in the band."""
        if self.youngest is None:
            return True
        return (
            age is not None
            and self.youngest <= age
            and (self.oldest is None or age <= self.oldest)
        )

    def fits(
        self,
        person: Person,
        side: str,
        dominant: bool | None,
        conditions: Mapping[str, str],
    ) -> bool:
        """Return whether the person and the result belong to this row."""
        return (
            self.covers_age(person.age)
            and (self.sex is None or self.sex == person.sex)
            and (not self.side or self.side == side)
            and (self.dominant is None or self.dominant is dominant)
            and (
                self.condition is None
                or conditions.get(self.condition[0]) == self.condition[1]
            )
        )

    @property
    def ages(self) -> str:
        """Write the band as the source does: "75–79", "70+" ("" for any age)."""
        if self.youngest is None:
            return ""
        if self.oldest is None:
            return f"{self.youngest}+"
        return f"{self.youngest}–{self.oldest}"

    @property
    def label(self) -> str:
        """Write the population: "Women 75–79", "Adults 60–69, dominant hand"."""
        who = {FEMALE: "Women", MALE: "Men"}.get(self.sex or "", "Adults")
        text = f"{who} {self.ages}".rstrip()
        if self.dominant is not None:
            text += ", dominant hand" if self.dominant else ", non-dominant hand"
        if self.side:
            text += f", {self.side} side"
        if self.condition is not None:
            text += f", {self.condition[1].lower()} {self.condition[0]}"
        return text


@dataclass(frozen=True)
class Row:
    """One population's reference values, as the source gives them.

    ``centre`` is the mean, the median or a single normal value (see
    ``Table.centre``); ``sd`` where the source gives a standard deviation;
    ``low``/``high`` the range the table calls normal (a percentile range, a
    confidence interval), either of which may be open.
    """

    population: Population
    centre: Decimal | None = None
    sd: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None


@dataclass(frozen=True)
class Table:
    """The rows of one published table and how to read them."""

    source: Source
    rows: tuple[Row, ...]
    centre: str = "mean"  # "mean", "median" or "normal value"
    range_name: str = "normal range"  # what low-high is: "95 % CI of the mean"
    # False where a % of the centre means nothing (signed measures such as
    # sit-and-reach, where 0 is the toes).
    ratio: bool = True


@dataclass(frozen=True)
class Cutoff:
    """A published threshold, and what crossing it means."""

    value: Decimal
    operator: str  # a key of OPERATORS
    meaning: str  # "higher fall risk"
    label: str  # what a chart line says: "Fall risk"
    source: Source
    sex: str | None = None  # where the source gives one per sex
    condition: tuple[str, str] | None = None  # e.g. ("pace", "Comfortable")
    ages: tuple[int, int] | None = None  # where the source gives one per age band

    def __post_init__(self) -> None:
        """Refuse an unknown comparison at import rather than at a patient."""
        if self.operator not in OPERATORS:
            raise ValueError(f"Unknown cut-off operator {self.operator!r}.")

    def applies(self, person: Person, conditions: Mapping[str, str]) -> bool:
        """Return whether the cut-off was published for this person and conditions.

        A cut-off given per sex, age band or pace is never applied when the
        sex, the age or the pace is not recorded.
        """
        return (
            (self.sex is None or self.sex == person.sex)
            and (
                self.condition is None
                or conditions.get(self.condition[0]) == self.condition[1]
            )
            and (
                self.ages is None
                or (
                    person.age is not None
                    and self.ages[0] <= person.age <= self.ages[1]
                )
            )
        )

    def crossed_by(self, value: Decimal) -> bool:
        """Return whether ``value`` is on the far side of the cut-off."""
        return OPERATORS[self.operator](value, self.value)

    @property
    def symbol(self) -> str:
        """Return the comparison as printed: "≥"."""
        return SYMBOLS[self.operator]


@dataclass(frozen=True)
class Threshold:
    """The smallest change that counts: an MDC or an MCID, with its population."""

    kind: str  # "MDC" or "MCID"
    value: Decimal
    source: Source
    population: str = ""  # "in knee osteoarthritis"


@dataclass(frozen=True)
class Coefficients:
    """One sex's predictive equation: a x height + b x weight + c x age + d."""

    sex: str
    height_cm: Decimal
    weight_kg: Decimal
    age: Decimal
    constant: Decimal
    # Subtracted from the prediction: the lower limit of normal.
    lower_limit_margin: Decimal | None = None


@dataclass(frozen=True)
class Equation:
    """A reference equation and the ages of the sample it was derived from."""

    source: Source
    youngest: int
    oldest: int
    by_sex: tuple[Coefficients, ...]
    # Where the lower limit of normal (prediction minus a margin) comes from,
    # if it was read elsewhere or checked less well than the equation.
    lower_limit_source: Source | None = None

    def for_sex(self, sex: str | None) -> Coefficients | None:
        """Return the coefficients for ``sex``, or None when it is unknown."""
        return next((c for c in self.by_sex if c.sex == sex), None)


@dataclass(frozen=True)
class NormEntry:
    """Everything Perfnote knows about one catalog test's norms.

    ``name`` is the short name a flag starts with ("TUG"); ``unit`` is the
    catalog's unit, which every value here is in; ``higher_is_better`` is
    False for timed tests, so % of norm, bands and change read the right way.
    """

    code: str
    name: str
    unit: str
    higher_is_better: bool
    tables: tuple[Table, ...] = ()
    equation: Equation | None = None
    cutoffs: tuple[Cutoff, ...] = ()
    change: Threshold | None = None
    # Why a result has no population norm (shown as Interpretation.missing).
    no_table_reason: str = ""
    # The limb symmetry index (%) below which the source calls the side
    # deficient; the LSI itself is catalog.limb_symmetry.
    symmetry: Cutoff | None = None
    # Ordinal grades and what each means (manual muscle testing), lowest first;
    # the last is the normal grade.
    grades: tuple[tuple[Decimal, str], ...] = ()
    grades_source: Source | None = None


def sex_ranges(
    rows: tuple[tuple[int, int, str, str, str, str], ...],
) -> tuple[Row, ...]:
    """Build rows from (youngest, oldest, women low, high, men low, high).

    The Senior Fitness Test tables print a normal range per sex and 5-year band.
    """
    return tuple(
        Row(Population(youngest, oldest, sex=sex), low=Decimal(low), high=Decimal(high))
        for youngest, oldest, women_low, women_high, men_low, men_high in rows
        for sex, low, high in (
            (FEMALE, women_low, women_high),
            (MALE, men_low, men_high),
        )
    )


def sex_centres(rows: tuple[tuple[int, int, str, str], ...]) -> tuple[Row, ...]:
    """Build rows from (youngest, oldest, women's value, men's value)."""
    return tuple(
        Row(Population(youngest, oldest, sex=sex), centre=Decimal(value))
        for youngest, oldest, women, men in rows
        for sex, value in ((FEMALE, women), (MALE, men))
    )
