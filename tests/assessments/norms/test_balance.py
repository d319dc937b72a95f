"""Golden tables of the balance and mobility norms, against the published numbers."""

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
