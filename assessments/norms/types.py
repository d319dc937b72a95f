"""What the norms package answers: plain frozen dataclasses of Decimals and text.

These are the package's public types; the pages, the charts and the
sealed note read them and never the tables behind them, so a table can be
corrected without touching a template.
"""

from dataclasses import dataclass
from decimal import Decimal

FEMALE = "female"
MALE = "male"


@dataclass(frozen=True)
class Person:
    """Who a result is compared with: age in whole years on the date of service.

    ``sex`` is "female" or "male"; anything else (other, unknown, blank) is
    None, because every published table here splits women and men and a norm
    of the wrong one would mislead.
    """

    age: int | None
    sex: str | None

    def __post_init__(self) -> None:
        """Keep only the two values the tables are split by."""
        if self.sex not in (FEMALE, MALE):
            object.__setattr__(self, "sex", None)


@dataclass(frozen=True)
class Source:
    """A published source, numbered for "[3]" in the note's references."""

    number: int
    citation: str
    confirmed: bool
    # "Shumway-Cook 2000": how a chart label or a flag names the source.
    short: str = ""


@dataclass(frozen=True)
class Standing:
    """Where one result stands against the population norm."""

    norm: str
    percent: Decimal | None
    z: Decimal | None
    band: str
    text: str
    source: Source


@dataclass(frozen=True)
class Flag:
    """A published cut-off the result crosses, in clinical words."""

    text: str
    source: Source


@dataclass(frozen=True)
class Change:
    """The change since the previous result on the same test and side."""

    delta: Decimal
    text: str
    meaningful: bool | None
    source: Source | None


@dataclass(frozen=True)
class Interpretation:
    """Everything the norms say about one result, and why a part is missing."""

    standing: Standing | None
    flags: tuple[Flag, ...]
    change: Change | None
    missing: str

    @property
    def sources(self) -> tuple[Source, ...]:
        """Return every source cited above, once each, by number."""
        cited = [flag.source for flag in self.flags]
        if self.standing is not None:
            cited.append(self.standing.source)
        if self.change is not None and self.change.source is not None:
            cited.append(self.change.source)
        unique = {source.number: source for source in cited}
        return tuple(unique[number] for number in sorted(unique))


@dataclass(frozen=True)
class Guides:
    """What a trend chart draws for this person: the normal band and cut-off lines."""

    band: tuple[Decimal, Decimal] | None
    band_label: str
    cutoffs: tuple[tuple[Decimal, str], ...]
    higher_is_better: bool
