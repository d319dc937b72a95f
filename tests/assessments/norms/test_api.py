"""The norms package's public API: ages, people, unknown codes and missing data.

Pure Python, no database.
"""

import re
from datetime import date
from decimal import Decimal

import pytest

from assessments import catalog, norms
from tests.assessments.norms.helpers import SERVICE, born_years_before, man, woman

D = Decimal


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(1951, 12, 2), date(2026, 12, 2), 75),  # the birthday itself counts
        (date(1951, 12, 3), date(2026, 12, 2), 74),  # the day before it
        (date(1951, 12, 1), date(2026, 12, 2), 75),
        (date(1952, 2, 29), date(2027, 2, 28), 74),  # leap-day birthday
        (date(1952, 2, 29), date(2027, 3, 1), 75),
        (date(1952, 2, 29), date(2028, 2, 29), 76),
        (date(2026, 12, 2), date(2026, 12, 2), 0),
    ],
)
def test_age_on_counts_whole_years_and_the_birthday(birth, on, age):
    assert norms.age_on(birth, on) == age


def test_band_edge_helpers_make_the_ages_the_golden_tables_need():
    assert norms.age_on(born_years_before(70), SERVICE) == 70
    assert norms.age_on(born_years_before(70, day_before=True), SERVICE) == 69


@pytest.mark.parametrize("sex", ["other", "", "unknown", "F", None])
def test_a_sex_the_tables_do_not_split_by_is_none(sex):
    assert norms.Person(age=70, sex=sex).sex is None


def test_an_unknown_code_never_raises_and_says_there_is_no_norm():
    result = norms.interpret("no_such_test", D(5), woman(70))
    assert result == norms.Interpretation(
        None, (), None, "No published norm in Perfnote for this test."
    )
    assert result.sources == ()
    assert norms.guides("no_such_test", woman(70)) == norms.Guides(
        None, "", (), higher_is_better=True
    )


def test_a_float_is_refused_rather_than_rounded():
    with pytest.raises(TypeError):
        norms.interpret("timed_up_and_go", 12.5, woman(70))


def test_every_covered_code_is_a_catalog_code_in_its_unit():
    from assessments.norms.interpret import BY_CODE

    assert norms.covered() <= set(catalog.CATALOG)
    for code in norms.covered():
        assert BY_CODE[code].unit == catalog.CATALOG[code].unit, code


def test_timed_tests_are_lower_is_better_and_the_others_higher():
    """Timed tasks read the faster the better; hold times and everything else
    the more the better. Every test the catalog summarises by its fastest trial
    is among them."""
    from assessments.norms.interpret import BY_CODE

    lower = {code for code, entry in BY_CODE.items() if not entry.higher_is_better}
    assert lower == {
        "timed_up_and_go",
        "five_times_sit_to_stand",
        "eight_foot_up_and_go",
        "four_square_step_test",
        "timed_hop_6m",
        "nine_hole_peg_test",
    }
    fastest_kept = {
        code
        for code, test in catalog.CATALOG.items()
        if test.summary is catalog.Summary.MIN
    }
    assert fastest_kept <= lower


def test_every_catalog_test_has_an_entry_so_its_change_reads_right():
    from assessments.norms.interpret import BY_CODE

    assert set(BY_CODE) == set(catalog.CATALOG)


def test_sources_are_numbered_once_and_cite_a_year():
    assert set(norms.SOURCES) == {s.number for s in norms.SOURCES.values()}
    for number, source in norms.SOURCES.items():
        assert source.number == number
        assert re.search(r"(19|20)\d\d|CFR", source.citation), number
        assert source.short


@pytest.mark.parametrize(
    ("person", "missing"),
    [
        (norms.Person(None, "female"), "Date of birth not recorded."),
        (norms.Person(75, None), "Sex not recorded."),
        (norms.Person(None, None), "Date of birth and sex not recorded."),
    ],
)
def test_a_patient_without_date_of_birth_or_sex_gets_no_norm_and_why(person, missing):
    result = norms.interpret("chair_stand_30s", D(12), person)
    assert result.standing is None
    assert result.missing == missing


def test_an_age_outside_every_band_is_never_guessed():
    for age in (59, 95, 18):
        result = norms.interpret("chair_stand_30s", D(12), woman(age))
        assert result.standing is None
        assert result.missing == f"No published norm for age {age}."


def test_a_birth_date_after_the_date_of_service_is_said_so_not_read_as_an_age():
    age = norms.age_on(date(2027, 1, 5), date(2026, 12, 2))
    assert age == -1
    result = norms.interpret("timed_up_and_go", D("14.0"), woman(age))
    assert result.standing is None
    assert result.missing == "The date of birth is after the date of service."
    assert len(result.flags) == 2  # the cut-offs do not depend on age


def test_cutoffs_still_apply_without_a_norm_for_the_age():
    result = norms.interpret("timed_up_and_go", D("14.2"), man(45))
    assert result.standing is None
    assert result.missing == "No published norm for age 45."
    assert [flag.text for flag in result.flags] == [
        "TUG 14.2 s ≥ 12 s: at risk for falling (CDC STEADI 2017)",
        "TUG 14.2 s ≥ 13.5 s: higher fall risk (Shumway-Cook 2000)",
    ]


def test_sources_lists_every_cited_source_once_by_number():
    result = norms.interpret(
        "timed_up_and_go",
        D("14.2"),
        woman(75),
        previous=(date(2026, 10, 23), D("15.9")),
    )
    assert [source.number for source in result.sources] == [4, 5, 6, 7]
