"""Tests for the standardized-test catalog (pure Python, no database)."""

import ast
import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments import catalog
from assessments.catalog import CATALOG, CatalogTest, Category, Summary

D = Decimal

ROM_CODES = {
    "rom_shoulder_flexion",
    "rom_shoulder_extension",
    "rom_shoulder_abduction",
    "rom_shoulder_internal_rotation",
    "rom_shoulder_external_rotation",
    "rom_elbow_flexion",
    "rom_forearm_pronation",
    "rom_forearm_supination",
    "rom_wrist_flexion",
    "rom_wrist_extension",
    "rom_wrist_radial_deviation",
    "rom_wrist_ulnar_deviation",
    "rom_hip_flexion",
    "rom_hip_extension",
    "rom_hip_abduction",
    "rom_hip_adduction",
    "rom_hip_internal_rotation",
    "rom_hip_external_rotation",
    "rom_knee_flexion",
    "rom_knee_extension",
    "rom_ankle_dorsiflexion",
    "rom_ankle_plantarflexion",
}


# --- shape of the catalog ---------------------------------------------------


def test_codes_are_unique_lowercase_slugs_matching_their_keys():
    """Codes are stored on rows, so each is a slug and the key it is filed under."""
    assert len(CATALOG) == len({t.code for t in CATALOG.values()})
    for code, test in CATALOG.items():
        assert code == test.code
        assert re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code), code


def test_catalog_holds_exactly_the_documented_codes():
    """Adding or dropping a code is a deliberate change, so the list is pinned."""
    assert set(CATALOG) == ROM_CODES | {
        "grip_dynamometry",
        "manual_muscle_test",
        "one_rep_max",
        "chair_stand_30s",
        "five_times_sit_to_stand",
        "six_minute_walk",
        "two_minute_step",
        "ten_metre_walk",
        "chair_sit_and_reach",
        "back_scratch",
        "timed_up_and_go",
        "berg_balance_scale",
        "single_leg_stance",
        "functional_reach",
        "single_hop_distance",
        "triple_hop_distance",
        "crossover_hop_distance",
        "timed_hop_6m",
        # added after the protocol review of December 2026
        "pinch_strength",
        "hand_held_dynamometry",
        "isokinetic_peak_torque",
        "arm_curl_30s",
        "biering_sorensen",
        "two_minute_walk",
        "eight_foot_up_and_go",
        "functional_gait_assessment",
        "dynamic_gait_index",
        "tinetti_poma",
        "mini_bestest",
        "sppb",
        "steadi_four_stage_balance",
        "four_square_step_test",
        "nine_hole_peg_test",
        "box_and_block",
        "y_balance_lower",
    }
    assert len(CATALOG) == 57


