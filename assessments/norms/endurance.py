"""Norms of the endurance and mobility tests: 6MWT, 2-minute step, gait speed."""

from decimal import Decimal

from .model import (
    Coefficients,
    Cutoff,
    Equation,
    NormEntry,
    Table,
    Threshold,
    sex_ranges,
)
from .sources import (
    BOHANNON_2MWT_MDC,
    ENRIGHT_SHERRILL,
    ENRIGHT_SHERRILL_LLN,
    EWGSOP2,
    JONES_RIKLI_2002,
    MIDDLETON_GAIT,
    RIKLI_JONES_CRITERION,
)
from .types import FEMALE, MALE

D = Decimal  # the tables read as the sources print them

# Enright & Sherrill 1998, 117 men and 173 women aged 40-80: height in cm,
# weight in kg, age in years, distance in metres. The catalog does not record
# height or weight with the test; they are read from the conditions
# "height_cm" and "weight_kg" when a form supplies them.
SIX_MINUTE_WALK = NormEntry(
    code="six_minute_walk",
    name="6MWT",
    unit="m",
    higher_is_better=True,
    equation=Equation(
        source=ENRIGHT_SHERRILL,
        youngest=40,
        oldest=80,
        by_sex=(
            Coefficients(
                sex=MALE,
                height_cm=D("7.57"),
                weight_kg=D("-1.76"),
                age=D("-5.02"),
                constant=D(-309),
                lower_limit_margin=D(153),
            ),
            Coefficients(
                sex=FEMALE,
                height_cm=D("2.11"),
                weight_kg=D("-2.29"),
                age=D("-5.78"),
                constant=D(667),
                lower_limit_margin=D(139),
            ),
        ),
        lower_limit_source=ENRIGHT_SHERRILL_LLN,
    ),
)


def _criterion(youngest: int, oldest: int, women: int, men: int) -> tuple[Cutoff, ...]:
    """The 2-minute step score below which independence is at risk, per sex."""
    meaning = "below the criterion for maintaining physical independence"
    return tuple(
        Cutoff(
            D(value),
            "<",
            f"{meaning} ({youngest}–{oldest})",
            f"Independence criterion {youngest}–{oldest}",
            RIKLI_JONES_CRITERION,
            sex=sex,
            ages=(youngest, oldest),
        )
        for sex, value in ((FEMALE, women), (MALE, men))
    )


TWO_MINUTE_STEP = NormEntry(
    code="two_minute_step",
    name="2-minute step",
    unit="steps",
    higher_is_better=True,
    tables=(
        Table(
            source=JONES_RIKLI_2002,
            centre="",
            range_name="normal range",
            rows=sex_ranges(
                (
                    (60, 64, "75", "107", "87", "115"),
                    (65, 69, "73", "107", "86", "116"),
                    (70, 74, "68", "101", "80", "110"),
                    (75, 79, "68", "100", "73", "109"),
                    (80, 84, "60", "91", "71", "103"),
                    (85, 89, "55", "85", "59", "91"),
                    (90, 94, "44", "72", "52", "86"),
                )
            ),
        ),
    ),
    cutoffs=(
        *_criterion(60, 64, 97, 106),
        *_criterion(65, 69, 93, 101),
        *_criterion(70, 74, 89, 95),
        *_criterion(75, 79, 84, 88),
        *_criterion(80, 84, 78, 80),
        *_criterion(85, 89, 70, 71),
        *_criterion(90, 94, 60, 60),
    ),
)

_COMFORTABLE = ("pace", "Comfortable")

GAIT_SPEED = NormEntry(
    code="ten_metre_walk",
    name="Gait speed",
    unit="m/s",
    higher_is_better=True,
    cutoffs=(
        Cutoff(
            D("0.8"),
            "<=",
            "low physical performance (severe sarcopenia)",
            "Low performance",
            EWGSOP2,
            condition=_COMFORTABLE,
        ),
        Cutoff(
            D("0.76"),
            "<",
            "associated with falls in community-dwelling older adults",
            "Fall status",
            MIDDLETON_GAIT,
            condition=_COMFORTABLE,
        ),
        Cutoff(
            D("1.13"),
            "<",
            "fast pace associated with falls in community-dwelling older adults",
            "Fall status (fast pace)",
            MIDDLETON_GAIT,
            condition=("pace", "Fast"),
        ),
    ),
    no_table_reason=(
        "No published population norm in Perfnote for gait speed; its cut-offs "
        "apply to the pace recorded."
    ),
)

TWO_MINUTE_WALK = NormEntry(
    code="two_minute_walk",
    name="2MWT",
    unit="m",
    higher_is_better=True,
    change=Threshold("MDC", D("42.5"), BOHANNON_2MWT_MDC, "in adults 18 to 85"),
)

NORMS = (SIX_MINUTE_WALK, TWO_MINUTE_STEP, GAIT_SPEED, TWO_MINUTE_WALK)
