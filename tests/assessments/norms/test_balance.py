"""Golden tables of the balance and mobility norms, against the published numbers."""

from datetime import date
from decimal import Decimal

import pytest

from assessments import norms
from tests.assessments.norms.helpers import SERVICE, born_years_before, standing

D = Decimal


def _aged(years: int, *, day_before: bool = False) -> norms.Person:
    birth = born_years_before(years, day_before=day_before)
    return norms.Person(norms.age_on(birth, SERVICE), "female")


# --- TUG: Bohannon 2006, mean (95 % CI) ------------------------------------------

TUG = [
    (60, 69, "8.1", "7.1", "9.0"),
    (70, 79, "9.2", "8.2", "10.2"),
    (80, 99, "11.3", "10.0", "12.7"),
]


@pytest.mark.parametrize(("youngest", "oldest", "mean", "low", "high"), TUG)
def test_tug_reference_values_from_the_birthday_to_the_band_end(
    youngest, oldest, mean, low, high
):
    for person in (_aged(youngest), _aged(oldest + 1, day_before=True)):
        at_mean = standing("timed_up_and_go", mean, person)
        assert at_mean.percent == D("100.0")
        assert at_mean.band == "within"
        assert norms.guides("timed_up_and_go", person).band == (D(low), D(high))
        assert standing("timed_up_and_go", high, person).band == "within"
        slower = standing("timed_up_and_go", str(D(high) + D("0.1")), person)
        assert slower.band == "above"
        assert "slower than the 95 % CI of the mean" in slower.text


def test_tug_the_day_before_sixty_and_at_a_hundred_has_no_norm():
    assert norms.interpret(
        "timed_up_and_go", D(9), _aged(60, day_before=True)
    ).missing == ("No published norm for age 59.")
    assert norms.interpret("timed_up_and_go", D(9), _aged(100)).missing == (
        "No published norm for age 100."
    )


def test_tug_percent_is_the_norm_time_over_the_patients_so_slower_is_lower():
    result = standing("timed_up_and_go", "14.2", norms.Person(75, "male"))
    assert result.norm == "Adults 70–79: mean 9.2 s, 95 % CI of the mean 8.2–10.2 s"
    assert result.percent == D("64.8")
    assert result.text == (
        "64.8 % of the mean for adults 70–79 (9.2 s ÷ 14.2 s); slower than the "
        "95 % CI of the mean"
    )


@pytest.mark.parametrize(
    ("value", "texts"),
    [
        ("11.9", []),
        ("12.0", ["TUG 12.0 s ≥ 12 s: at risk for falling (CDC STEADI 2017)"]),
        (
            "13.5",
            [
                "TUG 13.5 s ≥ 12 s: at risk for falling (CDC STEADI 2017)",
                "TUG 13.5 s ≥ 13.5 s: higher fall risk (Shumway-Cook 2000)",
            ],
        ),
        (
            "20.0",
            [
                "TUG 20.0 s ≥ 12 s: at risk for falling (CDC STEADI 2017)",
                "TUG 20.0 s ≥ 13.5 s: higher fall risk (Shumway-Cook 2000)",
                "TUG 20.0 s ≥ 20 s: low physical performance (severe sarcopenia) "
                "(EWGSOP2 2019)",
            ],
        ),
    ],
)
def test_tug_cutoffs_at_their_edges(value, texts):
    flags = norms.interpret("timed_up_and_go", D(value), norms.Person(None, None)).flags
    assert [flag.text for flag in flags] == texts


def test_tug_guides_draw_every_cutoff_and_say_lower_is_better():
    guides = norms.guides("timed_up_and_go", norms.Person(75, None))
    assert guides.higher_is_better is False
    assert guides.band_label == "95 % CI of the mean, adults 70–79 (Bohannon 2006)"
    assert guides.cutoffs == (
        (D(12), "Fall risk ≥ 12 s (CDC STEADI 2017)"),
        (D("13.5"), "Fall risk ≥ 13.5 s (Shumway-Cook 2000)"),
        (D(20), "Low performance ≥ 20 s (EWGSOP2 2019)"),
    )


# --- 8-foot up-and-go: Jones & Rikli 2002 normal ranges ---------------------------

EIGHT_FOOT = [
    # youngest, oldest, women fast-slow, men fast-slow
    (60, 64, "4.4", "6.0", "3.8", "5.6"),
    (65, 69, "4.8", "6.4", "4.3", "5.7"),
    (70, 74, "4.9", "7.1", "4.2", "6.0"),
    (75, 79, "5.2", "7.4", "4.6", "7.2"),
    (80, 84, "5.7", "8.7", "5.2", "7.6"),
    (85, 89, "6.2", "9.6", "5.3", "8.9"),
    (90, 94, "7.3", "11.5", "6.2", "10.0"),
]


