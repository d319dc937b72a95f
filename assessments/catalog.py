"""Catalog of the standardized physical performance tests Perfnote records.

Each entry says how a test is recorded (unit, number of trials, per side or not,
practice trials, the items of a composite scale, the conditions the protocol
names), which values are plausible, how many decimals a value may carry and how
the trials reduce to the single result a clinician reports. Every entry cites
the published protocol it follows; the citation is printed on the note.

The module is plain Python with no Django import (STYLE.md §4 item 4): forms,
services, the PDF note and the billing rules all read it, and it must stay testable
in milliseconds. Rows in the database store only ``CatalogTest.code``, so codes are
never renamed; names, bounds and protocols may be corrected. A correction of how
trials are summarised applies only to results recorded after it: each row stores
the ``RULES_VERSION`` it was recorded under, and ``CatalogTest.summary_for`` gives
the rule of that version, so a stored result reads back as it was reported.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CATALOG",
    "RULES_VERSION",
    "CatalogTest",
    "Category",
    "Condition",
    "Derivation",
    "Item",
    "Summary",
    "by_category",
    "choices",
    "get",
    "limb_symmetry",
]

_CODE_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_EN_DASH = "\N{EN DASH}"
_EM_DASH = "\N{EM DASH}"
_MINUS = "\N{MINUS SIGN}"

RULES_VERSION = 2
"""The scoring rules new results are recorded under.