@pytest.mark.parametrize(
    ("code", "category", "unit", "trials", "per_side", "decimal_places", "summary"),
    [
        ("grip_dynamometry", Category.STRENGTH, "kg", 3, True, 1, "mean"),
        ("manual_muscle_test", Category.STRENGTH, "grade", 1, True, 0, "max"),
        ("one_rep_max", Category.STRENGTH, "kg", 1, False, 1, "max"),
        ("chair_stand_30s", Category.STRENGTH, "stands", 1, False, 0, "max"),
        ("five_times_sit_to_stand", Category.STRENGTH, "s", 1, False, 1, "min"),
        ("six_minute_walk", Category.ENDURANCE, "m", 1, False, 0, "max"),
        ("two_minute_step", Category.ENDURANCE, "steps", 1, False, 0, "max"),
        ("ten_metre_walk", Category.ENDURANCE, "m/s", 2, False, 2, "mean"),
        ("chair_sit_and_reach", Category.FLEXIBILITY, "in", 2, True, 1, "max"),
        ("back_scratch", Category.FLEXIBILITY, "in", 2, True, 1, "max"),
        ("timed_up_and_go", Category.BALANCE, "s", 1, False, 1, "min"),
        ("berg_balance_scale", Category.BALANCE, "points", 1, False, 0, "max"),
        ("single_leg_stance", Category.BALANCE, "s", 3, True, 1, "max"),
        ("functional_reach", Category.BALANCE, "in", 3, False, 1, "mean"),
        ("single_hop_distance", Category.FUNCTION, "cm", 2, True, 1, "max"),
        ("triple_hop_distance", Category.FUNCTION, "cm", 2, True, 1, "max"),
        ("crossover_hop_distance", Category.FUNCTION, "cm", 2, True, 1, "max"),
        ("timed_hop_6m", Category.FUNCTION, "s", 2, True, 2, "min"),
        ("pinch_strength", Category.STRENGTH, "kg", 3, True, 1, "mean"),
        ("hand_held_dynamometry", Category.STRENGTH, "kg", 3, True, 1, "max"),
        ("isokinetic_peak_torque", Category.STRENGTH, "Nm", 1, True, 1, "max"),
        ("arm_curl_30s", Category.STRENGTH, "curls", 1, True, 0, "max"),
        ("biering_sorensen", Category.ENDURANCE, "s", 1, False, 0, "max"),
        ("two_minute_walk", Category.ENDURANCE, "m", 1, False, 0, "max"),
        ("eight_foot_up_and_go", Category.BALANCE, "s", 2, False, 1, "min"),
        ("functional_gait_assessment", Category.BALANCE, "points", 1, False, 0, "max"),
        ("dynamic_gait_index", Category.BALANCE, "points", 1, False, 0, "max"),
        ("tinetti_poma", Category.BALANCE, "points", 1, False, 0, "max"),
        ("mini_bestest", Category.BALANCE, "points", 1, False, 0, "max"),
        ("sppb", Category.BALANCE, "points", 1, False, 0, "max"),
        ("steadi_four_stage_balance", Category.BALANCE, "stages", 1, False, 0, "max"),
        ("four_square_step_test", Category.BALANCE, "s", 2, False, 1, "min"),
        ("nine_hole_peg_test", Category.DEXTERITY, "s", 2, True, 1, "mean"),
        ("box_and_block", Category.DEXTERITY, "blocks", 1, True, 0, "max"),
    ],
)
def test_required_test_is_recorded_as_its_protocol_says(
    code, category, unit, trials, per_side, decimal_places, summary
):
    """Each named test has the category, unit, trials and sides of its protocol."""
    test = CATALOG[code]
    assert test.category is category
    assert test.unit == unit
    assert test.trials == trials
    assert test.per_side is per_side
    assert test.decimal_places == decimal_places
    assert test.summary == summary
    assert test.routine_measure is (code == "manual_muscle_test")


@pytest.mark.parametrize(
    ("code", "plausible_min", "plausible_max"),
    [
        ("grip_dynamometry", D(0), D(100)),
        ("manual_muscle_test", D(0), D(5)),
        ("one_rep_max", D(0), D(500)),
        ("chair_stand_30s", D(0), D(60)),
        ("five_times_sit_to_stand", D(2), D(120)),
        ("six_minute_walk", D(0), D(1000)),
        ("two_minute_step", D(0), D(250)),
        ("ten_metre_walk", D("0.05"), D("3.0")),
        ("chair_sit_and_reach", D(-20), D(20)),
        ("back_scratch", D(-30), D(15)),
        ("timed_up_and_go", D(1), D(300)),
        ("berg_balance_scale", D(0), D(56)),
        ("single_leg_stance", D(0), D(300)),
        ("functional_reach", D(0), D(25)),
        ("single_hop_distance", D(0), D(400)),
        ("triple_hop_distance", D(0), D(1000)),
        ("crossover_hop_distance", D(0), D(1000)),
        ("timed_hop_6m", D("0.5"), D(20)),
        ("biering_sorensen", D(0), D(240)),
        ("box_and_block", D(0), D(150)),
        ("rom_shoulder_flexion", D(0), D(210)),
        ("rom_knee_flexion", D(0), D(170)),
        ("rom_knee_extension", D(-30), D(20)),
        ("rom_hip_extension", D(-30), D(60)),
        ("rom_ankle_dorsiflexion", D(-30), D(50)),
        ("rom_ankle_plantarflexion", D(0), D(75)),
    ],
)
def test_plausible_range_is_pinned(code, plausible_min, plausible_max):
    """Bounds are generous physiologic limits, pinned so a change is deliberate."""
    assert CATALOG[code].plausible_min == plausible_min
    assert CATALOG[code].plausible_max == plausible_max


def test_every_rom_entry_is_a_routine_per_side_whole_degree_measure():
    """Goniometry is one entry per joint and motion, flagged routine for billing."""
    for code in ROM_CODES:
        test = CATALOG[code]
        joint_motion = code.removeprefix("rom_").replace("_", " ")
        assert test.name == f"Goniometric ROM \N{EM DASH} {joint_motion}"
        assert test.category is Category.FLEXIBILITY
        assert test.unit == "degrees"
        assert test.trials == 1
        assert test.per_side is True
        assert test.decimal_places == 0
        assert test.routine_measure is True