@pytest.mark.parametrize(
    ("youngest", "oldest", "w_low", "w_high", "m_low", "m_high"), EIGHT_FOOT
)
def test_eight_foot_up_and_go_ranges_read_slower_as_worse(
    youngest, oldest, w_low, w_high, m_low, m_high
):
    for sex, low, high in (("female", w_low, w_high), ("male", m_low, m_high)):
        for age in (youngest, oldest):
            person = norms.Person(age, sex)
            assert norms.guides("eight_foot_up_and_go", person).band == (
                D(low),
                D(high),
            )
            slower = standing("eight_foot_up_and_go", str(D(high) + D("0.1")), person)
            assert slower.band == "above"
            assert slower.text.startswith("Slower than the normal range")
            faster = standing("eight_foot_up_and_go", str(D(low) - D("0.1")), person)
            assert faster.band == "below"
            assert faster.text.startswith("Faster than the normal range")


# --- scales with cut-offs -----------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "flagged", "clear", "text"),
    [
        (
            "berg_balance_scale",
            "44",
            "45",
            "Berg 44 points < 45 points: increased fall risk (Berg 1992)",
        ),
        (
            "functional_gait_assessment",
            "22",
            "23",
            "FGA 22 points ≤ 22 points: fall risk in community-dwelling older adults "
            "(Wrisley & Kumar 2010)",
        ),
        (
            "mini_bestest",
            "18",
            "19",
            "Mini-BESTest 18 points < 19 points: higher risk of recurrent falls in "
            "Parkinson disease (Mak & Auyeung 2013)",
        ),
        (
            "steadi_four_stage_balance",
            "2",
            "3",
            "4-stage balance 2 stages < 3 stages: increased fall risk (tandem "
            "stance not held 10 s) (CDC STEADI 2017)",
        ),
        (
            "single_leg_stance",
            "4.9",
            "5.0",
            "Single-leg stance 4.9 s < 5 s: below the 5-s criterion several authors "
            "use (Bohannon 2006)",
        ),
        (
            "four_square_step_test",
            "15.1",
            "15.0",
            "FSST 15.1 s > 15 s: in the range of older adults with multiple falls "
            "(Dite & Temple 2002)",
        ),
        (
            "functional_reach",
            "6.0",
            "10.0",
            "Functional reach 6.0 in ≤ 6 in: 4 times the odds of recurrent falls "
            "(odds ratio 4.02, older men) (Duncan 1992)",
        ),
    ],
)
def test_scale_cutoffs_at_their_edges(code, flagged, clear, text):
    person = norms.Person(75, "female")
    assert norms.interpret(code, D(flagged), person).flags[0].text == text
    assert norms.interpret(code, D(clear), person).flags == ()


@pytest.mark.parametrize(
    ("score", "meanings"),
    [
        ("24", []),
        ("23", ["moderate or high fall risk"]),
        ("19", ["moderate or high fall risk"]),
        ("18", ["moderate or high fall risk", "high fall risk"]),
    ],
)
def test_tinetti_bands(score, meanings):
    flags = norms.interpret("tinetti_poma", D(score), norms.Person(80, "male")).flags
    assert [
        flag.text.split(": ", 1)[1].rsplit(" (", 1)[0] for flag in flags
    ] == meanings


def test_functional_reach_between_six_and_ten_inches_raises_the_odds():
    flags = norms.interpret(
        "functional_reach", D("9.9"), norms.Person(None, None)
    ).flags
    assert [flag.text for flag in flags] == [
        "Functional reach 9.9 in < 10 in: raised odds of recurrent falls (odds "
        "ratio 2.00 from 6 to 10 in, older men) (Duncan 1992)"
    ]


def test_berg_and_dgi_changes_are_judged_by_their_mdc():
    before = (date(2026, 10, 1), D(40))
    berg = norms.interpret(
        "berg_balance_scale", D(47), norms.Person(80, None), previous=before
    ).change
    assert berg.meaningful is True
    assert berg.text == (
        "+7 points since 10/01/2026, better; beyond the MDC of 6.5 points in "
        "community-dwelling older adults at risk of falling (Romero 2011)"
    )
    dgi = norms.interpret(
        "dynamic_gait_index", D(15), norms.Person(80, None), previous=(before[0], D(13))
    ).change
    assert dgi.meaningful is False
    assert "dynamic_gait_index" not in norms.covered()
    assert "four_square_step_test" in norms.covered()


# --- single-leg stance: Bohannon 2006 means ------------------------------------------

STANCE = [(60, 69, "27.0"), (70, 79, "17.2"), (80, 99, "8.5")]


@pytest.mark.parametrize(("youngest", "oldest", "mean"), STANCE)
def test_single_leg_stance_means_at_the_band_edges(youngest, oldest, mean):
    for person in (_aged(youngest), _aged(oldest + 1, day_before=True)):
        result = standing("single_leg_stance", mean, person, side="left")
        assert result.percent == D("100.0")
        assert result.norm == f"Adults {youngest}–{oldest}: mean {mean} s"
    assert norms.interpret("single_leg_stance", D(10), _aged(59)).missing == (
        "No published norm for age 59."
    )