1: every result stored before the protocol review of December 2026 (functional
reach and grip reported the best trial). 2: the review's corrections.
"""


class Category(StrEnum):
    """What a test measures; also the order in which groups are shown."""

    STRENGTH = "strength"
    ENDURANCE = "endurance"
    FLEXIBILITY = "flexibility"
    BALANCE = "balance"
    FUNCTION = "function"
    DEXTERITY = "dexterity"

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
    Category.DEXTERITY: "Dexterity",
}


class Summary(StrEnum):
    """How a test's trials reduce to the one result that is reported.

    Where the protocol averages trials (functional reach, grip and pinch with
    their norms, gait speed, the nine-hole peg test) the mean is reported, so a
    result compares with the published norms. Otherwise the best trial is
    reported: the largest value for distances, counts, forces, angles and hold
    times, the smallest for timed tasks.
    """

    MAX = "max"
    MIN = "min"
    MEAN = "mean"


class Derivation(StrEnum):
    """How a stored trial value is computed from what the clinician typed.

    SPEED: the typed value is a time in seconds; the trial is the condition
    ``distance_m`` divided by it (gait speed is computed, never typed).
    ONE_RM: the typed value is the load lifted; a direct test stores it, a
    prediction from ``reps`` applies Brzycki or Epley (condition ``method``).
    COMPOSITE: one value is typed per part (the Y-balance reaches); the trial is
    their sum over (parts x condition ``limb_length_cm``) x 100.
    """

    SPEED = "speed"
    ONE_RM = "one_rm"
    COMPOSITE = "composite"


@dataclass(frozen=True, kw_only=True)
class Item:
    """One item of a composite scale: its wording and its highest score (lowest 0)."""

    text: str
    max_score: int


@dataclass(frozen=True, kw_only=True)
class Condition:
    """One condition the protocol names: a choice, a bounded number or free text.

    With ``choices`` the value must be one of them; with ``maximum`` it must be
    a number from ``minimum`` to ``maximum`` with at most ``decimal_places``;
    otherwise it is free text. ``required`` conditions must be given.
    """

    key: str
    label: str
    choices: tuple[str, ...] = ()
    unit: str = ""
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None
    decimal_places: int = 0
    required: bool = False

    @property
    def kind(self) -> str:
        """Return "choice", "number" or "text": how the form asks for it."""
        if self.choices:
            return "choice"
        return "text" if self.maximum is None else "number"

    def check(self, value: str) -> str | None:
        """Return None if ``value`` can be stored, else a message for its field."""
        if self.choices:
            if value not in self.choices:
                return f"{self.label}: choose one of {', '.join(self.choices)}."
            return None
        if self.maximum is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            return f"{self.label}: enter a number."
        if not number.is_finite() or not self.minimum <= number <= self.maximum:
            return (
                f"{self.label}: {value} is outside the plausible range "
                f"{_format(self.minimum)}{_EN_DASH}{_format(self.maximum)}"
                f"{' ' + self.unit if self.unit else ''}."
            )
        if number != number.quantize(_step(self.decimal_places)):
            return f"{self.label}: {_places_hint(self.decimal_places)}."
        return None


@dataclass(frozen=True, kw_only=True)
class Entered:
    """What is typed per trial when the stored value is computed (``Derivation``)."""

    label: str
    unit: str
    minimum: Decimal
    maximum: Decimal
    decimal_places: int
    derivation: Derivation
    # For COMPOSITE: what each typed value is, in order; one trial per side.
    parts: tuple[str, ...] = ()


# Manual muscle test grades, weakest first, with the value each is ranked by.
# A minus or plus grade sits a third of the way to the next whole grade, so a
# stored "4" (recorded before sub-grades) keeps its value and rank.
_GRADES = (
    ("0", Decimal(0)),
    ("1", Decimal(1)),
    ("1+", Decimal("1.3")),
    ("2-", Decimal("1.7")),
    ("2", Decimal(2)),
    ("2+", Decimal("2.3")),
    ("3-", Decimal("2.7")),
    ("3", Decimal(3)),
    ("3+", Decimal("3.3")),
    ("4-", Decimal("3.7")),
    ("4", Decimal(4)),
    ("4+", Decimal("4.3")),
    ("5-", Decimal("4.7")),
    ("5", Decimal(5)),
)


@dataclass(frozen=True, kw_only=True)
class CatalogTest:
    """One standardized test and the rules for recording it.

    Fields:
        code: stable slug stored on result rows; never rename it.
        name: what clinicians call the test.
        abbreviation: the short name clinicians search by ("TUG"), or "".
        category: the group the test is listed under.
        unit: the unit as printed next to a value ("kg", "s", "degrees", ...).
        trials: how many trial values the protocol records (per side when
            ``per_side``); fewer may be entered when a patient stops early.
        practice_trials: trials the protocol does first and does not record.
        per_side: whether left and right are recorded separately.
        plausible_min, plausible_max: inclusive bounds. A value outside them is a
            typing mistake, not a weak or strong patient, so the bounds are
            generous physiologic limits and never clinical cut-offs.
        decimal_places: the most decimals a value may have; it matches how the
            instrument is read.
        summary: how ``result`` reduces the trials (see ``Summary``).
        earlier_summaries: (rules version, summary) for versions before
            ``RULES_VERSION`` whose rule differed; see ``summary_for``.
        protocol: one sentence on how the test is done, so the note can say it.
        source: the published protocol, printed on the note.
        routine_measure: True for goniometric ROM and manual muscle testing:
            routine assessment measures (WPS A53309), flagged by billing.
        items: the items of a composite scale, scored one by one; the trial is
            their total, computed, never typed.
        conditions: what the protocol says to record with the result.
        entered: what is typed when the trial value is computed from it.
        grades: ordinal grades typed instead of numbers (manual muscle test).
        limb_symmetry: per-side tests whose limb symmetry index is computed.
        norms: reserved for the norms issue and empty until then.
    """

    code: str
    name: str
    abbreviation: str = ""
    category: Category
    unit: str
    trials: int = 1
    practice_trials: int = 0
    per_side: bool = False
    plausible_min: Decimal = Decimal(0)
    plausible_max: Decimal
    decimal_places: int
    summary: Summary
    earlier_summaries: tuple[tuple[int, Summary], ...] = ()
    protocol: str
    source: str
    routine_measure: bool = False
    items: tuple[Item, ...] = ()
    conditions: tuple[Condition, ...] = ()
    entered: Entered | None = None
    grades: bool = False
    limb_symmetry: bool = False
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
        if self.items and sum(i.max_score for i in self.items) != self.plausible_max:
            raise ValueError(f"{self.code}: the items must add up to plausible_max.")
        if self.limb_symmetry and not self.per_side:
            raise ValueError(f"{self.code}: a limb symmetry index needs two sides.")
        keys = [condition.key for condition in self.conditions]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{self.code}: a condition key is listed twice.")

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

    def for_conditions(self, conditions: Mapping[str, str]) -> "CatalogTest":
        """Return the entry as recorded under ``conditions``: loads in pounds
        when the load unit is lb, so ranges and the printed unit follow it."""
        if conditions.get("load_unit") != "lb":
            return self
        return replace(
            self,
            unit="lb",
            plausible_max=_to_pounds(self.plausible_max, self.decimal_places),
            entered=self.entered
            and replace(
                self.entered,
                unit="lb",
                maximum=_to_pounds(self.entered.maximum, self.entered.decimal_places),
            ),
        )

    def condition(self, key: str) -> Condition | None:
        """Return the condition stored under ``key``, or None if the test has none."""
        return next((c for c in self.conditions if c.key == key), None)

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
            return f"{self.name}: {_places_hint(self.decimal_places)}."
        return None

    def check_text(self, text: str) -> str | None:
        """Check a stored trial string: a grade for graded tests, else a number."""
        if self.grades:
            if grade_label(text) is None:
                return (
                    f"{self.name}: {text} is not a grade; use 0{_EN_DASH}5, "
                    f"with + or {_MINUS} (e.g. 4{_MINUS}, 3+)."
                )
            return None
        try:
            return self.check_value(Decimal(text))
        except InvalidOperation:
            return f"{self.name}: enter a number."

    def value_of(self, text: str) -> Decimal:
        """Return the number a stored trial string stands for (a grade's rank)."""
        if self.grades:
            label = grade_label(text)
            return dict(_GRADES)[label] if label is not None else Decimal(text)
        return Decimal(text)

    def display(self, value: Decimal) -> str:
        """Write a result as the note prints it: a grade for graded tests."""
        if self.grades:
            for label, rank in _GRADES:
                if rank == value:
                    return label.replace("-", _MINUS)
        return _format(value)

    def summary_for(self, rules_version: int = RULES_VERSION) -> Summary:
        """Return the summary rule results recorded under ``rules_version`` used."""
        for version, summary in self.earlier_summaries:
            if rules_version <= version:
                return summary
        return self.summary

    def result(
        self, trials: Sequence[Decimal], rules_version: int = RULES_VERSION
    ) -> Decimal | None:
        """Return the reported result of one side's trials, or None if there are none.

        "max" and "min" return the best trial unchanged. "mean" is rounded to
        ``decimal_places`` with ROUND_HALF_UP, the rounding clinicians do by hand.
        Values are not range-checked here; call ``check_value`` on each first.
        """
        if not trials:
            return None
        summary = self.summary_for(rules_version)
        if summary is Summary.MAX:
            return max(trials)
        if summary is Summary.MIN:
            return min(trials)
        mean = sum(trials, Decimal(0)) / len(trials)
        return mean.quantize(_step(self.decimal_places), rounding=ROUND_HALF_UP)

    def item_total(self, scores: Sequence[int]) -> Decimal:
        """Return a composite scale's total: the sum of its item scores."""
        return Decimal(sum(scores))

    def derive(self, typed: Decimal, conditions: Mapping[str, str]) -> Decimal:
        """Return the trial value computed from a typed value (see ``Derivation``).

        The conditions must already be checked; the result is rounded half up
        to ``decimal_places``.
        """
        if self.entered is None:
            return typed
        if self.entered.derivation is Derivation.SPEED:
            value = Decimal(conditions["distance_m"]) / typed
        else:
            value = _one_rm(typed, conditions)
        return value.quantize(_step(self.decimal_places), rounding=ROUND_HALF_UP)

    def combine(
        self, parts: Sequence[Decimal], conditions: Mapping[str, str]
    ) -> Decimal:
        """Return a composite score: the parts' sum over (parts x limb length) x 100.

        Plisky et al. 2009: the Y-balance composite normalises the three
        reaches to the limb length, so limbs of different length compare.
        """
        length = Decimal(conditions["limb_length_cm"]) * len(parts)
        value = sum(parts, Decimal(0)) / length * 100
        return value.quantize(_step(self.decimal_places), rounding=ROUND_HALF_UP)

    def _has_allowed_places(self, value: Decimal) -> bool:
        return value == value.quantize(_step(self.decimal_places))


def _one_rm(load: Decimal, conditions: Mapping[str, str]) -> Decimal:
    """Brzycki: load / (1.0278 - 0.0278 x reps); Epley: load x (1 + 0.0333 x reps)."""
    method = conditions.get("method", "")
    if method == BRZYCKI:
        reps = Decimal(conditions["reps"])
        return load / (Decimal("1.0278") - Decimal("0.0278") * reps)
    if method == EPLEY:
        reps = Decimal(conditions["reps"])
        return load * (1 + Decimal("0.0333") * reps)
    return load


def grade_label(text: str) -> str | None:
    """Return a muscle grade as stored ("4-"), or None if ``text`` is no grade.

    The minus sign, en dash and hyphen are all read as minus; "4.0" is "4".
    """
    cleaned = text.strip().replace(_MINUS, "-").replace(_EN_DASH, "-")
    if cleaned in dict(_GRADES):
        return cleaned
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return next(
        (label for label, rank in _GRADES if rank == number and label.isdigit()),
        None,
    )


def limb_symmetry(
    test: CatalogTest, results: Mapping[str, Decimal | None], involved: str
) -> Decimal | None:
    """Return the limb symmetry index in percent, to one decimal, or None.

    Distances and forces: involved ÷ uninvolved × 100; timed tests (the faster
    the better): uninvolved ÷ involved × 100, so a slower involved limb is
    below 100 % either way (Noyes et al. 1991; Reid et al. 2007).
    """
    other = {"left": "right", "right": "left"}.get(involved)
    if not test.limb_symmetry or other is None:
        return None
    mine, theirs = results.get(involved), results.get(other)
    if not mine or not theirs:
        return None
    ratio = theirs / mine if test.summary is Summary.MIN else mine / theirs
    return (ratio * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


_POUND = Decimal("0.45359237")


def _to_pounds(kilograms: Decimal, places: int) -> Decimal:
    return (kilograms / _POUND).quantize(_step(places), rounding=ROUND_HALF_UP)


def _step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def _places_hint(places: int) -> str:
    if places == 0:
        return "give a whole number"
    plural = "" if places == 1 else "s"
    return f"give at most {places} decimal place{plural}"


def _format(value: Decimal) -> str:
    """Write a Decimal as typed, never in exponent notation ("1E+2")."""
    return format(value, "f")


BRZYCKI = "Predicted (Brzycki)"
EPLEY = "Predicted (Epley)"


# Conditions several protocols name.
_DEVICES = (
    "None",
    "Single-point cane",
    "Quad cane",
    "Hemi-walker",
    "Front-wheeled walker",
    "Four-wheeled walker (rollator)",
    "Standard walker",
    "Axillary crutches",
    "Forearm crutches",
    "Other (see note)",
)
_DEVICE = Condition(key="device", label="Assistive device", choices=_DEVICES)
_INVOLVED = Condition(
    key="involved", label="Involved side (for the LSI)", choices=("left", "right")
)


def _number(
    key: str,
    label: str,
    unit: str,
    maximum: int | str,
    *,
    minimum: int | str = 0,
    places: int = 0,
    required: bool = False,
) -> Condition:
    """Build a numeric condition with its plausible range."""
    return Condition(
        key=key,
        label=label,
        unit=unit,
        minimum=Decimal(minimum),
        maximum=Decimal(maximum),
        decimal_places=places,
        required=required,
    )


def _items(max_score: int, *texts: str) -> tuple[Item, ...]:
    return tuple(Item(text=text, max_score=max_score) for text in texts)


# Goniometry sources. Upper limb: Norkin & White Table A.1, the larger of the
# AAOS and AMA values. Lower limb: VA rating schedule plates.
_ROM_UPPER_SOURCE = (
    "Norkin & White 2016, Measurement of Joint Motion, Table A.1 (AAOS/AMA)"
)
_ROM_LOWER_SOURCE = "38 CFR 4.71, plates I-II (VA normal range of motion)"
_ROM_PROTOCOL = (
    "Universal goniometer in the standard position for the joint, active or "
    "passive; record the start and the end of the available range in degrees."
)
# The upper bound is the normal maximum plus 30 degrees, so hypermobile patients
# are never refused.
_ROM_MARGIN = 30


def _rom_conditions(minimum: int, maximum: int) -> tuple[Condition, ...]:
    return (
        Condition(key="mode", label="Active or passive", choices=("Active", "Passive")),
        _number("start_angle", "Start angle", "degrees", maximum, minimum=minimum),
    )


def _rom(
    joint: str, motion: str, normal_max: int, source: str, minimum: int = 0
) -> CatalogTest:
    """Build one goniometry entry; ``minimum`` < 0 where a deficit is written below 0.

    A hip flexion contracture gives a negative hip extension, an extension lag a
    negative knee extension and an equinus contracture a negative dorsiflexion.
    The trial is the end angle; the start angle is a condition, so the note
    prints the arc ("5-120 degrees").
    """
    return CatalogTest(
        code=f"rom_{joint}_{motion.replace(' ', '_')}",
        name=f"Goniometric ROM {_EM_DASH} {joint} {motion}",
        abbreviation="ROM",
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
        conditions=_rom_conditions(minimum, normal_max + _ROM_MARGIN),
    )


_HOP_SOURCE = (
    "Noyes, Barber & Mangine 1991, Am J Sports Med 19:513-518; Reid et al. 2007, "
    "Phys Ther 87:337-349 (LSI)"
)


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
    """Build one test of the hop battery: two trials a side, best kept, LSI computed."""
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
        conditions=(_INVOLVED,),
        limb_symmetry=True,
    )


_SIX_MINUTE_WALK_CONDITIONS = (
    _number("course_m", "Course length", "m", 100, minimum=5, places=1),
    _DEVICE,
    _number(
        "oxygen_l_min", "Supplemental oxygen (0 = room air)", "L/min", 15, places=1
    ),
    _number("rests", "Number of rests", "", 30),
    _number("rest_seconds", "Total rest time", "s", 360),
    _number("hr_pre", "Heart rate before", "bpm", 220, minimum=30),
    _number("hr_post", "Heart rate after", "bpm", 220, minimum=30),
    _number("spo2_pre", "SpO\N{SUBSCRIPT TWO} before", "%", 100, minimum=50),
    _number("spo2_post", "SpO\N{SUBSCRIPT TWO} after", "%", 100, minimum=50),
    _number("borg_dyspnoea_pre", "Borg dyspnoea before (0-10)", "", 10, places=1),
    _number("borg_dyspnoea_post", "Borg dyspnoea after (0-10)", "", 10, places=1),
    _number("borg_fatigue_pre", "Borg fatigue before (0-10)", "", 10, places=1),
    _number("borg_fatigue_post", "Borg fatigue after (0-10)", "", 10, places=1),
    # The reference equation (Enright & Sherrill 1998) predicts the distance
    # from height and weight as well as age and sex.
    _number("height_cm", "Height", "cm", 230, minimum=100, places=1),
    _number("weight_kg", "Weight", "kg", 300, minimum=25, places=1),
)

_SFT_SOURCE = "Rikli & Jones 1999, J Aging Phys Act 7:129-161 (Senior Fitness Test)"

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
        # The ASHT protocol and the Mathiowetz norms average three trials;
        # results recorded before reported the best one.
        summary=Summary.MEAN,
        earlier_summaries=((1, Summary.MAX),),
        protocol=(
            "Jamar dynamometer, handle position 2, seated with shoulder adducted, "
            "elbow at 90 degrees and forearm neutral; three trials per hand, "
            "averaged."
        ),
        source=(
            "ASHT Clinical Assessment Recommendations; Mathiowetz et al. 1985, "
            "Arch Phys Med Rehabil 66:69-74"
        ),
        conditions=(
            Condition(
                key="handle_position",
                label="Jamar handle position",
                choices=("1", "2", "3", "4", "5"),
            ),
        ),
    ),
    CatalogTest(
        code="pinch_strength",
        name="Pinch strength (pinch gauge)",
        category=Category.STRENGTH,
        unit="kg",
        trials=3,
        per_side=True,
        plausible_max=Decimal(30),
        decimal_places=1,
        summary=Summary.MEAN,
        protocol=(
            "Pinch gauge, seated as for grip; tip, key (lateral) or palmar "
            "(three-jaw chuck) pinch; three trials per hand, averaged."
        ),
        source="Mathiowetz et al. 1985, Arch Phys Med Rehabil 66:69-74",
        conditions=(
            Condition(
                key="pinch",
                label="Pinch",
                choices=("Tip", "Key (lateral)", "Palmar (three-jaw chuck)"),
                required=True,
            ),
        ),
    ),
    CatalogTest(
        code="hand_held_dynamometry",
        name="Hand-held dynamometry (isometric make test)",
        abbreviation="HHD",
        category=Category.STRENGTH,
        unit="kg",
        trials=3,
        per_side=True,
        plausible_max=Decimal(150),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Hand-held dynamometer held stationary against a maximal isometric "
            "contraction of the named muscle group in its standard position; up "
            "to three trials per side, the highest kept."
        ),
        source="Andrews, Thomas & Bohannon 1996, Phys Ther 76:248-259",
        conditions=(
            Condition(
                key="muscle_group",
                label="Muscle group",
                choices=(
                    "Shoulder flexors",
                    "Shoulder extensors",
                    "Shoulder abductors",
                    "Shoulder internal rotators",
                    "Shoulder external rotators",
                    "Elbow flexors",
                    "Elbow extensors",
                    "Wrist extensors",
                    "Hip flexors",
                    "Hip extensors",
                    "Hip abductors",
                    "Knee extensors",
                    "Knee flexors",
                    "Ankle dorsiflexors",
                ),
                required=True,
            ),
            _INVOLVED,
        ),
        limb_symmetry=True,
    ),
    CatalogTest(
        code="isokinetic_peak_torque",
        name="Isokinetic peak torque",
        category=Category.STRENGTH,
        unit="Nm",
        per_side=True,
        plausible_max=Decimal(500),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Isokinetic dynamometer at the stated angular speed; the peak torque "
            "of a set of maximal repetitions per side, uninvolved side first."
        ),
        source=(
            "Thomee et al. 2011, Knee Surg Sports Traumatol Arthrosc 19:1798-1805 "
            "(isokinetic LSI)"
        ),
        conditions=(
            Condition(
                key="muscle_group",
                label="Muscle group",
                choices=(
                    "Knee extensors",
                    "Knee flexors",
                    "Shoulder internal rotators",
                    "Shoulder external rotators",
                    "Other (see note)",
                ),
                required=True,
            ),
            _number("speed", "Angular speed", "deg/s", 500, minimum=30, required=True),
            _INVOLVED,
        ),
        limb_symmetry=True,
    ),
    CatalogTest(
        code="manual_muscle_test",
        name="Manual muscle test (MRC grade)",
        abbreviation="MMT",
        category=Category.STRENGTH,
        unit="grade",
        per_side=True,
        plausible_max=Decimal(5),
        decimal_places=0,
        summary=Summary.MAX,
        grades=True,
        protocol=(
            "Grade 0 no contraction, 1 trace, 2 movement with gravity eliminated, "
            "3 against gravity, 4 against gravity and resistance, 5 normal power; "
            "+ and \N{MINUS SIGN} mark a grade partly reached."
        ),
        source=(
            "MRC Memorandum 45 (1976); Hislop & Montgomery, Daniels and "
            "Worthingham's Muscle Testing (+/- grades)"
        ),
        routine_measure=True,
        conditions=(Condition(key="muscle", label="Muscle or motion"),),
    ),
    CatalogTest(
        code="one_rep_max",
        name="One-repetition maximum (1-RM)",
        abbreviation="1RM",
        category=Category.STRENGTH,
        unit="kg",
        plausible_max=Decimal(500),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Heaviest load lifted once with correct form, tested directly or "
            "predicted from a submaximal set to failure of at most 10 reps with "
            "Brzycki (load / (1.0278 - 0.0278 x reps)) or Epley "
            "(load x (1 + 0.0333 x reps))."
        ),
        source="Brzycki 1993, JOPERD 64:88-90; Epley 1985, Boyd Epley Workout",
        conditions=(
            Condition(key="exercise", label="Exercise"),
            Condition(key="load_unit", label="Load unit", choices=("kg", "lb")),
            Condition(
                key="method",
                label="Tested",
                choices=("Direct", BRZYCKI, EPLEY),
            ),
            _number("reps", "Repetitions to failure", "", 10, minimum=1),
        ),
        entered=Entered(
            label="Load lifted",
            unit="kg",
            minimum=Decimal(0),
            maximum=Decimal(500),
            decimal_places=1,
            derivation=Derivation.ONE_RM,
        ),
    ),
    CatalogTest(
        code="chair_stand_30s",
        name="30-second chair stand",
        category=Category.STRENGTH,
        unit="stands",
        plausible_max=Decimal(60),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Full stands in 30 s from a 17-in (43 cm) chair against a wall, arms "
            "crossed; a stand more than halfway up at 30 s counts."
        ),
        source="Jones, Rikli & Beam 1999, Res Q Exerc Sport 70:113-119 (lower-body "
        "strength, Senior Fitness Test)",
    ),
    CatalogTest(
        code="five_times_sit_to_stand",
        name="Five times sit-to-stand (5xSTS)",
        abbreviation="5xSTS FTSST",
        category=Category.STRENGTH,
        unit="s",
        plausible_min=Decimal(2),
        plausible_max=Decimal(120),
        decimal_places=1,
        summary=Summary.MIN,
        protocol=(
            "From a 43-45 cm chair with arms folded, time from 'Go' until the "
            "buttocks touch after the fifth stand; using the arms fails the test."
        ),
        source="Bohannon 2006, Percept Mot Skills 103:215-222 (lower-body strength)",
    ),
    CatalogTest(
        code="arm_curl_30s",
        name="30-second arm curl",
        category=Category.STRENGTH,
        unit="curls",
        per_side=True,
        plausible_max=Decimal(60),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Seated, full curls in 30 s with a 5-lb (women) or 8-lb (men) "
            "dumbbell, dominant arm."
        ),
        source=_SFT_SOURCE,
        conditions=(
            Condition(key="weight", label="Dumbbell", choices=("5 lb", "8 lb")),
        ),
    ),
    CatalogTest(
        code="biering_sorensen",
        name="Biering-S\N{LATIN SMALL LETTER O WITH STROKE}rensen test",
        category=Category.ENDURANCE,
        unit="s",
        plausible_max=Decimal(240),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Prone with the iliac crests at the table edge and the lower body "
            "strapped, arms crossed; seconds the unsupported trunk is held "
            "horizontal, stopped at 240 s."
        ),
        source="Biering-S\N{LATIN SMALL LETTER O WITH STROKE}rensen 1984, Spine 9:106-119",
    ),
    # Endurance / mobility
    CatalogTest(
        code="six_minute_walk",
        name="6-minute walk test (6MWT)",
        abbreviation="6MWT",
        category=Category.ENDURANCE,
        unit="m",
        plausible_max=Decimal(1000),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Walk as far as possible in 6 minutes back and forth along a flat "
            "course (30 m), with the standard encouragement each minute; rests "
            "are allowed and the clock keeps running."
        ),
        source="ATS Statement: Guidelines for the Six-Minute Walk Test, Am J "
        "Respir Crit Care Med 2002;166:111-117",
        conditions=_SIX_MINUTE_WALK_CONDITIONS,
    ),
    CatalogTest(
        code="two_minute_walk",
        name="2-minute walk test (2MWT)",
        abbreviation="2MWT",
        category=Category.ENDURANCE,
        unit="m",
        plausible_max=Decimal(400),
        decimal_places=0,
        summary=Summary.MAX,
        protocol="Walk as far as possible in 2 minutes along a flat course.",
        source="Butland et al. 1982, BMJ 284:1607-1608",
        conditions=(
            _number("course_m", "Course length", "m", 100, minimum=5, places=1),
            _DEVICE,
        ),
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
        source=_SFT_SOURCE,
    ),
    CatalogTest(
        code="ten_metre_walk",
        name="10-metre walk test (gait speed)",
        abbreviation="10MWT",
        category=Category.ENDURANCE,
        unit="m/s",
        trials=2,
        plausible_min=Decimal("0.05"),
        plausible_max=Decimal("3.00"),
        decimal_places=2,
        summary=Summary.MEAN,
        protocol=(
            "Walk 10 m with acceleration and deceleration zones, timing the middle "
            "section; two trials at comfortable and two at fast speed, each pace "
            "averaged; speed is the distance timed over the time."
        ),
        source="Bohannon 1997, Age Ageing 26:15-19; Shirley Ryan AbilityLab, "
        "10 Meter Walk Test",
        conditions=(
            Condition(key="pace", label="Pace", choices=("Comfortable", "Fast")),
            _number("distance_m", "Distance timed", "m", 20, minimum=1, places=1),
            _DEVICE,
        ),
        entered=Entered(
            label="Time",
            unit="s",
            minimum=Decimal("0.5"),
            maximum=Decimal(300),
            decimal_places=2,
            derivation=Derivation.SPEED,
        ),
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
        abbreviation="ROM",
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
        conditions=_rom_conditions(-30, 150),
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
        source=_SFT_SOURCE,
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
        source=_SFT_SOURCE,
    ),
    # Balance
    CatalogTest(
        code="timed_up_and_go",
        name="Timed Up and Go (TUG)",
        abbreviation="TUG",
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
        source="CDC STEADI, Timed Up & Go (2017); Shumway-Cook et al. 2000, Phys "
        "Ther 80:896-903",
        conditions=(_DEVICE,),
    ),
    CatalogTest(
        code="eight_foot_up_and_go",
        name="8-foot up-and-go",
        category=Category.BALANCE,
        unit="s",
        trials=2,
        plausible_min=Decimal(1),
        plausible_max=Decimal(120),
        decimal_places=1,
        summary=Summary.MIN,
        protocol=(
            "From a 17-in chair, stand, walk as quickly as possible around a cone "
            "8 ft away and sit again; two trials, the faster kept."
        ),
        source=_SFT_SOURCE,
        conditions=(_DEVICE,),
    ),
    CatalogTest(
        code="berg_balance_scale",
        name="Berg Balance Scale",
        abbreviation="BBS",
        category=Category.BALANCE,
        unit="points",
        plausible_max=Decimal(56),
        decimal_places=0,
        summary=Summary.MAX,
        protocol="Fourteen static and dynamic balance items, each scored 0-4.",
        source="Berg et al. 1992, Can J Public Health 83 Suppl 2:S7-S11",
        items=_items(
            4,
            "Sitting to standing",
            "Standing unsupported",
            "Sitting with back unsupported, feet supported",
            "Standing to sitting",
            "Transfers",
            "Standing unsupported with eyes closed",
            "Standing unsupported with feet together",
            "Reaching forward with outstretched arm while standing",
            "Picking up an object from the floor from standing",
            "Turning to look behind over left and right shoulders",
            "Turning 360 degrees",
            "Placing alternate foot on a step or stool while standing",
            "Standing unsupported, one foot in front",
            "Standing on one leg",
        ),
    ),
    CatalogTest(
        code="functional_gait_assessment",
        name="Functional Gait Assessment",
        abbreviation="FGA",
        category=Category.BALANCE,
        unit="points",
        plausible_max=Decimal(30),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Ten walking tasks along a 6-m (20-ft) walkway 30 cm (12 in) wide, "
            "each scored 0-3."
        ),
        source="Wrisley et al. 2004, Phys Ther 84:906-918",
        items=_items(
            3,
            "Gait level surface",
            "Change in gait speed",
            "Gait with horizontal head turns",
            "Gait with vertical head turns",
            "Gait and pivot turn",
            "Step over obstacle",
            "Gait with narrow base of support",
            "Gait with eyes closed",
            "Ambulating backwards",
            "Steps",
        ),
        conditions=(_DEVICE,),
    ),
    CatalogTest(
        code="dynamic_gait_index",
        name="Dynamic Gait Index",
        abbreviation="DGI",
        category=Category.BALANCE,
        unit="points",
        plausible_max=Decimal(24),
        decimal_places=0,
        summary=Summary.MAX,
        protocol="Eight walking tasks, each scored 0-3.",
        source="Shumway-Cook & Woollacott 1995, Motor Control: Theory and "
        "Practical Applications; Shumway-Cook et al. 1997, Phys Ther 77:812-819",
        items=_items(
            3,
            "Gait level surface",
            "Change in gait speed",
            "Gait with horizontal head turns",
            "Gait with vertical head turns",
            "Gait and pivot turn",
            "Step over obstacle",
            "Step around obstacles",
            "Steps",
        ),
        conditions=(_DEVICE,),
    ),
    CatalogTest(
        code="tinetti_poma",
        name="Tinetti Performance-Oriented Mobility Assessment",
        abbreviation="POMA",
        category=Category.BALANCE,
        unit="points",
        plausible_max=Decimal(28),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Nine balance items (16 points) and seven gait items (12 points), "
            "each scored on its own scale."
        ),
        source="Tinetti 1986, J Am Geriatr Soc 34:119-126",
        items=(
            Item(text="Balance: sitting balance", max_score=1),
            Item(text="Balance: arises", max_score=2),
            Item(text="Balance: attempts to arise", max_score=2),
            Item(text="Balance: immediate standing balance (first 5 s)", max_score=2),
            Item(text="Balance: standing balance", max_score=2),
            Item(text="Balance: nudged", max_score=2),
            Item(text="Balance: eyes closed", max_score=1),
            Item(text="Balance: turning 360 degrees (steps, steadiness)", max_score=2),
            Item(text="Balance: sitting down", max_score=2),
            Item(text="Gait: initiation of gait", max_score=1),
            Item(text="Gait: step length and height (both feet)", max_score=4),
            Item(text="Gait: step symmetry", max_score=1),
            Item(text="Gait: step continuity", max_score=1),
            Item(text="Gait: path", max_score=2),
            Item(text="Gait: trunk", max_score=2),
            Item(text="Gait: walking stance", max_score=1),
        ),
        conditions=(_DEVICE,),
    ),
    CatalogTest(
        code="mini_bestest",
        name="Mini-BESTest",
        abbreviation="MiniBEST",
        category=Category.BALANCE,
        unit="points",
        plausible_max=Decimal(28),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Fourteen items scored 0-2; for the one-leg stance and lateral "
            "stepping items the lower side's score counts."
        ),
        source="Franchignoni et al. 2010, J Rehabil Med 42:323-331",
        items=_items(
            2,
            "Sit to stand",
            "Rise to toes",
            "Stand on one leg (lower side)",
            "Compensatory stepping correction, forward",
            "Compensatory stepping correction, backward",
            "Compensatory stepping correction, lateral (lower side)",
            "Stance, feet together, eyes open, firm surface",
            "Stance, feet together, eyes closed, foam surface",
            "Incline, eyes closed",
            "Change in gait speed",
            "Walk with head turns, horizontal",
            "Walk with pivot turns",
            "Step over obstacles",
            "Timed Up & Go with dual task",
        ),
    ),
    CatalogTest(
        code="sppb",
        name="Short Physical Performance Battery",
        abbreviation="SPPB",
        category=Category.BALANCE,
        unit="points",
        plausible_max=Decimal(12),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Standing balance (side-by-side, semi-tandem, tandem), 4-m gait speed "
            "and five chair stands, each scored 0-4."
        ),
        source="Guralnik et al. 1994, J Gerontol 49:M85-M94",
        items=_items(
            4,
            "Standing balance (side-by-side, semi-tandem, tandem)",
            "4-metre gait speed",
            "Five chair stands",
        ),
        conditions=(_DEVICE,),
    ),
    CatalogTest(
        code="steadi_four_stage_balance",
        name="4-stage balance test (STEADI)",
        category=Category.BALANCE,
        unit="stages",
        plausible_max=Decimal(4),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Feet side by side, semi-tandem, tandem, then one leg, each held 10 s "
            "without support; the number of stages held for 10 s."
        ),
        source="CDC STEADI, The 4-Stage Balance Test (2017)",
    ),
    CatalogTest(
        code="four_square_step_test",
        name="Four square step test",
        abbreviation="FSST",
        category=Category.BALANCE,
        unit="s",
        trials=2,
        practice_trials=1,
        plausible_min=Decimal(2),
        plausible_max=Decimal(120),
        decimal_places=1,
        summary=Summary.MIN,
        protocol=(
            "Step forward, sideways and backward over four canes laid in a cross, "
            "clockwise then counter-clockwise, as fast as possible; one practice, "
            "then two trials, the faster kept."
        ),
        source="Dite & Temple 2002, Arch Phys Med Rehabil 83:1566-1571",
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
        source="Bohannon 2006, Top Geriatr Rehabil 22:70-77",
    ),
    CatalogTest(
        code="functional_reach",
        name="Functional reach test",
        abbreviation="FRT",
        category=Category.BALANCE,
        unit="in",
        trials=3,
        practice_trials=2,
        plausible_max=Decimal(25),
        decimal_places=1,
        # Duncan et al. average three trials after two practice trials; results
        # recorded before reported the best one.
        summary=Summary.MEAN,
        earlier_summaries=((1, Summary.MAX),),
        protocol=(
            "Arm flexed to 90 degrees with a fist, reach forward along a yardstick "
            "at acromion height without stepping; inches moved by the third "
            "metacarpal; two practice trials, then the mean of three."
        ),
        source="Duncan et al. 1990, J Gerontol 45:M192-M197",
    ),
    # Function: hop battery after ACL reconstruction.
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
    CatalogTest(
        code="y_balance_lower",
        name="Y-Balance Test (lower quarter)",
        abbreviation="YBT",
        category=Category.BALANCE,
        unit="%",
        per_side=True,
        plausible_max=Decimal(150),
        decimal_places=1,
        summary=Summary.MAX,
        protocol=(
            "Standing on the tested leg, reach with the other foot anterior, "
            "posteromedial and posterolateral; the best of three reaches per "
            "direction, summed and normalised to limb length (ASIS to medial "
            "malleolus) as the composite score."
        ),
        source="Plisky et al. 2009, N Am J Sports Phys Ther 4:92-99",
        conditions=(
            _number(
                "limb_length_cm",
                "Limb length",
                "cm",
                130,
                minimum=50,
                places=1,
                required=True,
            ),
            _INVOLVED,
        ),
        entered=Entered(
            label="Best reach",
            unit="cm",
            minimum=Decimal(0),
            maximum=Decimal(200),
            decimal_places=1,
            derivation=Derivation.COMPOSITE,
            parts=("Anterior", "Posteromedial", "Posterolateral"),
        ),
        limb_symmetry=True,
    ),
    # Dexterity
    CatalogTest(
        code="nine_hole_peg_test",
        name="Nine-hole peg test",
        abbreviation="9HPT NHPT",
        category=Category.DEXTERITY,
        unit="s",
        trials=2,
        per_side=True,
        plausible_min=Decimal(5),
        plausible_max=Decimal(300),
        decimal_places=1,
        summary=Summary.MEAN,
        protocol=(
            "Place nine pegs one by one in the board and remove them to the "
            "container with one hand; seconds, two trials per hand, averaged."
        ),
        source="Mathiowetz et al. 1985, Occup Ther J Res 5:24-38",
    ),
    CatalogTest(
        code="box_and_block",
        name="Box and Block test",
        abbreviation="BBT",
        category=Category.DEXTERITY,
        unit="blocks",
        per_side=True,
        plausible_max=Decimal(150),
        decimal_places=0,
        summary=Summary.MAX,
        protocol=(
            "Move 2.5-cm blocks one at a time over the partition with one hand; "
            "blocks moved in 60 s, after a 15-s practice."
        ),
        source="Mathiowetz et al. 1985, Am J Occup Ther 39:386-391",
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
    """Return what the session form's script needs, by code: labels, items, conditions."""
    return {
        test.code: {
            "name": test.name,
            "abbreviation": test.abbreviation,
            "category": test.category.label,
            "unit": test.unit,
            "trials": test.trials,
            "practice_trials": test.practice_trials,
            "per_side": test.per_side,
            "min": str(test.plausible_min),
            "max": str(test.plausible_max),
            "routine_measure": test.routine_measure,
            "grades": test.grades,
            "items": [
                {"text": item.text, "max": item.max_score} for item in test.items
            ],
            "conditions": [
                {
                    "key": condition.key,
                    "label": condition.label,
                    "choices": list(condition.choices),
                    "unit": condition.unit,
                    "required": condition.required,
                }
                for condition in test.conditions
            ],
            "entered": (
                {
                    "label": test.entered.label,
                    "unit": test.entered.unit,
                    "parts": list(test.entered.parts),
                    "derivation": test.entered.derivation.value,
                }
                if test.entered
                else None
            ),
        }
        for test in CATALOG.values()
    }
