"""Norms of the balance and mobility tests: TUG, 8-foot up-and-go, Berg, single-leg
stance, functional reach, the gait scales and the fall-risk screens."""

from decimal import Decimal

from .model import Cutoff, NormEntry, Population, Row, Table, Threshold, sex_ranges
from .sources import (
    ALGHADIR_TUG_MDC,
    BERG_1992,
    BOHANNON_SLS,
    BOHANNON_TUG,
    DITE_TEMPLE_FSST,
    DUNCAN_FR_FALLS,
    EWGSOP2,
    JONES_RIKLI_2002,
    MAK_MINIBEST,
    ROMERO_MDC,
    SHUMWAY_COOK_TUG,
    STEADI_FOUR_STAGE,
    STEADI_TUG,
    TINETTI_1986,
    WRISLEY_KUMAR_FGA,
)

D = Decimal  # the tables read as the sources print them
_FALL_RISK = "Fall risk"

# Bohannon 2006: mean (95 % CI) of 21 studies of apparently healthy elders;
# "performance [that] exceeds the upper limit of reported confidence intervals
# can be considered to have worse than average performance".
TUG = NormEntry(
    code="timed_up_and_go",
    name="TUG",
    unit="s",
    higher_is_better=False,
    tables=(
        Table(
            source=BOHANNON_TUG,
            range_name="95 % CI of the mean",
            rows=(
                Row(Population(60, 69), centre=D("8.1"), low=D("7.1"), high=D("9.0")),
                Row(Population(70, 79), centre=D("9.2"), low=D("8.2"), high=D("10.2")),
                Row(
                    Population(80, 99), centre=D("11.3"), low=D("10.0"), high=D("12.7")
                ),
            ),
        ),
    ),
    cutoffs=(
        Cutoff(D(12), ">=", "at risk for falling", _FALL_RISK, STEADI_TUG),
        Cutoff(D("13.5"), ">=", "higher fall risk", _FALL_RISK, SHUMWAY_COOK_TUG),
        Cutoff(
            D(20),
            ">=",
            "low physical performance (severe sarcopenia)",
            "Low performance",
            EWGSOP2,
        ),
    ),
    change=Threshold("MDC", D("1.1"), ALGHADIR_TUG_MDC, "in knee osteoarthritis"),
)

EIGHT_FOOT_UP_AND_GO = NormEntry(
    code="eight_foot_up_and_go",
    name="8-foot up-and-go",
    unit="s",
    higher_is_better=False,
    tables=(
        Table(
            source=JONES_RIKLI_2002,
            centre="",
            range_name="normal range",
            rows=sex_ranges(
                (
                    (60, 64, "4.4", "6.0", "3.8", "5.6"),
                    (65, 69, "4.8", "6.4", "4.3", "5.7"),
                    (70, 74, "4.9", "7.1", "4.2", "6.0"),
                    (75, 79, "5.2", "7.4", "4.6", "7.2"),
                    (80, 84, "5.7", "8.7", "5.2", "7.6"),
                    (85, 89, "6.2", "9.6", "5.3", "8.9"),
                    (90, 94, "7.3", "11.5", "6.2", "10.0"),
                )
            ),
        ),
    ),
)

_OLDER_ADULTS_AT_RISK = "in community-dwelling older adults at risk of falling"

BERG = NormEntry(
    code="berg_balance_scale",
    name="Berg",
    unit="points",
    higher_is_better=True,
    cutoffs=(Cutoff(D(45), "<", "increased fall risk", _FALL_RISK, BERG_1992),),
    change=Threshold("MDC", D("6.5"), ROMERO_MDC, _OLDER_ADULTS_AT_RISK),
)

DYNAMIC_GAIT_INDEX = NormEntry(
    code="dynamic_gait_index",
    name="DGI",
    unit="points",
    higher_is_better=True,
    change=Threshold("MDC", D("2.9"), ROMERO_MDC, _OLDER_ADULTS_AT_RISK),
)