def test_only_rom_and_manual_muscle_testing_are_routine_measures():
    """Billing flags routine measures, so nothing else may carry the flag."""
    routine = {code for code, test in CATALOG.items() if test.routine_measure}
    assert routine == ROM_CODES | {"manual_muscle_test"}


def test_every_entry_is_complete_and_consistent():
    """Every entry has a sentence of protocol, a source, sane bounds and no norms."""
    for test in CATALOG.values():
        assert test.plausible_min < test.plausible_max, test.code
        assert test.trials >= 1, test.code
        assert test.name.strip(), test.code
        assert test.protocol.endswith("."), test.code
        # The source is printed on the note: a public citation, never our notes.
        assert test.source.strip(), test.code
        assert "DOMAIN" not in test.source, test.code
        assert test.norms == (), test.code


def test_catalog_is_read_only():
    """The catalog is shared by every request, so nothing may change it."""
    with pytest.raises(TypeError):
        CATALOG["x"] = CATALOG["grip_dynamometry"]  # type: ignore[index]


def test_entry_with_inverted_bounds_is_refused():
    """A catalog typo fails at import rather than letting every value through."""
    with pytest.raises(ValueError, match="plausible_min must be below plausible_max"):
        CatalogTest(
            code="bad_bounds",
            name="Bad",
            category=Category.BALANCE,
            unit="s",
            trials=1,
            per_side=False,
            plausible_min=D(10),
            plausible_max=D(1),
            decimal_places=0,
            summary=Summary.MAX,
            protocol="None.",
            source="None",
        )


def test_entry_with_non_slug_code_is_refused():
    with pytest.raises(ValueError, match="is not a lowercase slug"):
        CatalogTest(
            code="Bad Code",
            name="Bad",
            category=Category.BALANCE,
            unit="s",
            trials=1,
            per_side=False,
            plausible_min=D(0),
            plausible_max=D(1),
            decimal_places=0,
            summary=Summary.MAX,
            protocol="None.",
            source="None",
        )


# --- ordering, grouping and lookup ------------------------------------------


def test_catalog_is_ordered_by_category_then_name():
    """Display order: category groups in enum order, then natural name order."""
    codes = list(CATALOG)
    assert codes[:4] == [
        "arm_curl_30s",
        "chair_stand_30s",
        "five_times_sit_to_stand",
        "grip_dynamometry",
    ]
    assert codes[-6:] == [
        "timed_hop_6m",
        "crossover_hop_distance",
        "single_hop_distance",
        "triple_hop_distance",
        "box_and_block",
        "nine_hole_peg_test",
    ]
    categories = [t.category for t in CATALOG.values()]
    assert categories == sorted(categories, key=list(Category).index)


def test_category_labels():
    assert [(c.value, c.label) for c in Category] == [
        ("strength", "Strength"),
        ("endurance", "Endurance / mobility"),
        ("flexibility", "Flexibility"),
        ("balance", "Balance"),
        ("function", "Function"),
        ("dexterity", "Dexterity"),
    ]


def test_by_category_groups_every_test_once_in_display_order():
    groups = catalog.by_category()
    assert list(groups) == list(Category)
    assert [t.code for t in groups[Category.DEXTERITY]] == [
        "box_and_block",
        "nine_hole_peg_test",
    ]
    assert [t.code for tests in groups.values() for t in tests] == list(CATALOG)
    assert len(groups[Category.FLEXIBILITY]) == 24


def test_choices_are_django_grouped_choices_by_category_label():
    """A form field takes choices() as is: (label, [(code, name), ...]) groups."""
    grouped = catalog.choices()
    assert [label for label, _ in grouped] == [
        "Strength",
        "Endurance / mobility",
        "Flexibility",
        "Balance",
        "Function",
        "Dexterity",
    ]
    assert grouped[5] == (
        "Dexterity",
        [
            ("box_and_block", "Box and Block test"),
            ("nine_hole_peg_test", "Nine-hole peg test"),
        ],
    )
    assert grouped[4] == (
        "Function",
        [
            ("timed_hop_6m", "6-metre timed hop"),
            ("crossover_hop_distance", "Crossover hop for distance"),
            ("single_hop_distance", "Single-leg hop for distance"),
            ("triple_hop_distance", "Triple hop for distance"),
        ],
    )
    assert [code for _, pairs in grouped for code, _ in pairs] == list(CATALOG)


