"""The building blocks of the tables: populations, cut-offs, and how a table
split by side or by a recorded condition is read (no catalog test uses such a
split yet; a source that gives one must be read right the day it is added)."""

from decimal import Decimal

import pytest

from assessments import norms
from assessments.norms.interpret import _standing
from assessments.norms.model import Cutoff, NormEntry, Population, Row, Table
from assessments.norms.sources import RIKLI_JONES_CHAIR_STAND

D = Decimal
SOURCE = RIKLI_JONES_CHAIR_STAND


def _split(population: Population) -> NormEntry:
    return NormEntry(
        code="synthetic",
        name="Synthetic",
        unit="s",
        higher_is_better=True,
        tables=(Table(source=SOURCE, rows=(Row(population, centre=D(10)),)),),
    )


@pytest.mark.parametrize(
    ("population", "label"),
    [
        (Population(75, 79, sex="female"), "Women 75–79"),
        (Population(70, sex="male", dominant=True), "Men 70+, dominant hand"),
        (Population(60, 69, side="left"), "Adults 60–69, left side"),
        (
            Population(None, condition=("pace", "Fast")),
            "Adults, fast pace",
        ),
    ],
)
def test_population_labels_read_as_the_source_prints_them(population, label):
    assert population.label == label


def test_a_table_split_by_side_needs_the_side():
    entry = _split(Population(60, 69, side="left"))
    person = norms.Person(65, None)
    assert _standing(entry, D(10), person, "", None, {}) == (
        None,
        "Side not recorded.",
    )
    assert _standing(entry, D(10), person, "right", None, {}) == (
        None,
        "No published norm for these test conditions.",
    )
    standing, missing = _standing(entry, D(10), person, "left", None, {})
    assert missing == ""
    assert standing.percent == D("100.0")


def test_a_table_split_by_a_condition_needs_it_recorded():
    entry = _split(Population(None, condition=("pace", "Fast")))
    person = norms.Person(None, None)
    assert _standing(entry, D(10), person, "", None, {})[1] == "Pace not recorded."
    assert _standing(entry, D(10), person, "", None, {"pace": "Comfortable"})[1] == (
        "No published norm for these test conditions."
    )
    assert _standing(entry, D(10), person, "", None, {"pace": "Fast"})[1] == ""


def test_everything_missing_is_listed_in_one_sentence():
    entry = _split(Population(60, 69, sex="female", side="left", dominant=True))
    assert _standing(entry, D(10), norms.Person(None, None), "", None, {})[1] == (
        "Date of birth, sex, side and hand dominance not recorded."
    )


def test_an_unknown_cutoff_operator_is_refused_at_import():
    with pytest.raises(ValueError, match="Unknown cut-off operator"):
        Cutoff(D(1), "=<", "meaning", "label", SOURCE)
