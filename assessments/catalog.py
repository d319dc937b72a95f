"""Catalog of the standardized physical performance tests Perfnote records.

Each entry says how a test is recorded (unit, number of trials, per side or not),
which values are plausible, how many decimals a value may carry and how the trials
reduce to the single result a clinician reports. Sources are DOMAIN.md §6 and the
citations it gives.

The module is plain Python with no Django import (STYLE.md §4 item 4): forms,
services, the PDF note and the billing rules all read it, and it must stay testable
in milliseconds. Rows in the database store only ``CatalogTest.code``, so codes are
never renamed; names, bounds and protocols may be corrected.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CATALOG",
    "CatalogTest",
    "Category",
    "Summary",
    "by_category",
    "choices",
    "get",
]

_CODE_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_EN_DASH = "\N{EN DASH}"
_EM_DASH = "\N{EM DASH}"


class Category(StrEnum):
    """What a test measures; also the order in which groups are shown."""

    STRENGTH = "strength"
    ENDURANCE = "endurance"
    FLEXIBILITY = "flexibility"
    BALANCE = "balance"
    FUNCTION = "function"

    @property
    def label(self) -> str:
        """Return the heading clinicians see for this group."""
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    Category.STRENGTH: "Strength",
    Category.ENDURANCE: "Endurance / mobility",
    Category.FLEXIBILITY: "Flexibility",
    Category.BALANCE: "Balance",
    Category.FUNCTION: "Function",
}


class Summary(StrEnum):
    """How a test's trials reduce to the one result that is reported.

    Most tests report the best trial: a patient cannot do better than they are
    able to, so the best attempt is the truest measure of capacity. "Best" is the
    largest value for distances, counts, forces, angles and hold times, and the
    smallest for timed tasks. The 10-metre walk is the exception: its protocol
    averages the trials (sralab, DOMAIN.md §6.10).
    """

    MAX = "max"
    MIN = "min"
    MEAN = "mean"


@dataclass(frozen=True, kw_only=True)
class CatalogTest:
    """One standardized test and the rules for recording it.

    Fields:
        code: stable slug stored on result rows; never rename it.
        name: what clinicians call the test.
        category: the group the test is listed under.
        unit: the unit as printed next to a value ("kg", "s", "degrees", ...).
        trials: how many trial values the protocol records (per side when
            ``per_side``); fewer may be entered when a patient stops early.
            One unless the protocol says more.
        per_side: whether left and right are recorded separately (not unless said).
        plausible_min, plausible_max: inclusive bounds. A value outside them is a
            typing mistake, not a weak or strong patient, so the bounds are
            generous physiologic limits and never clinical cut-offs.
        decimal_places: the most decimals a value may have; it matches how the
            instrument is read (whole stands, degrees and grades; tenths of a
            kilogram or second; hundredths of a metre per second).
        summary: how ``result`` reduces the trials (see ``Summary``).
        protocol: one sentence on how the test is done, so the note can say it.
        source: short citation for the protocol (DOMAIN.md §6).
        routine_measure: True for goniometric ROM and manual muscle testing. These
            are routine assessment measures; billing flags a 97750 claim whose only
            tests are routine measures (DOMAIN.md §1.1, §6.12, §6.14).
        norms: reserved for the norms issue and empty until then. The intended
            shape is a tuple of norm entries, each a frozen dataclass holding the
            sex (or None when pooled), the age band in whole years (inclusive
            lower and upper bound), the side when the source splits by side, the
            published statistic (mean with 95 % CI, a 25th-75th percentile range
            or a cut-off) in this test's unit, and the source citation. Values are
            added only with a retrieved source; none are invented here.
    """

    code: str
    name: str
    category: Category
    unit: str
    trials: int = 1
    per_side: bool = False
    plausible_min: Decimal = Decimal(0)
    plausible_max: Decimal
    decimal_places: int
    summary: Summary
    protocol: str
    source: str
    routine_measure: bool = False
    norms: tuple[object, ...] = ()

    def __post_init__(self) -> None:
        """Refuse an inconsistent entry, so a catalog typo fails at import."""
        if not _CODE_RE.fullmatch(self.code):
            raise ValueError(f"Catalog code {self.code!r} is not a lowercase slug.")
        if self.trials < 1:
            raise ValueError(f"{self.code}: trials must be at least 1.")
        if self.decimal_places < 0:
            raise ValueError(f"{self.code}: decimal_places must not be negative.")
        for bound in (self.plausible_min, self.plausible_max):
            if not isinstance(bound, Decimal) or not bound.is_finite():
                raise ValueError(f"{self.code}: bounds must be finite Decimals.")
            if not self._has_allowed_places(bound):
                raise ValueError(
                    f"{self.code}: bound {bound} has more than "
                    f"{self.decimal_places} decimal places."
                )
        if self.plausible_min >= self.plausible_max:
            raise ValueError(f"{self.code}: plausible_min must be below plausible_max.")

    @property
    def plausible_range(self) -> str:
        """Return the range as printed in messages: the bounds joined by an en dash.

        A negative lower bound is written "-20 to 20 in" instead, because a dash
        after a minus sign would read as a second minus.
        """
        low = _format(self.plausible_min)
        high = _format(self.plausible_max)
        if self.plausible_min < 0:
            return f"{low} to {high} {self.unit}"
        return f"{low}{_EN_DASH}{high} {self.unit}"

    def check_value(self, value: Decimal) -> str | None:
        """Return None if ``value`` can be stored, else a message for the form.

        The range is checked before the decimals, because a value far out of range
        is the more useful thing to tell the clinician. Trailing zeros are fine
        ("12.50" is 12.5). A float raises TypeError rather than being converted:
        binary floats cannot hold values such as 0.1 exactly.
        """
        if not isinstance(value, Decimal):
            raise TypeError(
                f"check_value needs a Decimal, not {type(value).__name__}: {value!r}"
            )
        if not value.is_finite():
            return f"{self.name}: enter a number."
        if not self.plausible_min <= value <= self.plausible_max:
            return (
                f"{self.name}: {_format(value)} {self.unit} is outside the "
                f"plausible range {self.plausible_range}."
            )
        if not self._has_allowed_places(value):
            return f"{self.name}: {self._places_hint()}."
        return None

    def result(self, trials: Sequence[Decimal]) -> Decimal | None:
        """Return the reported result of one side's trials, or None if there are none.

        "max" and "min" return the best trial unchanged. "mean" is rounded to
        ``decimal_places`` with ROUND_HALF_UP, the rounding clinicians do by hand.
        Values are not range-checked here; call ``check_value`` on each first.
        """
        if not trials:
            return None
        if self.summary is Summary.MAX:
            return max(trials)
        if self.summary is Summary.MIN:
            return min(trials)
        mean = sum(trials, Decimal(0)) / len(trials)
        return mean.quantize(_step(self.decimal_places), rounding=ROUND_HALF_UP)

    def _has_allowed_places(self, value: Decimal) -> bool:
        return value == value.quantize(_step(self.decimal_places))

    def _places_hint(self) -> str:
        if self.decimal_places == 0:
            return "give a whole number"
        plural = "" if self.decimal_places == 1 else "s"
        return f"give at most {self.decimal_places} decimal place{plural}"


def _step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _format(value: Decimal) -> str:
    """Write a Decimal as typed, never in exponent notation ("1E+2")."""
    return format(value, "f")


# Goniometry sources (DOMAIN.md §6.12). Upper limb: Norkin & White Table A.1, the
# larger of the AAOS and AMA values. Lower limb: VA rating schedule plates.
_ROM_UPPER_SOURCE = "Norkin & White, Table A.1 (AAOS/AMA); DOMAIN.md §6.12"
_ROM_LOWER_SOURCE = "38 CFR 4.71 plates (VA normal ROM); DOMAIN.md §6.12"
_ROM_PROTOCOL = (
    "Universal goniometer in the standard position for the joint; record the end of "
    "the available range in degrees."
)
# The upper bound is the normal maximum plus 30 degrees, so hypermobile patients
# are never refused.
_ROM_MARGIN = 30


def _rom(
    joint: str, motion: str, normal_max: int, source: str, minimum: int = 0
) -> CatalogTest:
    """Build one goniometry entry; ``minimum`` < 0 where a deficit is written below 0.

    A hip flexion contracture gives a negative hip extension, an extension lag a
    negative knee extension and an equinus contracture a negative dorsiflexion.
    """
    return CatalogTest(
        code=f"rom_{joint}_{motion.replace(' ', '_')}",
        name=f"Goniometric ROM {_EM_DASH} {joint} {motion}",
        category=Category.FLEXIBILITY,
        unit="degrees",
        trials=1,
        per_side=True,
        plausible_min=Decimal(minimum),
        plausible_max=Decimal(normal_max + _ROM_MARGIN),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=_ROM_PROTOCOL,
        source=source,
        routine_measure=True,
    )


_HOP_SOURCE = "Hop battery for ACLR return to sport (LSI); DOMAIN.md §6.13"


def _hop(
    code: str,
    name: str,
    *,
    protocol: str,
    unit: str = "cm",
    plausible_min: Decimal = Decimal(0),
    plausible_max: Decimal = Decimal(400),
    decimal_places: int = 1,
    summary: Summary = Summary.MAX,
) -> CatalogTest:
    """Build one test of the hop battery: two trials a side, best trial kept."""
    return CatalogTest(
        code=code,
        name=name,
        category=Category.FUNCTION,
        unit=unit,
        trials=2,
        per_side=True,
        plausible_min=plausible_min,
        plausible_max=plausible_max,
        decimal_places=decimal_places,
        summary=summary,
        protocol=protocol,
        source=_HOP_SOURCE,
    )


_ENTRIES = (
    # Strength
    CatalogTest(
        code="grip_dynamometry",
        name="Grip strength (Jamar dynamometer)",
        category=Category.STRENGTH,
        unit="kg",
        trials=3,
        per_side=True,
        plausible_max=Decimal(100),
        decimal_places=1,
        # DOMAIN.md §6.1 notes mean or max of 3 trials by convention; the best
        # trial is reported, as for the other strength tests.
        summary=Summary.MAX,
        protocol=(
            "Jamar dynamometer, handle position 2, seated with shoulder adducted, "
            "elbow at 90 degrees and forearm neutral; three trials per hand."
        ),
        source="Bohannon et al. 2006, Physiotherapy 92:11-15 (ASHT); DOMAIN.md §6.1",
    ),
    CatalogTest(
        code="manual_muscle_test",
        name="Manual muscle test (MRC grade)",
        category=Category.STRENGTH,
        unit="grade",
        per_side=True,
        plausible_max=Decimal(5),
        # Plus/minus sub-grades are used in practice but are not sourced.
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Grade 0 no contraction, 1 trace, 2 movement with gravity eliminated, "
            "3 against gravity, 4 against gravity and resistance, 5 normal power."
        ),
        source="MRC Memorandum 45 (1976); DOMAIN.md §6.14",
        routine_measure=True,
    ),
    CatalogTest(
        code="one_rep_max",
        name="One-repetition maximum (1-RM)",
        category=Category.STRENGTH,
        unit="kg",
        plausible_max=Decimal(500),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Heaviest load lifted once with correct form, tested directly or "
            "predicted from a submaximal set to failure of at most 10 reps with "
            "Brzycki (weight / (1.0278 - 0.0278 x reps)) or Epley "
            "(weight x (1 + 0.0333 x reps))."
        ),
        source="Brzycki; Epley (brianmac.co.uk/maxload.htm); DOMAIN.md §6.15",
    ),
    # Endurance / mobility
    CatalogTest(
        code="chair_stand_30s",
        name="30-second chair stand",
        category=Category.ENDURANCE,
        unit="stands",
        plausible_max=Decimal(60),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Full stands in 30 s from a 17-in (43 cm) chair against a wall, arms "
            "crossed; a stand more than halfway up at 30 s counts."
        ),
        source="Rikli & Jones 1999, J Aging Phys Act 7:160-179; DOMAIN.md §6.2",
    ),
    CatalogTest(
        code="five_times_sit_to_stand",
        name="Five times sit-to-stand (5xSTS)",
        category=Category.ENDURANCE,
        unit="s",
        plausible_min=Decimal(2),
        plausible_max=Decimal(120),
        decimal_places=1,
        summary=Summary.MIN,
        protocol=(
            "From a 43-45 cm chair with arms folded, time from 'Go' until the "
            "buttocks touch after the fifth stand; using the arms fails the test."
        ),
        source="sralab; Bohannon 2006, Percept Mot Skills 103:215; DOMAIN.md §6.3",
    ),
    CatalogTest(
        code="six_minute_walk",
        name="6-minute walk test (6MWT)",
        category=Category.ENDURANCE,
        unit="m",
        plausible_max=Decimal(1000),
        decimal_places=0,
        summary=Summary.MAX,
        protocol="Metres walked in 6 minutes at the patient's own pace.",
        source="Enright & Sherrill 1998 (ERS/ATS); DOMAIN.md §6.8",
    ),
    CatalogTest(
        code="two_minute_step",
        name="2-minute step test",
        category=Category.ENDURANCE,
        unit="steps",
        plausible_max=Decimal(250),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Step in place for 2 minutes; count the times the right knee reaches "
            "the target midway between patella and iliac crest."
        ),
        source="Jones & Rikli 2002; Rikli & Jones 2013; DOMAIN.md §6.9",
    ),
    CatalogTest(
        code="ten_metre_walk",
        name="10-metre walk test (gait speed)",
        category=Category.ENDURANCE,
        unit="m/s",
        trials=2,
        plausible_min=Decimal("0.05"),
        plausible_max=Decimal("3.00"),
        decimal_places=2,
        summary=Summary.MEAN,
        protocol=(
            "Walk 10 m with acceleration and deceleration zones, timing the middle "
            "section; two trials at comfortable speed, averaged."
        ),
        source="sralab 10 Meter Walk Test; Bohannon 1997, Age Ageing 26:15; "
        "DOMAIN.md §6.10",
    ),
    # Flexibility
    _rom("shoulder", "flexion", 180, _ROM_UPPER_SOURCE),
    _rom("shoulder", "extension", 60, _ROM_UPPER_SOURCE),
    _rom("shoulder", "abduction", 180, _ROM_UPPER_SOURCE),
    # AAOS 70 / AMA >= 80 / VA 90: the largest normal is used.
    _rom("shoulder", "internal rotation", 90, _ROM_UPPER_SOURCE),
    _rom("shoulder", "external rotation", 90, _ROM_UPPER_SOURCE),
    _rom("elbow", "flexion", 150, _ROM_UPPER_SOURCE),
    _rom("forearm", "pronation", 80, _ROM_UPPER_SOURCE),
    _rom("forearm", "supination", 80, _ROM_UPPER_SOURCE),
    _rom("wrist", "flexion", 80, _ROM_UPPER_SOURCE),
    _rom("wrist", "extension", 70, _ROM_UPPER_SOURCE),
    _rom("wrist", "radial deviation", 20, _ROM_UPPER_SOURCE),
    _rom("wrist", "ulnar deviation", 30, _ROM_UPPER_SOURCE),
    _rom("hip", "flexion", 125, _ROM_LOWER_SOURCE),
    _rom("hip", "extension", 30, _ROM_LOWER_SOURCE, minimum=-30),
    _rom("hip", "abduction", 45, _ROM_LOWER_SOURCE),
    _rom("hip", "adduction", 25, _ROM_LOWER_SOURCE),
    _rom("hip", "internal rotation", 40, _ROM_LOWER_SOURCE),
    _rom("hip", "external rotation", 60, _ROM_LOWER_SOURCE),
    _rom("knee", "flexion", 140, _ROM_LOWER_SOURCE),
    # Normal is 0; up to 20 degrees of hyperextension, down to a 30-degree lag.
    CatalogTest(
        code="rom_knee_extension",
        name=f"Goniometric ROM {_EM_DASH} knee extension",
        category=Category.FLEXIBILITY,
        unit="degrees",
        per_side=True,
        plausible_min=Decimal(-30),
        plausible_max=Decimal(20),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=_ROM_PROTOCOL,
        source=_ROM_LOWER_SOURCE,
        routine_measure=True,
    ),
    _rom("ankle", "dorsiflexion", 20, _ROM_LOWER_SOURCE, minimum=-30),
    _rom("ankle", "plantarflexion", 45, _ROM_LOWER_SOURCE),
    CatalogTest(
        code="chair_sit_and_reach",
        name="Chair sit-and-reach",
        category=Category.FLEXIBILITY,
        unit="in",
        trials=2,
        # The side is the extended leg.
        per_side=True,
        plausible_min=Decimal(-20),
        plausible_max=Decimal(20),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Seated on a 17-in chair with one leg extended, heel down and ankle at "
            "90 degrees, reach toward the toes and hold 2 s; inches beyond (+) or "
            "short of (-) the toes."
        ),
        source="Rikli & Jones 1999 (Senior Fitness Test); DOMAIN.md §6.11",
    ),
    CatalogTest(
        code="back_scratch",
        name="Back scratch test",
        category=Category.FLEXIBILITY,
        unit="in",
        trials=2,
        # The side is the hand reaching over the shoulder.
        per_side=True,
        plausible_min=Decimal(-30),
        plausible_max=Decimal(15),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "One hand reaches over the shoulder and the other up the back; inches "
            "of fingertip overlap (+) or gap (-)."
        ),
        source="Rikli & Jones 1999 (Senior Fitness Test); DOMAIN.md §6.11",
    ),
    # Balance
    CatalogTest(
        code="timed_up_and_go",
        name="Timed Up and Go (TUG)",
        category=Category.BALANCE,
        unit="s",
        plausible_min=Decimal(1),
        plausible_max=Decimal(300),
        decimal_places=1,
        summary=Summary.MIN,
        protocol=(
            "Stand from an arm chair, walk 3 m (10 ft) at normal pace, turn, return "
            "and sit; usual footwear and walking aid allowed."
        ),
        source="CDC STEADI; Shumway-Cook 2000; DOMAIN.md §6.4",
    ),
    CatalogTest(
        code="berg_balance_scale",
        name="Berg Balance Scale",
        category=Category.BALANCE,
        unit="points",
        plausible_max=Decimal(56),
        decimal_places=0,
        summary=Summary.MAX,
        protocol="Fourteen static and dynamic balance items, each scored 0-4.",
        source="Berg 1992; DOMAIN.md §6.5",
    ),
    CatalogTest(
        code="single_leg_stance",
        name="Single-leg stance (eyes open)",
        category=Category.BALANCE,
        unit="s",
        trials=3,
        per_side=True,
        plausible_max=Decimal(300),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Stand unsupported on one leg with eyes open; time in seconds until "
            "balance is lost; up to three trials."
        ),
        source="Bohannon 2006 meta-analysis; DOMAIN.md §6.6",
    ),
    CatalogTest(
        code="functional_reach",
        name="Functional reach test",
        category=Category.BALANCE,
        unit="in",
        trials=3,
        plausible_max=Decimal(25),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Arm flexed to 90 degrees with a fist, reach forward along a yardstick "
            "at acromion height without stepping; inches moved by the third "
            "metacarpal."
        ),
        source="Duncan et al. 1990; DOMAIN.md §6.7",
    ),
    # Function: hop battery after ACL reconstruction (DOMAIN.md §6.13).
    _hop(
        "single_hop_distance",
        "Single-leg hop for distance",
        protocol="One maximal hop forward, landing on the same leg; centimetres.",
    ),
    # Triple and crossover hops cover three hops, so healthy adults pass 400 cm;
    # 1000 cm is the generous bound for them.
    _hop(
        "triple_hop_distance",
        "Triple hop for distance",
        plausible_max=Decimal(1000),
        protocol="Three consecutive maximal hops forward on the same leg; centimetres.",
    ),
    _hop(
        "crossover_hop_distance",
        "Crossover hop for distance",
        plausible_max=Decimal(1000),
        protocol=(
            "Three consecutive maximal hops on the same leg, crossing a line on "
            "each hop; centimetres."
        ),
    ),
    # Hundredths: times are near 2 s, so tenths would move the limb symmetry
    # index by about 5 %, half the margin of the 90 % criterion.
    _hop(
        "timed_hop_6m",
        "6-metre timed hop",
        unit="s",
        plausible_min=Decimal("0.5"),
        plausible_max=Decimal(20),
        decimal_places=2,
        summary=Summary.MIN,
        protocol="Hop 6 m on one leg as fast as possible; seconds.",
    ),
)


def _natural_key(text: str) -> list[str | int]:
    """Sort "2-minute" before "10-metre", as a person would."""
    return [
        int(part) if part.isdigit() else part.casefold()
        for part in re.split(r"(\d+)", text)
    ]


def _build(entries: Sequence[CatalogTest]) -> Mapping[str, CatalogTest]:
    """Index entries by code, in display order, refusing duplicate codes."""
    category_order = list(Category)
    ordered = sorted(
        entries,
        key=lambda t: (category_order.index(t.category), _natural_key(t.name)),
    )
    catalog: dict[str, CatalogTest] = {}
    for entry in ordered:
        if entry.code in catalog:
            raise ValueError(f"Duplicate catalog code {entry.code!r}.")
        catalog[entry.code] = entry
    return MappingProxyType(catalog)


CATALOG: Mapping[str, CatalogTest] = _build(_ENTRIES)
"""Every test by code, read-only, by category and then by name."""


def get(code: str) -> CatalogTest:
    """Return the test stored under ``code``.

    Raises KeyError with a readable message, since an unknown code means a stored
    row or a form refers to a test that is not (or no longer) in the catalog.
    """
    try:
        return CATALOG[code]
    except KeyError:
        raise KeyError(
            f"Unknown test code {code!r}: it is not in the Perfnote test catalog."
        ) from None


def by_category() -> dict[Category, tuple[CatalogTest, ...]]:
    """Return the tests of each category in display order; every category is a key."""
    return {
        category: tuple(t for t in CATALOG.values() if t.category is category)
        for category in Category
    }


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return Django-style grouped choices: [(category label, [(code, name)])].

    A form field can take this directly, so the catalog needs no Django import.
    """
    return [
        (category.label, [(t.code, t.name) for t in tests])
        for category, tests in by_category().items()
        if tests
    ]


def script_data() -> dict[str, dict[str, object]]:
    """Return what the session form's script needs to label trial fields, by code."""
    return {
        test.code: {
            "name": test.name,
            "unit": test.unit,
            "trials": test.trials,
            "per_side": test.per_side,
            "min": str(test.plausible_min),
            "max": str(test.plausible_max),
            "routine_measure": test.routine_measure,
        }
        for test in CATALOG.values()
    }