def test_get_returns_the_entry():
    assert catalog.get("timed_up_and_go") is CATALOG["timed_up_and_go"]


def test_get_unknown_code_raises_key_error_with_clear_message():
    with pytest.raises(KeyError) as excinfo:
        catalog.get("tug")
    assert excinfo.value.args == (
        "Unknown test code 'tug': it is not in the Perfnote test catalog.",
    )


# --- check_value ------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "value"),
    [
        ("grip_dynamometry", D(0)),
        ("grip_dynamometry", D(100)),
        ("grip_dynamometry", D("100.0")),
        ("grip_dynamometry", D("42.5")),
        ("grip_dynamometry", D("42.50")),
        ("manual_muscle_test", D(0)),
        ("manual_muscle_test", D(5)),
        ("manual_muscle_test", D("4.0")),
        ("ten_metre_walk", D("0.05")),
        ("ten_metre_walk", D("3.00")),
        ("ten_metre_walk", D("1.27")),
        ("chair_sit_and_reach", D(-20)),
        ("chair_sit_and_reach", D(20)),
        ("back_scratch", D("-30.0")),
        ("rom_knee_extension", D(-30)),
        ("rom_knee_extension", D(20)),
        ("timed_hop_6m", D("0.5")),
        ("timed_hop_6m", D("1.85")),
        ("berg_balance_scale", D(56)),
    ],
)
def test_value_at_or_inside_the_bounds_is_accepted(code, value):
    assert CATALOG[code].check_value(value) is None


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        (
            "grip_dynamometry",
            D(180),
            "Grip strength (Jamar dynamometer): 180 kg is outside the plausible "
            "range 0\N{EN DASH}100 kg.",
        ),
        (
            "grip_dynamometry",
            D("100.1"),
            "Grip strength (Jamar dynamometer): 100.1 kg is outside the plausible "
            "range 0\N{EN DASH}100 kg.",
        ),
        (
            "grip_dynamometry",
            D("-0.1"),
            "Grip strength (Jamar dynamometer): -0.1 kg is outside the plausible "
            "range 0\N{EN DASH}100 kg.",
        ),
        (
            "manual_muscle_test",
            D(6),
            "Manual muscle test (MRC grade): 6 grade is outside the plausible "
            "range 0\N{EN DASH}5 grade.",
        ),
        (
            "ten_metre_walk",
            D("0.04"),
            "10-metre walk test (gait speed): 0.04 m/s is outside the plausible "
            "range 0.05\N{EN DASH}3.00 m/s.",
        ),
        (
            "ten_metre_walk",
            D("3.01"),
            "10-metre walk test (gait speed): 3.01 m/s is outside the plausible "
            "range 0.05\N{EN DASH}3.00 m/s.",
        ),
        (
            "chair_sit_and_reach",
            D("-20.1"),
            "Chair sit-and-reach: -20.1 in is outside the plausible range "
            "-20 to 20 in.",
        ),
        (
            "rom_knee_extension",
            D(21),
            "Goniometric ROM \N{EM DASH} knee extension: 21 degrees is outside the "
            "plausible range -30 to 20 degrees.",
        ),
        (
            "timed_up_and_go",
            D("0.9"),
            "Timed Up and Go (TUG): 0.9 s is outside the plausible range "
            "1\N{EN DASH}300 s.",
        ),
        (
            "six_minute_walk",
            D("1E+4"),
            "6-minute walk test (6MWT): 10000 m is outside the plausible range "
            "0\N{EN DASH}1000 m.",
        ),
    ],
)
def test_value_just_outside_the_bounds_is_refused_with_range_and_unit(
    code, value, message
):
    assert CATALOG[code].check_value(value) == message


@pytest.mark.parametrize(
    ("code", "value", "message"),
    [
        (
            "grip_dynamometry",
            D("42.55"),
            "Grip strength (Jamar dynamometer): give at most 1 decimal place.",
        ),
        (
            "ten_metre_walk",
            D("1.275"),
            "10-metre walk test (gait speed): give at most 2 decimal places.",
        ),
        (
            "berg_balance_scale",
            D("44.5"),
            "Berg Balance Scale: give a whole number.",
        ),
        (
            "manual_muscle_test",
            D("3.5"),
            "Manual muscle test (MRC grade): give a whole number.",
        ),
    ],
)
def test_value_with_too_many_decimals_is_refused(code, value, message):
    assert CATALOG[code].check_value(value) == message


