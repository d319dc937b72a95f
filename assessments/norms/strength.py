"""Norms of the strength tests: grip, chair stands, arm curl, muscle grades.

Pinch, hand-held dynamometry, isokinetic torque and the 1-RM have entries too,
so their change reads the right way; their population norms were not
retrieved (see ``no_table_reason``).
"""

from decimal import Decimal

from .model import Cutoff, NormEntry, Population, Row, Table, Threshold, sex_ranges
from .sources import (
    BIERING_SORENSEN,
    BOHANNON_FTSST,
    BUATOIS_FTSST,
    EWGSOP2,
    GILL_CHAIR_STAND_MDC,
    MASSY_WESTROPP_GRIP,
    MERETTA_FTSST_MCID,
    MRC_1976,
    RIKLI_JONES_ARM_CURL,
    RIKLI_JONES_CHAIR_STAND,
    THOMEE_LSI,
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
GRIP = NormEntry(
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


# Rikli & Jones 1999: 25th-75th percentile of 7,183 community-residing adults.
CHAIR_STAND = NormEntry(
    code="chair_stand_30s",
    name="30-second chair stand",
    unit="stands",
    higher_is_better=True,
    tables=(
        Table(
            source=RIKLI_JONES_CHAIR_STAND,
            centre="",
            range_name="normal range (25th–75th percentile)",
            rows=sex_ranges(
                (
                    (60, 64, "12", "17", "14", "19"),
                    (65, 69, "11", "16", "12", "18"),
                    (70, 74, "10", "15", "12", "17"),
                    (75, 79, "10", "15", "11", "17"),
                    (80, 84, "9", "14", "10", "15"),
                    (85, 89, "8", "13", "8", "14"),
                    (90, 94, "4", "11", "7", "12"),
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

# Bohannon 2006: "individuals with times for 5 repetitions ... exceeding the
# following can be considered to have worse than average performance".
FIVE_TIMES_SIT_TO_STAND = NormEntry(
    code="five_times_sit_to_stand",
    name="5xSTS",
    unit="s",
    higher_is_better=False,
    tables=(
        Table(
            source=BOHANNON_FTSST,
            centre="",
            range_name="average range",
            rows=(
                Row(Population(60, 69), high=D("11.4")),
                Row(Population(70, 79), high=D("12.6")),
                Row(Population(80, 89), high=D("14.8")),
            ),
        ),
    ),
    cutoffs=(
        Cutoff(
            D(15),
            ">=",
            "predicts recurrent falls in community-living adults 65 and older",
            "Recurrent falls",
            BUATOIS_FTSST,
        ),
    ),
    change=Threshold("MCID", D("2.3"), MERETTA_FTSST_MCID, "in vestibular disorders"),
)

ARM_CURL = NormEntry(
    code="arm_curl_30s",
    name="30-second arm curl",
    unit="curls",
    higher_is_better=True,
    tables=(
        Table(
            source=RIKLI_JONES_ARM_CURL,
            centre="",
            range_name="normal range (25th–75th percentile)",
            rows=sex_ranges(
                (
                    (60, 64, "12", "17", "14", "19"),
                    (65, 69, "11", "16", "13", "19"),
                    (70, 74, "10", "15", "12", "18"),
                    (75, 79, "10", "14", "12", "17"),
                    (80, 84, "9", "14", "11", "16"),
                    (85, 89, "8", "13", "9", "14"),
                    (90, 94, "5", "12", "8", "13"),
                )
            ),
        ),
    ),
)

# MRC grades; a +/- grade (stored between two ranks by the catalog) is read as
# lying between the two grades.
MANUAL_MUSCLE_TEST = NormEntry(
    code="manual_muscle_test",
    name="MMT",
    unit="grade",
    higher_is_better=True,
    grades=(
        (D(0), "no contraction"),
        (D(1), "flicker or trace of contraction"),
        (D(2), "active movement with gravity eliminated"),
        (D(3), "active movement against gravity"),
        (D(4), "active movement against gravity and resistance"),
        (D(5), "normal power"),
    ),
    grades_source=MRC_1976,
)

BIERING_SORENSEN_TEST = NormEntry(
    code="biering_sorensen",
    name="Biering-Sørensen",
    unit="s",
    higher_is_better=True,
    cutoffs=(
        Cutoff(
            D(176),
            "<",
            "predicted low back pain in the next year in men",
            "Low back pain risk (men)",
            BIERING_SORENSEN,
            sex=MALE,
        ),
    ),
    no_table_reason=(
        "No published population norm in Perfnote for this test; the source's "
        "cut-off is for men only."
    ),
)

ISOKINETIC = NormEntry(
    code="isokinetic_peak_torque",
    name="Isokinetic peak torque",
    unit="Nm",
    higher_is_better=True,
    symmetry=Cutoff(
        D(90),
        "<",
        "below the 90 % criterion for return to sport after ACL reconstruction",
        "Limb symmetry",
        THOMEE_LSI,
    ),
    no_table_reason=(
        "Judged against the other side (limb symmetry index), not a population norm."
    ),
)

# Entries without a retrieved norm: their direction still reads a change.
PINCH = NormEntry(code="pinch_strength", name="Pinch", unit="kg", higher_is_better=True)
HAND_HELD = NormEntry(
    code="hand_held_dynamometry", name="HHD", unit="kg", higher_is_better=True
)
# A 1-RM recorded in pounds reaches interpret in kg, the catalog's unit.
ONE_REP_MAX = NormEntry(
    code="one_rep_max", name="1-RM", unit="kg", higher_is_better=True
)

NORMS = (
    GRIP,
    CHAIR_STAND,
    FIVE_TIMES_SIT_TO_STAND,
    ARM_CURL,
    MANUAL_MUSCLE_TEST,
    BIERING_SORENSEN_TEST,
    ISOKINETIC,
    PINCH,
    HAND_HELD,
    ONE_REP_MAX,
)
