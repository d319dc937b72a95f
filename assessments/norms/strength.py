"""Norms of the strength tests: grip, 30-second chair stand."""

from decimal import Decimal

from .model import Cutoff, Population, Row, Table, TestNorms, Threshold
from .sources import (
    EWGSOP2,
    GILL_CHAIR_STAND_MDC,
    MASSY_WESTROPP_GRIP,
    RIKLI_JONES_CHAIR_STAND,
)
from .types import FEMALE, MALE

D = Decimal  # the tables read as the sources print them


def _grip_rows(
    sex: str, rows: tuple[tuple[int, int | None, str, str, str, str], ...]
) -> tuple[Row, ...]:
    """Rows of (youngest, oldest, dominant mean, SD, non-dominant mean, SD), in kg."""
    return tuple(
        Row(Population(youngest, oldest, sex=sex, dominant=dominant), D(mean), D(sd))
        for youngest, oldest, dom_mean, dom_sd, other_mean, other_sd in rows
        for dominant, mean, sd in (
            (True, dom_mean, dom_sd),
            (False, other_mean, other_sd),
        )
    )


_LOW_GRIP = "low muscle strength (probable sarcopenia)"

# Massy-Westropp 2011: Jamar, kg, mean (SD) by sex, age decade and dominance.
GRIP = TestNorms(
    code="grip_dynamometry",
    name="Grip",
    unit="kg",
    higher_is_better=True,
    tables=(
        Table(
            source=MASSY_WESTROPP_GRIP,
            rows=_grip_rows(
                MALE,
                (
                    (20, 29, "47", "9.5", "45", "9.7"),
                    (30, 39, "47", "9.7", "47", "9.8"),
                    (40, 49, "47", "9.5", "45", "9.3"),
                    (50, 59, "45", "8.4", "43", "8.3"),
                    (60, 69, "40", "8.3", "38", "8.0"),
                    (70, None, "33", "7.8", "32", "7.5"),
                ),
            )
            + _grip_rows(
                FEMALE,
                (
                    (20, 29, "30", "7.0", "28", "6.1"),
                    (30, 39, "31", "6.4", "29", "6.0"),
                    (40, 49, "29", "5.7", "28", "5.7"),
                    (50, 59, "28", "6.3", "26", "5.7"),
                    (60, 69, "24", "5.3", "23", "5.0"),
                    (70, None, "20", "5.8", "19", "5.5"),
                ),
            ),
        ),
    ),
    cutoffs=(
        Cutoff(D(27), "<", _LOW_GRIP, "Low strength", EWGSOP2, sex=MALE),
        Cutoff(D(16), "<", _LOW_GRIP, "Low strength", EWGSOP2, sex=FEMALE),
    ),
)


def _stand_rows(
    rows: tuple[tuple[int, int, int, int, int, int], ...],
) -> tuple[Row, ...]:
    """Rows of (youngest, oldest, women low, women high, men low, men high)."""
    return tuple(
        Row(Population(youngest, oldest, sex=sex), low=D(low), high=D(high))
        for youngest, oldest, women_low, women_high, men_low, men_high in rows
        for sex, low, high in (
            (FEMALE, women_low, women_high),
            (MALE, men_low, men_high),
        )
    )


# Rikli & Jones 1999: 25th-75th percentile of 7,183 community-residing adults.
CHAIR_STAND = TestNorms(
    code="chair_stand_30s",
    name="30-second chair stand",
    unit="stands",
    higher_is_better=True,
    tables=(
        Table(
            source=RIKLI_JONES_CHAIR_STAND,
            centre="",
            range_name="normal range (25th–75th percentile)",
            rows=_stand_rows(
                (
                    (60, 64, 12, 17, 14, 19),
                    (65, 69, 11, 16, 12, 18),
                    (70, 74, 10, 15, 12, 17),
                    (75, 79, 10, 15, 11, 17),
                    (80, 84, 9, 14, 10, 15),
                    (85, 89, 8, 13, 8, 14),
                    (90, 94, 4, 11, 7, 12),
                )
            ),
        ),
    ),
    cutoffs=(
        Cutoff(
            D(8),
            "<",
            "associated with lower levels of functional ability",
            "Low function",
            RIKLI_JONES_CHAIR_STAND,
        ),
    ),
    change=Threshold(
        "MDC", D("2.5"), GILL_CHAIR_STAND_MDC, "in early knee osteoarthritis"
    ),
)

NORMS = (GRIP, CHAIR_STAND)