def test_out_of_range_is_reported_before_too_many_decimals():
    """The range is the more useful correction when both are wrong."""
    assert CATALOG["grip_dynamometry"].check_value(D("180.55")) == (
        "Grip strength (Jamar dynamometer): 180.55 kg is outside the plausible "
        "range 0\N{EN DASH}100 kg."
    )


@pytest.mark.parametrize("value", [D("NaN"), D("Infinity"), D("-Infinity")])
def test_non_finite_value_is_refused(value):
    assert (
        CATALOG["timed_up_and_go"].check_value(value)
        == "Timed Up and Go (TUG): enter a number."
    )


def test_float_is_refused_rather_than_converted():
    """Floats cannot hold values like 0.1 exactly, so they are a programming error."""
    with pytest.raises(TypeError, match="needs a Decimal, not float"):
        CATALOG["grip_dynamometry"].check_value(42.5)  # type: ignore[arg-type]


@st.composite
def _test_and_valid_value(draw):
    test = draw(st.sampled_from(list(CATALOG.values())))
    value = draw(
        st.decimals(
            min_value=test.plausible_min,
            max_value=test.plausible_max,
            places=test.decimal_places,
            allow_nan=False,
            allow_infinity=False,
        )
    )
    return test, value


@given(_test_and_valid_value())
def test_any_in_range_value_with_allowed_decimals_is_accepted(test_and_value):
    test, value = test_and_value
    assert test.check_value(value) is None


@given(st.sampled_from(list(CATALOG.values())), st.integers(min_value=1, max_value=9))
def test_any_value_above_the_maximum_is_refused(test, excess_steps):
    value = test.plausible_max + excess_steps * D(1).scaleb(-test.decimal_places)
    assert "is outside the plausible range" in test.check_value(value)


# --- result -----------------------------------------------------------------


def test_max_summary_reports_the_best_trial():
    assert CATALOG["hand_held_dynamometry"].result(
        [D("30.5"), D("32.0"), D("31.2")]
    ) == D("32.0")


def test_max_summary_picks_the_least_negative_reach():
    """Sit-and-reach and back scratch may be negative; closer to + is better."""
    assert CATALOG["back_scratch"].result([D("-4.5"), D("-3.0")]) == D("-3.0")


def test_min_summary_reports_the_fastest_time():
    assert CATALOG["timed_hop_6m"].result([D("2.31"), D("2.05")]) == D("2.05")
    assert CATALOG["timed_up_and_go"].result([D("11.8")]) == D("11.8")


def test_mean_summary_averages_and_rounds_half_up_to_the_test_decimals():
    """The 10-metre walk averages its trials (sralab); 1.005 rounds to 1.01."""
    walk = CATALOG["ten_metre_walk"]
    assert walk.result([D("1.00"), D("1.01")]) == D("1.01")
    assert walk.result([D("1.20"), D("1.30")]) == D("1.25")
    assert walk.result([D("0.9"), D("1")]) == D("0.95")
    assert str(walk.result([D(1), D(1)])) == "1.00"


@pytest.mark.parametrize(
    "code", ["grip_dynamometry", "timed_up_and_go", "ten_metre_walk"]
)
def test_no_trials_gives_no_result(code):
    assert CATALOG[code].result([]) is None


@given(
    st.lists(
        st.decimals(min_value=D("0.05"), max_value=D(3), places=2),
        min_size=1,
        max_size=5,
    )
)
def test_mean_result_lies_between_the_trials(trials):
    result = CATALOG["ten_metre_walk"].result(trials)
    assert min(trials) <= result <= max(trials)
    assert CATALOG["ten_metre_walk"].check_value(result) is None


# --- the session form's script ---------------------------------------------------


