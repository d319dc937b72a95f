"""Golden values of the endurance norms: the 6MWT equation, the 2-minute step,
gait speed cut-offs per pace."""

from datetime import date
from decimal import Decimal

import pytest

from assessments import norms
from tests.assessments.norms.helpers import man, woman

D = Decimal
BODY = {"height_cm": "170", "weight_kg": "75"}


# --- 6MWT: Enright & Sherrill 1998 ------------------------------------------------


def test_six_minute_walk_predicted_distance_for_a_man():
    # 7.57 x 170 - 5.02 x 55 - 1.76 x 75 - 309 = 569.8 m
    result = norms.interpret("six_minute_walk", D(450), man(55), conditions=BODY)
    assert result.standing.norm == "Predicted 570 m for a man aged 55"
    assert result.standing.percent == D("78.9")
    assert result.standing.band == ""
    assert result.standing.text == "78.9 % of predicted"
    assert result.standing.source.number == 14
    assert result.standing.source.confirmed is True
    # 417 m, the lower limit of normal (569.8 - 153), is not crossed
    assert result.flags == ()


def test_six_minute_walk_below_the_lower_limit_is_a_flag_with_its_own_source():
    # 2.11 x 160 - 2.29 x 65 - 5.78 x 70 + 667 = 451.15 m; LLN 451 - 139
    body = {"height_cm": "160", "weight_kg": "65"}
    result = norms.interpret("six_minute_walk", D(280), woman(70), conditions=body)
    assert result.standing.norm == "Predicted 451 m for a woman aged 70"
    assert result.standing.percent == D("62.1")
    assert [flag.text for flag in result.flags] == [
        "6MWT 280 m < 312 m: below the lower limit of normal (Enright & Sherrill 1998)"
    ]
    assert result.flags[0].source.number == 15
    assert [source.number for source in result.sources] == [14, 15]
    at_limit = norms.interpret("six_minute_walk", D(312), woman(70), conditions=body)
    assert at_limit.flags == ()
    guides = norms.guides("six_minute_walk", woman(70), conditions=body)
    assert guides.band is None
    assert guides.cutoffs == (
        (D(451), "Predicted 451 m (Enright & Sherrill 1998)"),
        (D(312), "Lower limit of normal 312 m (Enright & Sherrill 1998)"),
    )


@pytest.mark.parametrize(
    ("age", "has_norm"), [(39, False), (40, True), (80, True), (81, False)]
)
def test_six_minute_walk_equation_only_for_the_ages_it_was_derived_from(age, has_norm):
    result = norms.interpret("six_minute_walk", D(450), man(age), conditions=BODY)
    assert (result.standing is not None) is has_norm
    if not has_norm:
        assert result.missing == (
            f"No published norm for age {age}: the equation was derived from "
            "ages 40–80."
        )


@pytest.mark.parametrize(
    "conditions",
    [
        {},
        {"height_cm": "170"},
        {"weight_kg": "75"},
        {"height_cm": "x", "weight_kg": "75"},
    ],
)
def test_six_minute_walk_without_height_and_weight_says_so(conditions):
    result = norms.interpret("six_minute_walk", D(450), man(55), conditions=conditions)
    assert result.standing is None
    assert result.missing == (
        "Height and weight are not recorded with this test; the reference "
        "equation needs both."
    )


def test_six_minute_walk_without_sex_says_so():
    result = norms.interpret(
        "six_minute_walk", D(450), norms.Person(55, None), conditions=BODY
    )
    assert result.missing == "Sex not recorded."


# --- 2-minute step: Jones & Rikli 2002 ranges, Rikli & Jones 2013 criteria --------

STEP = [
    (60, 64, 75, 107, 87, 115, 97, 106),
    (65, 69, 73, 107, 86, 116, 93, 101),
    (70, 74, 68, 101, 80, 110, 89, 95),
    (75, 79, 68, 100, 73, 109, 84, 88),
    (80, 84, 60, 91, 71, 103, 78, 80),
    (85, 89, 55, 85, 59, 91, 70, 71),
    (90, 94, 44, 72, 52, 86, 60, 60),
]


@pytest.mark.parametrize(
    ("youngest", "oldest", "w_low", "w_high", "m_low", "m_high", "w_crit", "m_crit"),
    STEP,
)
def test_two_minute_step_ranges_and_criteria(
    youngest, oldest, w_low, w_high, m_low, m_high, w_crit, m_crit
):
    for person, low, high, criterion in (
        (woman(youngest), w_low, w_high, w_crit),
        (man(oldest), m_low, m_high, m_crit),
    ):
        guides = norms.guides("two_minute_step", person)
        assert guides.band == (D(low), D(high))
        assert [value for value, _ in guides.cutoffs] == [D(criterion)]
        below = norms.interpret("two_minute_step", D(criterion - 1), person)
        assert len(below.flags) == 1
        assert below.flags[0].text.endswith(
            f"below the criterion for maintaining physical independence "
            f"({youngest}–{oldest}) (Rikli & Jones 2013)"
        )
        assert norms.interpret("two_minute_step", D(criterion), person).flags == ()


# --- gait speed: cut-offs per pace -------------------------------------------------


@pytest.mark.parametrize(
    ("pace", "speed", "sources"),
    [
        ("Comfortable", "0.81", []),
        ("Comfortable", "0.80", ["EWGSOP2 2019"]),
        ("Comfortable", "0.75", ["EWGSOP2 2019", "Middleton 2016"]),
        ("Fast", "0.75", ["Middleton 2016"]),
        ("Fast", "1.13", []),
        ("", "0.50", []),
    ],
)
def test_gait_speed_cutoffs_apply_to_their_pace(pace, speed, sources):
    result = norms.interpret(
        "ten_metre_walk", D(speed), woman(75), conditions={"pace": pace}
    )
    assert [flag.source.short for flag in result.flags] == sources
    assert result.standing is None
    assert result.missing.startswith("No published population norm in Perfnote")


def test_gait_speed_flag_and_guides_read_in_clinical_words():
    comfortable = {"pace": "Comfortable"}
    result = norms.interpret(
        "ten_metre_walk", D("0.75"), man(80), conditions=comfortable
    )
    assert result.flags[0].text == (
        "Gait speed 0.75 m/s ≤ 0.8 m/s: low physical performance (severe sarcopenia) "
        "(EWGSOP2 2019)"
    )
    assert norms.guides("ten_metre_walk", man(80), conditions=comfortable).cutoffs == (
        (D("0.8"), "Low performance ≤ 0.8 m/s (EWGSOP2 2019)"),
        (D("0.76"), "Fall status < 0.76 m/s (Middleton 2016)"),
    )


def test_two_minute_walk_change_is_judged_by_its_mdc():
    change = norms.interpret(
        "two_minute_walk",
        D(180),
        man(70),
        previous=(date(2026, 10, 1), D(130)),
    ).change
    assert change.meaningful is True
    assert change.text == (
        "+50 m since 10/01/2026, better; beyond the MDC of 42.5 m in adults 18 to "
        "85 (Bohannon 2015)"
    )
    assert "two_minute_walk" not in norms.covered()
