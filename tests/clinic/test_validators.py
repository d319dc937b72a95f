"""ICD-10-CM and NPI formats the forms and the admin accept."""

import pytest
from django.core.exceptions import ValidationError

from clinic.models import icd10_validator


@pytest.mark.parametrize(
    "code",
    [
        "M17.11",
        "R26.81",
        "S83.511D",
        "U07.1",  # COVID-19: U codes are CDC's special-purpose codes
        "U09.9",  # post COVID-19 condition
        "C4A.0",  # letter in the third place
        "M1A.0710",
        "Z3A.20",
        "T23.2X1A",  # placeholder X and seventh character
        "Z96.651",
        "R51",
    ],
)
def test_valid_icd10_cm_codes_are_accepted(code):
    # given / when / then
    icd10_validator(code)


@pytest.mark.parametrize(
    "code",
    ["17.11", "M1", "M17.", "M17.11111", "m17.11", "MM7.11", "M17-11", "M17.1 1"],
)
def test_malformed_codes_are_refused(code):
    # given / when / then
    with pytest.raises(ValidationError):
        icd10_validator(code)