def test_script_data_labels_every_test_with_json_safe_values():
    """script_data() gives the form's script each test's labels, items and conditions."""
    # when
    data = catalog.script_data()

    # then
    assert list(data) == list(CATALOG)
    assert data["grip_dynamometry"] == {
        "name": "Grip strength (Jamar dynamometer)",
        "abbreviation": "",
        "category": "Strength",
        "unit": "kg",
        "trials": 3,
        "practice_trials": 0,
        "per_side": True,
        "min": "0",
        "max": "100",
        "routine_measure": False,
        "grades": False,
        "items": [],
        "conditions": [
            {
                "key": "handle_position",
                "label": "Jamar handle position",
                "choices": ["1", "2", "3", "4", "5"],
                "unit": "",
                "required": False,
            }
        ],
        "entered": None,
    }
    assert data["manual_muscle_test"]["routine_measure"] is True
    assert data["berg_balance_scale"]["items"][0] == {
        "text": "Sitting to standing",
        "max": 4,
    }
    assert data["ten_metre_walk"]["entered"] == {
        "label": "Time",
        "unit": "s",
        "parts": [],
        "derivation": "speed",
    }
    assert json.loads(json.dumps(data)) == data


# --- protocols after the review of December 2026 ----------------------------


@pytest.mark.parametrize(
    ("code", "items", "highest", "total"),
    [
        ("berg_balance_scale", 14, {4}, 56),
        ("functional_gait_assessment", 10, {3}, 30),
        ("dynamic_gait_index", 8, {3}, 24),
        ("tinetti_poma", 16, {1, 2, 4}, 28),
        ("mini_bestest", 14, {2}, 28),
        ("sppb", 3, {4}, 12),
    ],
)
def test_composite_scales_are_scored_item_by_item(code, items, highest, total):
    """Berg 14 x 0-4; FGA 10 x 0-3; DGI 8 x 0-3; POMA 16 items, 28; Mini-BEST
    14 x 0-2; SPPB 3 x 0-4: the total is the sum and the plausible maximum."""
    test = CATALOG[code]
    assert len(test.items) == items
    assert {item.max_score for item in test.items} == highest
    assert test.plausible_max == total
    assert test.item_total([item.max_score for item in test.items]) == total


def test_tinetti_has_nine_balance_items_of_16_and_seven_gait_items_of_12():
    items = CATALOG["tinetti_poma"].items
    balance = [i for i in items if i.text.startswith("Balance")]
    gait = [i for i in items if i.text.startswith("Gait")]
    assert (len(balance), sum(i.max_score for i in balance)) == (9, 16)
    assert (len(gait), sum(i.max_score for i in gait)) == (7, 12)


def test_functional_reach_takes_the_mean_of_three_after_two_practice_trials():
    """Duncan 1990: two practice trials, then the mean of three."""
    test = CATALOG["functional_reach"]
    assert (test.practice_trials, test.trials) == (2, 3)
    assert test.result([D("10.0"), D("11.0"), D("11.5")]) == D("10.8")


@pytest.mark.parametrize("code", ["functional_reach", "grip_dynamometry"])
def test_results_recorded_under_rules_version_1_keep_the_best_trial(code):
    test = CATALOG[code]
    assert test.summary_for(1) is Summary.MAX
    assert test.summary_for(catalog.RULES_VERSION) is Summary.MEAN
    assert test.result([D("10.0"), D("12.0")], rules_version=1) == D("12.0")


def test_grip_records_the_jamar_handle_position():
    condition = CATALOG["grip_dynamometry"].condition("handle_position")
    assert condition.choices == ("1", "2", "3", "4", "5")
    assert condition.check("6") is not None


def test_six_minute_walk_asks_to_walk_as_far_as_possible_and_records_its_conditions():
    """ATS 2002: 'walk as far as possible'; course, device, O2, rests, HR, SpO2, Borg."""
    test = CATALOG["six_minute_walk"]
    assert "as far as possible" in test.protocol
    assert "own pace" not in test.protocol
    assert "ATS" in test.source
    assert {c.key for c in test.conditions} == {
        "course_m",
        "device",
        "oxygen_l_min",
        "rests",
        "rest_seconds",
        "hr_pre",
        "hr_post",
        "spo2_pre",
        "spo2_post",
        "borg_dyspnoea_pre",
        "borg_dyspnoea_post",
        "borg_fatigue_pre",
        "borg_fatigue_post",
        "height_cm",
        "weight_kg",
    }
    assert test.condition("spo2_post").check("101") is not None
    # height and weight feed Enright & Sherrill's reference equation
    assert test.condition("height_cm").check("165.5") is None
    assert test.condition("height_cm").check("99") is not None
    assert test.condition("weight_kg").check("301") is not None
    assert test.condition("borg_dyspnoea_post").check("3.5") is None


