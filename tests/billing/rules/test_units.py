"""allocate_units: the CMS 8-minute rule, the CPT midpoint rule and whole units."""

from decimal import Decimal

import pytest

from billing.rules import allocate_units
from billing.rules.codes import TIMED_CODES, UNKNOWN_CODE
from tests.billing.rules.builders import exact

# --- cms_8_minute: the four CMS worked examples (DOMAIN.md §1.3) ---


def test_cms_example_1_gives_the_extra_unit_to_the_code_with_more_minutes():
    # given 97112 24 min and 97110 23 min: 47 min, 3 units
    minutes = {"97112": 24, "97110": 23}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then
    assert units == {"97112": 2, "97110": 1}


def test_cms_example_2_breaks_the_tie_by_code_ascending():
    # given 20 min each: 40 min, 3 units, equal leftovers and equal totals
    minutes = {"97112": 20, "97110": 20}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then the extra unit goes to the lower code, never 3 units to one code
    assert units == {"97112": 1, "97110": 2}


def test_cms_example_3_gives_the_remainder_unit_to_the_larger_leftover():
    # given 97110 33 min (2 full units, 3 left) and 97140 7 min
    minutes = {"97110": 33, "97140": 7}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then
    assert units == {"97110": 2, "97140": 1}


def test_cms_example_4_leaves_the_smallest_leftover_without_a_unit():
    # given 49 min over four codes: 3 units
    minutes = {"97110": 18, "97140": 13, "97116": 10, "97035": 8}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then
    assert units == {"97110": 1, "97140": 1, "97116": 1, "97035": 0}


# --- cms_8_minute: the table and the allocation details (DOMAIN.md §1.2) ---


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        (0, 0),
        (7, 0),
        (8, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (112, 7),
        (113, 8),
        (127, 8),
        (128, 9),
        (142, 9),
        (143, 10),
    ],
)
def test_cms_table_for_one_code_continues_past_eight_units(minutes, expected):
    # given one timed code
    # when
    units = allocate_units({"97750": minutes}, "cms_8_minute")
    # then
    assert units == {"97750": expected}


def test_cms_pools_two_short_services_into_one_unit_for_the_longer():
    # given 97110 6 min and 97140 7 min: 13 min pooled
    minutes = {"97110": 6, "97140": 7}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then one unit, for the service performed for the most minutes
    assert units == {"97110": 0, "97140": 1}


def test_cms_tie_on_leftover_goes_to_the_code_with_more_total_minutes():
    # given equal leftovers of 8 min, but 97750 has 38 min in all
    minutes = {"97110": 23, "97750": 38}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then 61 min -> 4 units: 1 + 2 full, the spare one to 97750
    assert units == {"97110": 1, "97750": 3}


def test_cms_result_does_not_depend_on_the_mapping_order():
    # given the same minutes in two orders
    forward = {"97110": 20, "97112": 20, "97140": 20}
    backward = dict(reversed(list(forward.items())))
    # when
    units_forward = allocate_units(forward, "cms_8_minute")
    units_backward = allocate_units(backward, "cms_8_minute")
    # then 60 min -> 4 units: 1 full each, the spare one to the lowest code
    assert units_forward == {"97110": 2, "97112": 1, "97140": 1}
    assert units_backward == units_forward


def test_cms_never_gives_more_than_one_extra_unit_per_code():
    # given 14 min leftover on each of three codes: 42 min, 3 units
    minutes = {"97110": 14, "97112": 14, "97140": 14}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then
    assert units == {"97110": 1, "97112": 1, "97140": 1}


def test_cms_keeps_full_units_of_a_code_with_fifteen_minutes_or_more():
    # given 97110 15 min and 97140 7 min: 22 min, 1 unit
    minutes = {"97110": 15, "97140": 7}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then the 15-minute service keeps its unit
    assert units == {"97110": 1, "97140": 0}


def test_cms_gives_zero_units_to_every_code_of_an_empty_or_zero_day():
    # given
    minutes = {"97110": 0, "97140": 0}
    # when / then
    assert allocate_units(minutes, "cms_8_minute") == {"97110": 0, "97140": 0}
    assert allocate_units({}, "cms_8_minute") == {}


def test_untimed_codes_get_no_units_and_stay_out_of_the_pool():
    # given 5 timed minutes and long untimed services
    minutes = {"97110": 5, "97161": 45, "95851": 20, "95831": 20, "97150": 30}
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then 5 timed minutes make no unit; untimed minutes did not reach 8
    assert units == {"97110": 0, "97161": 0, "95851": 0, "95831": 0, "97150": 0}


@pytest.mark.parametrize("method", ["cms_8_minute", "cpt_midpoint", "whole_units"])
def test_untimed_codes_get_no_units_under_any_method(method):
    # given an evaluation and a re-evaluation with minutes
    minutes = {"97163": 60, "97168": 30, "97750": 30}
    # when
    units = allocate_units(minutes, method)
    # then
    assert units == {"97163": 0, "97168": 0, "97750": 2}


@pytest.mark.parametrize("method", ["cms_8_minute", "cpt_midpoint", "whole_units"])
def test_an_unknown_code_is_refused_by_name(method):
    # given a code in neither closed list
    minutes = {"97750": 20, "99999": 8}
    # when / then
    with pytest.raises(ValueError, match=exact(UNKNOWN_CODE.format(code="99999"))):
        allocate_units(minutes, method)


