"""Golden values of the flexibility norms: ROM normal values and SFT medians."""

from decimal import Decimal

import pytest

from assessments import catalog, norms
from tests.assessments.norms.helpers import man, standing, woman

D = Decimal

# code, normal value, AMA lower limit of normal (upper limb), source
ROM = [
    ("rom_shoulder_flexion", 180, 180, "Norkin & White 2016"),
    ("rom_shoulder_extension", 60, 50, "Norkin & White 2016"),
    ("rom_shoulder_abduction", 180, 170, "Norkin & White 2016"),
    ("rom_shoulder_internal_rotation", 70, 80, "Norkin & White 2016"),
    ("rom_shoulder_external_rotation", 90, 60, "Norkin & White 2016"),
    ("rom_elbow_flexion", 150, 140, "Norkin & White 2016"),
    ("rom_forearm_pronation", 80, 80, "Norkin & White 2016"),
    ("rom_forearm_supination", 80, 80, "Norkin & White 2016"),
    ("rom_wrist_flexion", 80, 60, "Norkin & White 2016"),
    ("rom_wrist_extension", 70, 60, "Norkin & White 2016"),
    ("rom_wrist_radial_deviation", 20, 20, "Norkin & White 2016"),
    ("rom_wrist_ulnar_deviation", 30, 30, "Norkin & White 2016"),
    ("rom_hip_flexion", 125, None, "38 CFR 4.71"),
    ("rom_hip_extension", 30, None, "38 CFR 4.71"),
    ("rom_hip_abduction", 45, None, "38 CFR 4.71"),
    ("rom_hip_adduction", 25, None, "38 CFR 4.71"),
    ("rom_hip_internal_rotation", 40, None, "38 CFR 4.71"),
    ("rom_hip_external_rotation", 60, None, "38 CFR 4.71"),
    ("rom_knee_flexion", 140, None, "38 CFR 4.71"),
    ("rom_ankle_dorsiflexion", 20, None, "38 CFR 4.71"),
    ("rom_ankle_plantarflexion", 45, None, "38 CFR 4.71"),
]


@pytest.mark.parametrize(("code", "normal", "ama", "short"), ROM)
def test_rom_reads_as_percent_of_the_normal_value_for_any_adult(
    code, normal, ama, short
):
    assert code in catalog.CATALOG
    person = norms.Person(None, None)  # the normal value needs neither age nor sex
    at_normal = standing(code, str(normal), person, side="left")
    assert at_normal.percent == D("100.0")
    assert at_normal.source.short == short
    half = standing(code, str(D(normal) / 2), person, side="right")
    assert half.percent == D("50.0")
    if ama is None:
        assert at_normal.norm == f"Adults: normal value {normal} degrees"
        assert half.band == ""
    else:
        assert at_normal.norm == (
            f"Adults: normal value (AAOS) {normal} degrees, AMA normal ≥ {ama} degrees"
        )
        assert standing(code, str(ama), person).band == "within"
        assert standing(code, str(ama - 1), person).band == "below"


def test_rom_below_the_ama_normal_says_so():
    result = standing("rom_shoulder_flexion", "150", norms.Person(None, None))
    assert result.text == (
        "83.3 % of the normal value (AAOS) for adults; below the AMA normal"
    )


def test_every_goniometry_code_of_the_catalog_has_its_normal_value():
    rom_codes = {code for code in catalog.CATALOG if code.startswith("rom_")}
    assert rom_codes == {code for code, *_ in ROM} | {"rom_knee_extension"}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("-10", "10 degrees below the normal value for adults"),
        ("0", "At the normal value for adults"),
        ("5", "5 degrees above the normal value for adults"),
    ],
)
def test_knee_extension_reads_a_lag_in_degrees_not_a_percent(value, text):
    result = standing("rom_knee_extension", value, man(50))
    assert result.percent is None
    assert result.text == text


def test_a_negative_hip_extension_gets_no_percent():
    assert standing("rom_hip_extension", "-10", man(50)).percent is None


SIT_AND_REACH = [
    (60, "2.1", "0.6"),
    (65, "2.0", "0.0"),
    (70, "1.4", "0.0"),
    (75, "1.2", "-1.1"),
    (80, "0.5", "-2.0"),
    (85, "-0.1", "-2.4"),
    (90, "-1.7", "-3.6"),
]
BACK_SCRATCH = [
    (60, "-0.7", "-3.4"),
    (65, "-1.2", "-4.1"),
    (70, "-1.7", "-4.5"),
    (75, "-2.1", "-5.6"),
    (80, "-2.6", "-5.7"),
    (85, "-3.9", "-6.2"),
    (90, "-4.5", "-7.2"),
]


@pytest.mark.parametrize(
    ("code", "rows"),
    [("chair_sit_and_reach", SIT_AND_REACH), ("back_scratch", BACK_SCRATCH)],
)
def test_sft_flexibility_medians_from_sixty_to_ninety_four(code, rows):
    for youngest, women, men in rows:
        for person, median in ((woman(youngest), women), (man(youngest + 4), men)):
            result = standing(code, median, person)
            assert result.text.startswith("At the median")
            assert result.percent is None
            assert f"median {median.replace('-', '−')} in" in result.norm
    for age in (59, 95):
        outside = norms.interpret(code, D(0), woman(age))
        assert outside.standing is None
        assert outside.missing == f"No published norm for age {age}."


def test_sit_and_reach_reads_inches_from_the_median():
    result = standing("chair_sit_and_reach", "-1.5", woman(72))
    assert result.text == "2.9 in below the median for women 70–74"