def test_ten_metre_walk_speed_is_the_distance_timed_over_the_time():
    test = CATALOG["ten_metre_walk"]
    assert test.condition("pace").choices == ("Comfortable", "Fast")
    assert test.derive(D("4.12"), {"distance_m": "6"}) == D("1.46")
    assert test.result([D("1.46"), D("1.50")]) == D("1.48")


@pytest.mark.parametrize(
    "code",
    [
        "timed_up_and_go",
        "six_minute_walk",
        "ten_metre_walk",
        "two_minute_walk",
        "eight_foot_up_and_go",
        "functional_gait_assessment",
        "dynamic_gait_index",
        "tinetti_poma",
        "sppb",
    ],
)
def test_gait_and_mobility_tests_record_the_assistive_device(code):
    assert CATALOG[code].condition("device").check("Front-wheeled walker") is None


@pytest.mark.parametrize(
    ("typed", "rank", "printed"),
    [
        ("4-", D("3.7"), "4\N{MINUS SIGN}"),
        ("4\N{MINUS SIGN}", D("3.7"), "4\N{MINUS SIGN}"),
        ("3+", D("3.3"), "3+"),
        ("4", D(4), "4"),
        ("0", D(0), "0"),
    ],
)
def test_manual_muscle_grades_take_plus_and_minus(typed, rank, printed):
    test = CATALOG["manual_muscle_test"]
    assert test.check_text(typed) is None
    assert test.value_of(typed) == rank
    assert test.display(rank) == printed


@pytest.mark.parametrize("typed", ["6", "5+", "0-", "4.5", "good"])
def test_a_grade_that_does_not_exist_is_refused(typed):
    message = CATALOG["manual_muscle_test"].check_text(typed)
    assert message.startswith(f"Manual muscle test (MRC grade): {typed} is not a grade")


def test_one_rep_max_is_direct_or_predicted_by_brzycki_or_epley():
    test = CATALOG["one_rep_max"]
    assert test.derive(D(100), {"method": "Direct"}) == D(100)
    assert test.derive(D(100), {"method": catalog.BRZYCKI, "reps": "6"}) == D("116.1")
    assert test.derive(D(100), {"method": catalog.EPLEY, "reps": "6"}) == D("120.0")
    assert test.condition("reps").check("11") is not None


def test_one_rep_max_in_pounds_scales_its_range_and_unit():
    test = CATALOG["one_rep_max"].for_conditions({"load_unit": "lb"})
    assert (test.unit, test.plausible_max) == ("lb", D("1102.3"))
    assert test.check_value(D(900)) is None


def test_rom_records_active_or_passive_and_the_start_angle():
    test = CATALOG["rom_knee_flexion"]
    assert test.condition("mode").choices == ("Active", "Passive")
    assert test.condition("start_angle").check("5") is None


@pytest.mark.parametrize(
    ("code", "left", "right", "lsi"),
    [
        ("single_hop_distance", D("126.5"), D("163.5"), D("77.4")),
        ("timed_hop_6m", D("2.41"), D("1.98"), D("82.2")),
    ],
)
def test_limb_symmetry_index_divides_involved_by_uninvolved_or_the_reverse_if_timed(
    code, left, right, lsi
):
    """Distance: involved / uninvolved; timed: uninvolved / involved (x 100)."""
    test = CATALOG[code]
    results = {"left": left, "right": right}
    assert catalog.limb_symmetry(test, results, "left") == lsi
    assert catalog.limb_symmetry(test, results, "") is None


def test_y_balance_composite_is_the_reaches_over_three_limb_lengths():
    """Plisky 2009: (anterior + posteromedial + posterolateral) / (3 x limb length) x 100."""
    test = CATALOG["y_balance_lower"]
    assert test.entered.parts == ("Anterior", "Posteromedial", "Posterolateral")
    reaches = [D("62.0"), D("98.5"), D("95.0")]
    assert test.combine(reaches, {"limb_length_cm": "88.0"}) == D("96.8")
    assert test.limb_symmetry is True


def test_every_new_test_cites_a_published_source_and_a_protocol():
    for test in CATALOG.values():
        assert re.search(r"\d{4}|ASHT|STEADI|CFR", test.source), test.code


# --- purity -----------------------------------------------------------------


def test_catalog_imports_only_the_standard_library():
    """The catalog stays importable without Django (STYLE.md §4 item 4)."""
    source = Path(catalog.__file__).read_text(encoding="utf-8")
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0])
    assert "django" not in roots
    assert roots <= sys.stdlib_module_names