def test_an_untimed_speech_code_never_joins_the_pool():
    # given 5 min of 97750 and 3 min of 92507 (untimed speech treatment)
    minutes = {"97750": 5, "92507": 3}
    # when / then 5 timed minutes earn nothing
    assert allocate_units(minutes, "cms_8_minute") == {"97750": 0, "92507": 0}


@pytest.mark.parametrize(
    "code", ["97545", "97546", "92507", "97597", "97598", "97169", "97172"]
)
@pytest.mark.parametrize("method", ["cms_8_minute", "cpt_midpoint", "whole_units"])
def test_known_untimed_codes_get_no_timed_units(code, method):
    # given two hours of work hardening (or another untimed code)
    minutes = {code: 120}
    # when / then
    assert allocate_units(minutes, method) == {code: 0}


@pytest.mark.parametrize("code", sorted(TIMED_CODES))
def test_every_listed_timed_code_earns_units(code):
    # given
    minutes = {code: 23}
    # when / then
    assert allocate_units(minutes, "cms_8_minute") == {code: 2}


# --- cpt_midpoint: each code on its own (DOMAIN.md §1.4) ---


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4)],
)
def test_cpt_midpoint_boundaries(minutes, expected):
    # given one code
    # when
    units = allocate_units({"97750": minutes}, "cpt_midpoint")
    # then
    assert units == {"97750": expected}


def test_cpt_midpoint_never_pools_minutes():
    # given two codes of 7 min (Medicare would bill 1 unit)
    minutes = {"97110": 7, "97140": 7}
    # when
    units = allocate_units(minutes, "cpt_midpoint")
    # then
    assert units == {"97110": 0, "97140": 0}


def test_cpt_midpoint_counts_two_eight_minute_codes_as_two_units():
    # given two codes of 8 min (Medicare would bill 1 unit for 16 min)
    minutes = {"97032": 8, "97140": 8}
    # when
    units = allocate_units(minutes, "cpt_midpoint")
    # then
    assert units == {"97032": 1, "97140": 1}


# --- whole_units: one unit per full 15 minutes ---


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [(0, 0), (8, 0), (14, 0), (15, 1), (29, 1), (30, 2), (44, 2), (45, 3)],
)
def test_whole_units_boundaries(minutes, expected):
    # given one code
    # when
    units = allocate_units({"97750": minutes}, "whole_units")
    # then
    assert units == {"97750": expected}


def test_whole_units_never_pools_minutes():
    # given two codes of 14 min
    minutes = {"97110": 14, "97750": 14}
    # when
    units = allocate_units(minutes, "whole_units")
    # then
    assert units == {"97110": 0, "97750": 0}


# --- bad input ---


def test_unknown_method_is_refused_by_name_with_the_known_ones():
    # given / when / then
    with pytest.raises(
        ValueError,
        match=exact(
            "unknown counting method 'cms'; expected one of cms_8_minute, "
            "cpt_midpoint, whole_units"
        ),
    ):
        allocate_units({"97750": 30}, "cms")


def test_unknown_method_is_refused_even_without_codes():
    # given / when / then
    with pytest.raises(
        ValueError,
        match=exact(
            "unknown counting method 'midpoint'; expected one of cms_8_minute, "
            "cpt_midpoint, whole_units"
        ),
    ):
        allocate_units({}, "midpoint")


def test_negative_minutes_are_refused_with_the_code_and_value():
    # given / when / then
    with pytest.raises(
        ValueError, match=r"^minutes for 97140 must not be negative, got -1$"
    ):
        allocate_units({"97110": 10, "97140": -1}, "cms_8_minute")


@pytest.mark.parametrize(
    ("bad", "shown"),
    [
        (True, r"True \(bool\)"),
        (False, r"False \(bool\)"),
        (7.5, r"7\.5 \(float\)"),
        (8.0, r"8\.0 \(float\)"),
        ("8", r"'8' \(str\)"),
        (Decimal("8"), r"Decimal\('8'\) \(Decimal\)"),
        (None, r"None \(NoneType\)"),
    ],
)
def test_non_int_minutes_are_refused_with_the_code_and_value(bad, shown):
    # given / when / then
    with pytest.raises(
        ValueError, match=rf"^minutes for 97110 must be an int, got {shown}$"
    ):
        allocate_units({"97110": bad}, "cpt_midpoint")


def test_bad_minutes_are_refused_even_for_untimed_codes():
    # given / when / then
    with pytest.raises(
        ValueError, match=exact("minutes for 97161 must not be negative, got -5")
    ):
        allocate_units({"97161": -5}, "whole_units")


def test_a_code_that_is_not_a_string_is_refused():
    # given / when / then
    with pytest.raises(ValueError, match=r"^CPT code must be a string, got 97110$"):
        allocate_units({97110: 20}, "cms_8_minute")


def test_allocate_units_leaves_the_input_unchanged():
    # given
    minutes = {"97112": 24, "97110": 23}
    # when
    allocate_units(minutes, "cms_8_minute")
    # then
    assert minutes == {"97112": 24, "97110": 23}
