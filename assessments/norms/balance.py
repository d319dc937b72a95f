"""Norms of the balance and mobility tests: Timed Up and Go."""

from decimal import Decimal

from .model import Cutoff, Population, Row, Table, TestNorms, Threshold
from .sources import (
    ALGHADIR_TUG_MDC,
    BOHANNON_TUG,
    EWGSOP2,
    SHUMWAY_COOK_TUG,
    STEADI_TUG,
)

D = Decimal  # the tables read as the sources print them
_FALL_RISK = "Fall risk"

# Bohannon 2006: mean (95 % CI) of 21 studies of apparently healthy elders;
# "performance [that] exceeds the upper limit of reported confidence intervals
# can be considered to have worse than average performance".
TUG = TestNorms(
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

NORMS = (TUG,)
