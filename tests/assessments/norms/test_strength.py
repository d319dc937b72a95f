"""Golden tables of the strength norms, checked against the published numbers.

Each row is the number as the source prints it; band edges are checked on the
day the patient turns the band's first age and on the day before.
"""

from decimal import Decimal

import pytest

from assessments import norms
from tests.assessments.norms.helpers import (
    SERVICE,
    born_years_before,
    man,
    standing,
    woman,
)

D = Decimal


def _aged(years: int, sex: str, *, day_before: bool = False) -> norms.Person:
    birth = born_years_before(years, day_before=day_before)
    return norms.Person(norms.age_on(birth, SERVICE), sex)


# --- grip: Massy-Westropp et al. 2011, kg, mean (SD) --------------------------

GRIP = [
    # sex, age, dominant, mean, SD
    ("male", 20, True, "47", "9.5"),
    ("male", 29, False, "45", "9.7"),
    ("male", 30, True, "47", "9.7"),
    ("male", 39, False, "47", "9.8"),
    ("male", 40, True, "47", "9.5"),
    ("male", 49, False, "45", "9.3"),
    ("male", 50, True, "45", "8.4"),
    ("male", 59, False, "43", "8.3"),
    ("male", 60, True, "40", "8.3"),
    ("male", 69, False, "38", "8.0"),
    ("male", 70, True, "33", "7.8"),
    ("male", 96, False, "32", "7.5"),
    ("female", 20, True, "30", "7.0"),
    ("female", 29, False, "28", "6.1"),
    ("female", 30, True, "31", "6.4"),
    ("female", 39, False, "29", "6.0"),
    ("female", 40, True, "29", "5.7"),
    ("female", 49, False, "28", "5.7"),
    ("female", 50, True, "28", "6.3"),
    ("female", 59, False, "26", "5.7"),
    ("female", 60, True, "24", "5.3"),
    ("female", 69, False, "23", "5.0"),
    ("female", 70, True, "20", "5.8"),
    ("female", 88, False, "19", "5.5"),
]


@pytest.mark.parametrize(("sex", "age", "dominant", "mean", "sd"), GRIP)
def test_grip_norm_is_the_published_mean_and_sd(sex, age, dominant, mean, sd):
    result = standing(
        "grip_dynamometry", mean, _aged(age, sex), side="right", dominant=dominant
    )
    assert result.percent == D("100.0")
    assert result.z == D("0.00")
    assert f"mean {mean} kg (SD {sd})" in result.norm
    assert result.source.number == 2


def test_grip_reads_percent_z_and_names_the_population():
    result = standing("grip_dynamometry", "17.5", woman(77), dominant=True)
    assert result.norm == "Women 70+, dominant hand: mean 20 kg (SD 5.8)"
    assert result.percent == D("87.5")
    assert result.z == D("-0.43")
    assert result.band == ""
    assert result.text == "87.5 % of the mean for women 70+, dominant hand (z −0.43)"


def test_grip_band_edge_the_day_of_and_before_the_seventieth_birthday():
    turned = standing("grip_dynamometry", "20", _aged(70, "female"), dominant=True)
    before = standing(
        "grip_dynamometry", "20", _aged(70, "female", day_before=True), dominant=True
    )
    assert turned.norm.startswith("Women 70+")
    assert before.norm.startswith("Women 60–69")


def test_grip_needs_hand_dominance_and_has_no_norm_under_twenty():
    assert (
        norms.interpret("grip_dynamometry", D(30), woman(40)).missing
        == "Hand dominance not recorded."
    )
    assert (
        norms.interpret("grip_dynamometry", D(30), woman(19), dominant=True).missing
        == "No published norm for age 19."
    )


@pytest.mark.parametrize(
    ("person", "value", "flagged"),
    [
        (man(70), "26.9", True),
        (man(70), "27.0", False),
        (woman(70), "15.9", True),
        (woman(70), "16.0", False),
        (norms.Person(70, None), "10.0", False),  # the cut-off is per sex
    ],
)
def test_grip_ewgsop2_cutoff_is_per_sex(person, value, flagged):
    flags = norms.interpret("grip_dynamometry", D(value), person, dominant=True).flags
    assert bool(flags) is flagged
    if flagged:
        assert flags[0].text.endswith(
            "kg: low muscle strength (probable sarcopenia) (EWGSOP2 2019)"
        )


