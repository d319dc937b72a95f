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
    confirmed=True,
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

BOHANNON_FTSST = Source(
    number=9,
    citation=(
        "Bohannon RW. Reference values for the five-repetition sit-to-stand test: "
        "a descriptive meta-analysis of data from elders. Percept Mot Skills "
        "2006;103(1):215–222."
    ),
    confirmed=True,
    short="Bohannon 2006",
)
BUATOIS_FTSST = Source(
    number=10,
    citation=(
        "Buatois S, Miljkovic D, Manckoundia P, et al. Five times sit to stand "
        "test is a predictor of recurrent falls in healthy community-living "
        "subjects aged 65 and older. J Am Geriatr Soc 2008;56(8):1575–1577."
    ),
    confirmed=False,
    short="Buatois 2008",
)
MERETTA_FTSST_MCID = Source(
    number=11,
    citation=(
        "Meretta BM, Whitney SL, Marchetti GF, Sparto PJ, Muirhead RJ. The five "
        "times sit to stand test: responsiveness to change and concurrent validity "
        "in adults undergoing vestibular rehabilitation. J Vestib Res "
        "2006;16(4–5):233–243."
    ),
    confirmed=False,
    short="Meretta 2006",
)
RIKLI_JONES_ARM_CURL = Source(
    number=12,
    citation=(
        "Rikli RE, Jones CJ. Senior Fitness Test Manual, 2nd ed. Champaign, IL: "
        "Human Kinetics; 2013 (30-second arm curl normal ranges)."
    ),
    confirmed=False,
    short="Rikli & Jones 2013",
)
BIERING_SORENSEN = Source(
    number=13,
    citation=(
        "Biering-Sørensen F. Physical measurements as risk indicators for "
        "low-back trouble over a one-year period. Spine 1984;9(2):106–119."
    ),
    confirmed=False,
    short="Biering-Sørensen 1984",
)
ENRIGHT_SHERRILL = Source(
    number=14,
    citation=(
        "Enright PL, Sherrill DL. Reference equations for the six-minute walk in "
        "healthy adults. Am J Respir Crit Care Med 1998;158(5 Pt 1):1384–1387; "
        "equations as tabulated in Holland AE, et al. An official European "
        "Respiratory Society/American Thoracic Society technical standard: field "
        "walking tests in chronic respiratory disease. Eur Respir J "
        "2014;44(6):1428–1446, Table 5."
    ),
    confirmed=True,
    short="Enright & Sherrill 1998",
)
ENRIGHT_SHERRILL_LLN = Source(
    number=15,
    citation=(
        "Enright PL, Sherrill DL. Reference equations for the six-minute walk in "
        "healthy adults. Am J Respir Crit Care Med 1998;158(5 Pt 1):1384–1387 "
        "(lower limit of normal: predicted − 153 m for men, − 139 m for women)."
    ),
    confirmed=False,
    short="Enright & Sherrill 1998",
)
JONES_RIKLI_2002 = Source(
    number=16,
    citation=(
        "Jones CJ, Rikli RE. Measuring functional fitness of older adults. "
        "J Active Aging 2002;1(2):24–30 (normal ranges of the 2-minute step and "
        "the 8-foot up-and-go)."
    ),
    confirmed=False,
    short="Jones & Rikli 2002",
)
RIKLI_JONES_CRITERION = Source(
    number=17,
    citation=(
        "Rikli RE, Jones CJ. Development and validation of criterion-referenced "
        "clinically relevant fitness standards for maintaining physical "
        "independence in later years. Gerontologist 2013;53(2):255–267."
    ),
    confirmed=False,
    short="Rikli & Jones 2013",
)
MIDDLETON_GAIT = Source(
    number=18,
    citation=(
        "Middleton A, Fulk GD, Herter TM, Beets MW, Donley J, Fritz SL. "
        "Self-selected and maximal walking speeds provide greater insight into fall "
        "status than walking speed reserve among community-dwelling older adults. "
        "Am J Phys Med Rehabil 2016;95(7):475–482."
    ),
    confirmed=True,
    short="Middleton 2016",
)
NORKIN_WHITE_ROM = Source(
    number=19,
    citation=(
        "Norkin CC, White DJ. Measurement of Joint Motion: A Guide to Goniometry, "
        "5th ed. Philadelphia: F.A. Davis; 2016, Table A.1 (AAOS and AMA values)."
    ),
    confirmed=True,
    short="Norkin & White 2016",
)
VA_ROM = Source(
    number=20,
    citation=(
        "U.S. Department of Veterans Affairs, Schedule for Rating Disabilities, "
        "38 CFR § 4.71, Plates I–II (normal range of motion)."
    ),
    confirmed=True,
    short="38 CFR 4.71",
)
RIKLI_JONES_MEDIANS = Source(
    number=21,
    citation=(
        "Rikli RE, Jones CJ. Functional fitness normative scores for "
        "community-residing older adults, ages 60–94. J Aging Phys Act "
        "1999;7(2):162–181 (medians of the chair sit-and-reach and back scratch)."
    ),
    confirmed=False,
    short="Rikli & Jones 1999",
)
BERG_1992 = Source(
    number=22,
    citation=(
        "Berg KO, Wood-Dauphinee SL, Williams JI, Maki B. Measuring balance in the "
        "elderly: validation of an instrument. Can J Public Health 1992;83 Suppl "
        "2:S7–S11."
    ),
    confirmed=False,
    short="Berg 1992",
)
ROMERO_MDC = Source(
    number=23,
    citation=(
        "Romero S, Bishop MD, Velozo CA, Light K. Minimum detectable change of the "
        "Berg Balance Scale and Dynamic Gait Index in older persons at risk for "
        "falling. J Geriatr Phys Ther 2011;34(3):131–137."
    ),
    confirmed=True,
    short="Romero 2011",
)
BOHANNON_SLS = Source(
    number=24,
    citation=(
        "Bohannon RW. Single limb stance times: a descriptive meta-analysis of data "
        "from individuals at least 60 years of age. Top Geriatr Rehabil "
        "2006;22(1):70–77."
    ),
    confirmed=True,
    short="Bohannon 2006",
)
DUNCAN_FR_FALLS = Source(
    number=25,
    citation=(
        "Duncan PW, Studenski S, Chandler J, Prescott B. Functional reach: "
        "predictive validity in a sample of elderly male veterans. J Gerontol "
        "1992;47(3):M93–M98."
    ),
    confirmed=True,
    short="Duncan 1992",
)
WRISLEY_KUMAR_FGA = Source(
    number=26,
    citation=(
        "Wrisley DM, Kumar NA. Functional gait assessment: concurrent, "
        "discriminative, and predictive validity in community-dwelling older "
        "adults. Phys Ther 2010;90(5):761–773."
    ),
    confirmed=False,
    short="Wrisley & Kumar 2010",
)
TINETTI_1986 = Source(
    number=27,
    citation=(
        "Tinetti ME. Performance-oriented assessment of mobility problems in "
        "elderly patients. J Am Geriatr Soc 1986;34(2):119–126."
    ),
    confirmed=False,
    short="Tinetti 1986",
)
MAK_MINIBEST = Source(
    number=28,
    citation=(
        "Mak MKY, Auyeung MM. The mini-BESTest can predict parkinsonian recurrent "
        "fallers: a 6-month prospective study. J Rehabil Med 2013;45(6):565–571."
    ),
    confirmed=True,
    short="Mak & Auyeung 2013",
)
STEADI_FOUR_STAGE = Source(
    number=29,
    citation=(
        "Centers for Disease Control and Prevention. STEADI: Assessment, The "
        "4-Stage Balance Test. Atlanta: CDC; 2017."
    ),
    confirmed=False,
    short="CDC STEADI 2017",
)
THOMEE_LSI = Source(
    number=30,
    citation=(
        "Thomeé R, Kaplan Y, Kvist J, et al. Muscle strength and hop performance "
        "criteria prior to return to sports after ACL reconstruction. Knee Surg "
        "Sports Traumatol Arthrosc 2011;19(11):1798–1805."
    ),
    confirmed=False,
    short="Thomeé 2011",
)
MRC_1976 = Source(
    number=31,
    citation=(
        "Medical Research Council. Aids to the Examination of the Peripheral "
        "Nervous System. Memorandum no. 45. London: Her Majesty's Stationery "
        "Office; 1976."
    ),
    confirmed=False,
    short="MRC 1976",
)
BOHANNON_2MWT_MDC = Source(
    number=32,
    citation=(
        "Bohannon RW, Wang YC, Gershon RC. Two-minute walk test performance by "
        "adults 18 to 85 years: normative values, reliability, and "
        "responsiveness. Arch Phys Med Rehabil 2015;96(3):472–477."
    ),
    confirmed=True,
    short="Bohannon 2015",
)
DITE_TEMPLE_FSST = Source(
    number=33,
    citation=(
        "Dite W, Temple VA. A clinical test of stepping and change of direction to "
        "identify multiple falling older adults. Arch Phys Med Rehabil "
        "2002;83(11):1566–1571."
    ),
    confirmed=False,
    short="Dite & Temple 2002",
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
    BOHANNON_FTSST,
    BUATOIS_FTSST,
    MERETTA_FTSST_MCID,
    RIKLI_JONES_ARM_CURL,
    BIERING_SORENSEN,
    ENRIGHT_SHERRILL,
    ENRIGHT_SHERRILL_LLN,
    JONES_RIKLI_2002,
    RIKLI_JONES_CRITERION,
    MIDDLETON_GAIT,
    NORKIN_WHITE_ROM,
    VA_ROM,
    RIKLI_JONES_MEDIANS,
    BERG_1992,
    ROMERO_MDC,
    BOHANNON_SLS,
    DUNCAN_FR_FALLS,
    WRISLEY_KUMAR_FGA,
    TINETTI_1986,
    MAK_MINIBEST,
    STEADI_FOUR_STAGE,
    THOMEE_LSI,
    MRC_1976,
    BOHANNON_2MWT_MDC,
    DITE_TEMPLE_FSST,
)


def _by_number(sources: tuple[Source, ...]) -> Mapping[int, Source]:
    """Index sources by number, refusing a number used twice."""
    numbers = [source.number for source in sources]
    if len(numbers) != len(set(numbers)):
        raise ValueError("Two norm sources share a reference number.")
    return MappingProxyType({source.number: source for source in sources})


SOURCES: Mapping[int, Source] = _by_number(_ALL)
"""Every source by its reference number, read-only."""