FUNCTIONAL_GAIT_ASSESSMENT = NormEntry(
    code="functional_gait_assessment",
    name="FGA",
    unit="points",
    higher_is_better=True,
    cutoffs=(
        Cutoff(
            D(22),
            "<=",
            "fall risk in community-dwelling older adults",
            _FALL_RISK,
            WRISLEY_KUMAR_FGA,
        ),
    ),
)

TINETTI = NormEntry(
    code="tinetti_poma",
    name="Tinetti POMA",
    unit="points",
    higher_is_better=True,
    cutoffs=(
        Cutoff(D(24), "<", "moderate or high fall risk", _FALL_RISK, TINETTI_1986),
        Cutoff(D(19), "<", "high fall risk", "High fall risk", TINETTI_1986),
    ),
)

MINI_BESTEST = NormEntry(
    code="mini_bestest",
    name="Mini-BESTest",
    unit="points",
    higher_is_better=True,
    cutoffs=(
        Cutoff(
            D(19),
            "<",
            "higher risk of recurrent falls in Parkinson disease",
            "Recurrent falls (Parkinson disease)",
            MAK_MINIBEST,
        ),
    ),
)

STEADI_FOUR_STAGE_BALANCE = NormEntry(
    code="steadi_four_stage_balance",
    name="4-stage balance",
    unit="stages",
    higher_is_better=True,
    cutoffs=(
        Cutoff(
            D(3),
            "<",
            "increased fall risk (tandem stance not held 10 s)",
            _FALL_RISK,
            STEADI_FOUR_STAGE,
        ),
    ),
)

# Bohannon 2006: mean eyes-open times of 22 studies, 3,484 people aged 60-99.
SINGLE_LEG_STANCE = NormEntry(
    code="single_leg_stance",
    name="Single-leg stance",
    unit="s",
    higher_is_better=True,
    tables=(
        Table(
            source=BOHANNON_SLS,
            rows=(
                Row(Population(60, 69), centre=D("27.0")),
                Row(Population(70, 79), centre=D("17.2")),
                Row(Population(80, 99), centre=D("8.5")),
            ),
        ),
    ),
    cutoffs=(
        Cutoff(
            D(5),
            "<",
            "below the 5-s criterion several authors use",
            "5-s criterion",
            BOHANNON_SLS,
        ),
    ),
)

# Duncan 1992, 217 community-dwelling male veterans aged 70-104, followed 6
# months: adjusted odds ratio of two or more falls 4.02 for a reach of 6 in or
# less, 2.00 for more than 6 but less than 10 in.
FUNCTIONAL_REACH = NormEntry(
    code="functional_reach",
    name="Functional reach",
    unit="in",
    higher_is_better=True,
    cutoffs=(
        Cutoff(
            D(6),
            "<=",
            "4 times the odds of recurrent falls (odds ratio 4.02, older men)",
            _FALL_RISK,
            DUNCAN_FR_FALLS,
        ),
        Cutoff(
            D(10),
            "<",
            "raised odds of recurrent falls (odds ratio 2.00 from 6 to 10 in, "
            "older men)",
            "Raised fall risk",
            DUNCAN_FR_FALLS,
        ),
    ),
)

FOUR_SQUARE_STEP = NormEntry(
    code="four_square_step_test",
    name="FSST",
    unit="s",
    higher_is_better=False,
    cutoffs=(
        Cutoff(
            D(15),
            ">",
            "in the range of older adults with multiple falls",
            "Multiple fallers",
            DITE_TEMPLE_FSST,
        ),
    ),
)

# Entries without a retrieved norm or cut-off: their direction reads a change.
SPPB = NormEntry(code="sppb", name="SPPB", unit="points", higher_is_better=True)
Y_BALANCE = NormEntry(
    code="y_balance_lower", name="Y-Balance", unit="%", higher_is_better=True
)

NORMS = (
    TUG,
    EIGHT_FOOT_UP_AND_GO,
    BERG,
    DYNAMIC_GAIT_INDEX,
    FUNCTIONAL_GAIT_ASSESSMENT,
    TINETTI,
    MINI_BESTEST,
    STEADI_FOUR_STAGE_BALANCE,
    SINGLE_LEG_STANCE,
    FUNCTIONAL_REACH,
    SPPB,
    FOUR_SQUARE_STEP,
    Y_BALANCE,
)
