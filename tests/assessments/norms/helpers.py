"""Shared helpers of the norms tests: people of a given age and sex on a date."""

from datetime import date
from decimal import Decimal

from assessments import norms

SERVICE = date(2026, 12, 2)


def born_years_before(years: int, *, day_before: bool = False) -> date:
    """Return a birth date that makes the patient ``years`` old on SERVICE.

    With ``day_before`` the birthday is tomorrow, so the patient is still
    ``years - 1``: the day before a band edge.
    """
    birth = SERVICE.replace(year=SERVICE.year - years)
    if day_before:
        birth = birth.replace(day=birth.day + 1)
    return birth


def woman(age: int | None) -> norms.Person:
    return norms.Person(age=age, sex="female")


def man(age: int | None) -> norms.Person:
    return norms.Person(age=age, sex="male")


def standing(code: str, value: str, person: norms.Person, **kwargs: object):
    """Return the standing of a result typed as text, asserting it has one."""
    result = norms.interpret(code, Decimal(value), person, **kwargs)
    assert result.standing is not None, result.missing
    return result.standing