def test_grip_guides_draw_the_cutoff_of_the_patients_sex():
    assert norms.guides("grip_dynamometry", man(70), dominant=True) == norms.Guides(
        band=None,
        band_label="",
        cutoffs=((D(27), "Low strength < 27 kg (EWGSOP2 2019)"),),
        higher_is_better=True,
    )


# --- 30-second chair stand: Rikli & Jones 1999, 25th-75th percentile -----------

CHAIR_STAND = [
    # first age of the band, last age, women low-high, men low-high
    (60, 64, 12, 17, 14, 19),
    (65, 69, 11, 16, 12, 18),
    (70, 74, 10, 15, 12, 17),
    (75, 79, 10, 15, 11, 17),
    (80, 84, 9, 14, 10, 15),
    (85, 89, 8, 13, 8, 14),
    (90, 94, 4, 11, 7, 12),
]


@pytest.mark.parametrize(
    ("youngest", "oldest", "women_low", "women_high", "men_low", "men_high"),
    CHAIR_STAND,
)
def test_chair_stand_normal_range_from_the_birthday_to_the_band_end(
    youngest, oldest, women_low, women_high, men_low, men_high
):
    for sex, low, high in (
        ("female", women_low, women_high),
        ("male", men_low, men_high),
    ):
        for person in (_aged(youngest, sex), _aged(oldest + 1, sex, day_before=True)):
            guides = norms.guides("chair_stand_30s", person)
            assert guides.band == (D(low), D(high))
            assert standing("chair_stand_30s", str(low), person).band == "within"
            assert standing("chair_stand_30s", str(high), person).band == "within"
            assert standing("chair_stand_30s", str(low - 1), person).band == "below"
            assert standing("chair_stand_30s", str(high + 1), person).band == "above"


def test_chair_stand_the_day_before_sixty_has_no_norm():
    person = _aged(60, "female", day_before=True)
    assert person.age == 59
    result = norms.interpret("chair_stand_30s", D(12), person)
    assert result.standing is None
    assert result.missing == "No published norm for age 59."


def test_chair_stand_reads_the_range_and_gives_no_percent_without_a_mean():
    result = standing("chair_stand_30s", "9", woman(77))
    assert (
        result.norm == "Women 75–79: normal range (25th–75th percentile) 10–15 stands"
    )
    assert result.percent is None
    assert result.z is None
    assert result.band == "below"
    assert result.text == (
        "Below the normal range (25th–75th percentile) for women 75–79 (10–15 stands)"
    )
    assert norms.guides("chair_stand_30s", woman(77)).band_label == (
        "Normal range (25th–75th percentile), women 75–79 (Rikli & Jones 1999)"
    )


def test_chair_stand_below_eight_is_flagged():
    assert [
        f.text for f in norms.interpret("chair_stand_30s", D(7), woman(77)).flags
    ] == [
        "30-second chair stand 7 stands < 8 stands: associated with lower levels of "
        "functional ability (Rikli & Jones 1999)"
    ]
    assert norms.interpret("chair_stand_30s", D(8), woman(77)).flags == ()


# --- 5xSTS: Bohannon 2006, "worse than average" above ---------------------------

FIVE_TIMES = [(60, 69, "11.4"), (70, 79, "12.6"), (80, 89, "14.8")]


@pytest.mark.parametrize(("youngest", "oldest", "limit"), FIVE_TIMES)
def test_five_times_sit_to_stand_reference_time_at_the_band_edges(
    youngest, oldest, limit
):
    for person in (_aged(youngest, "male"), _aged(oldest + 1, "male", day_before=True)):
        at_limit = standing("five_times_sit_to_stand", limit, person)
        assert at_limit.band == "within"
        assert at_limit.norm.endswith(f"average range ≤ {limit} s")
        slower = standing("five_times_sit_to_stand", str(D(limit) + D("0.1")), person)
        assert slower.band == "above"
        assert slower.text.startswith("Slower than the average range")
        assert slower.percent is None


