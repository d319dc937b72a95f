"""Every published source the norms cite, numbered once for the note's references.

Numbers are stable: the sealed note prints "[3]" and its References section, so
a number is never reused for another source; new sources take the next number.
``confirmed`` is True only where the value Perfnote uses was read in the
primary source or a faithful reproduction of its table (an abstract, a
reproduced table); False where only a secondary summary gave it.
"""

from collections.abc import Mapping
from types import MappingProxyType

from .types import Source

RIKLI_JONES_CHAIR_STAND = Source(
    number=1,
    citation=(
        "Rikli RE, Jones CJ. Functional fitness normative scores for "
        "community-residing older adults, ages 60–94. J Aging Phys Act "
        "1999;7(2):162–181 (30-second chair stand)."
    ),
    confirmed=True,
    short="Rikli & Jones 1999",
)
MASSY_WESTROPP_GRIP = Source(
    number=2,
    citation=(
        "Massy-Westropp NM, Gill TK, Taylor AW, Bohannon RW, Hill CL. Hand grip "
        "strength: age and gender stratified normative data in a population-based "
        "study. BMC Res Notes 2011;4:127."
    ),
    confirmed=True,
    short="Massy-Westropp 2011",
)
EWGSOP2 = Source(
    number=3,
    citation=(
        "Cruz-Jentoft AJ, Bahat G, Bauer J, et al. Sarcopenia: revised European "
        "consensus on definition and diagnosis (EWGSOP2). Age Ageing "
        "2019;48(1):16–31."
    ),
    confirmed=True,
    short="EWGSOP2 2019",
)
BOHANNON_TUG = Source(
    number=4,
    citation=(
        "Bohannon RW. Reference values for the Timed Up and Go test: a descriptive "
        "meta-analysis. J Geriatr Phys Ther 2006;29(2):64–68."
    ),
    confirmed=True,
    short="Bohannon 2006",
)
SHUMWAY_COOK_TUG = Source(
    number=5,
    citation=(
        "Shumway-Cook A, Brauer S, Woollacott M. Predicting the probability for "
        "falls in community-dwelling older adults using the Timed Up & Go Test. "
        "Phys Ther 2000;80(9):896–903; cut-off as pooled by Barry E, et al. BMC "
        "Geriatr 2014;14:14."
    ),
    confirmed=True,
    short="Shumway-Cook 2000",
)
STEADI_TUG = Source(
    number=6,
    citation=(
        "Centers for Disease Control and Prevention. STEADI: Assessment, Timed Up "
        "& Go (TUG). Atlanta: CDC; 2017."
    ),
    confirmed=False,
    short="CDC STEADI 2017",
)
ALGHADIR_TUG_MDC = Source(
    number=7,
    citation=(
        "Alghadir A, Anwer S, Brismée JM. The reliability and minimal detectable "
        "change of Timed Up and Go test in individuals with grade 1–3 knee "
        "osteoarthritis. BMC Musculoskelet Disord 2015;16:174."
    ),
    confirmed=True,
    short="Alghadir 2015",
)
GILL_CHAIR_STAND_MDC = Source(
    number=8,
    citation=(
        "Gill S, Hely R, Page RS, Hely A, Harrison B, Landers S. Thirty second "
        "chair stand test: test–retest reliability, agreement and minimum "
        "detectable change in people with early-stage knee osteoarthritis. "
        "Physiother Res Int 2022 (published online 19 May 2022)."
    ),
    confirmed=True,
    short="Gill 2022",
)

_ALL = (
    RIKLI_JONES_CHAIR_STAND,
    MASSY_WESTROPP_GRIP,
    EWGSOP2,
    BOHANNON_TUG,
    SHUMWAY_COOK_TUG,
    STEADI_TUG,
    ALGHADIR_TUG_MDC,
    GILL_CHAIR_STAND_MDC,
)


def _by_number(sources: tuple[Source, ...]) -> Mapping[int, Source]:
    """Index sources by number, refusing a number used twice."""
    numbers = [source.number for source in sources]
    if len(numbers) != len(set(numbers)):
        raise ValueError("Two norm sources share a reference number.")
    return MappingProxyType({source.number: source for source in sources})


SOURCES: Mapping[int, Source] = _by_number(_ALL)
"""Every source by its reference number, read-only."""