def test_five_times_sit_to_stand_ninety_has_no_norm_and_fifteen_seconds_flags():
    result = norms.interpret("five_times_sit_to_stand", D("15.0"), man(90))
    assert result.missing == "No published norm for age 90."
    assert [f.text for f in result.flags] == [
        "5xSTS 15.0 s ≥ 15 s: predicts recurrent falls in community-living adults "
        "65 and older (Buatois 2008)"
    ]
    assert norms.interpret("five_times_sit_to_stand", D("14.9"), man(70)).flags == ()


# --- 30 s arm curl: Rikli & Jones 2013 normal ranges -----------------------------

ARM_CURL = [
    (60, 64, 12, 17, 14, 19),
    (65, 69, 11, 16, 13, 19),
    (70, 74, 10, 15, 12, 18),
    (75, 79, 10, 14, 12, 17),
    (80, 84, 9, 14, 11, 16),
    (85, 89, 8, 13, 9, 14),
    (90, 94, 5, 12, 8, 13),
]


@pytest.mark.parametrize(
    ("youngest", "oldest", "women_low", "women_high", "men_low", "men_high"),
    ARM_CURL,
)
def test_arm_curl_normal_range_at_the_band_edges(
    youngest, oldest, women_low, women_high, men_low, men_high
):
    for sex, low, high in (
        ("female", women_low, women_high),
        ("male", men_low, men_high),
    ):
        for person in (_aged(youngest, sex), _aged(oldest + 1, sex, day_before=True)):
            assert norms.guides("arm_curl_30s", person).band == (D(low), D(high))
            assert standing("arm_curl_30s", str(low - 1), person).band == "below"


# --- manual muscle test: MRC grades ----------------------------------------------


@pytest.mark.parametrize(
    ("rank", "text", "band"),
    [
        ("0", "MRC 0: no contraction", "below"),
        ("3", "MRC 3: active movement against gravity", "below"),
        (
            "3.7",  # the catalog's rank of 4-
            "Between MRC 3 (active movement against gravity) and MRC 4 (active "
            "movement against gravity and resistance)",
            "below",
        ),
        ("5", "MRC 5: normal power", "within"),
    ],
)
def test_manual_muscle_grade_says_what_it_means(rank, text, band):
    result = standing("manual_muscle_test", rank, norms.Person(None, None))
    assert result.text == text
    assert result.band == band
    assert result.norm == "MRC 5: normal power"
    assert result.percent is None


def test_manual_muscle_grade_needs_no_age_or_sex():
    result = norms.interpret("manual_muscle_test", D(4), norms.Person(None, None))
    assert result.missing == ""


# --- Biering-Sorensen, isokinetic, 1-RM ------------------------------------------


def test_biering_sorensen_cutoff_is_for_men_only():
    assert [
        f.text for f in norms.interpret("biering_sorensen", D(170), man(40)).flags
    ] == [
        "Biering-Sørensen 170 s < 176 s: predicted low back pain in the next year in "
        "men (Biering-Sørensen 1984)"
    ]
    assert norms.interpret("biering_sorensen", D(170), woman(40)).flags == ()
    assert norms.interpret("biering_sorensen", D(176), man(40)).flags == ()


def test_isokinetic_torque_is_judged_by_its_limb_symmetry():
    flag = norms.symmetry("isokinetic_peak_torque", D("89.9"))
    assert flag.text == (
        "Isokinetic peak torque limb symmetry index 89.9 % < 90 %: below the 90 % "
        "criterion for return to sport after ACL reconstruction (Thomeé 2011)"
    )
    assert norms.symmetry("isokinetic_peak_torque", D(90)) is None


def test_one_rep_max_change_reads_in_the_catalog_unit_whatever_the_load_unit():
    """The value is in the catalog's unit (kg), however the load was typed."""
    before = (SERVICE.replace(month=10), D(100))
    for conditions in ({"load_unit": "lb"}, {}):
        change = norms.interpret(
            "one_rep_max", D(110), man(40), conditions=conditions, previous=before
        ).change
        assert change.text.startswith("+10 kg since 10/02/2026")
    assert "one_rep_max" not in norms.covered()
