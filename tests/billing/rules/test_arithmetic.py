"""The arithmetic sentence of a decision, for each counting method."""

from billing.rules import allocate_units, decide
from billing.rules.arithmetic import describe_units
from tests.billing.rules.builders import make_session, make_test


def _sentence(minutes: dict[str, int], method: str, untimed: tuple[str, ...] = ()):
    return describe_units(minutes, allocate_units(minutes, method), method, untimed)


def test_cms_single_code_shows_full_units_and_the_remainder_unit():
    # given / when
    text = _sentence({"97750": 38}, "cms_8_minute")
    # then
    assert text == (
        "38 timed min → 3 units (38-52 min) under the CMS 8-minute rule; "
        "97750 gets 2 full units + 1 for its 8-min remainder"
    )


def test_cms_single_short_code_shows_the_remainder_unit_alone():
    # given / when
    text = _sentence({"97750": 8}, "cms_8_minute")
    # then
    assert text == (
        "8 timed min → 1 unit (8-22 min) under the CMS 8-minute rule; "
        "97750 gets 1 unit for its 8-min remainder"
    )


def test_cms_under_eight_minutes_shows_zero_units():
    # given / when
    text = _sentence({"97750": 5}, "cms_8_minute")
    # then
    assert text == (
        "5 timed min → 0 units (0-7 min) under the CMS 8-minute rule; "
        "97750 gets 0 units"
    )


def test_cms_pool_shows_each_code_and_where_the_spare_units_went():
    # given CMS example 4
    minutes = {"97110": 18, "97140": 13, "97116": 10, "97035": 8}
    # when
    text = _sentence(minutes, "cms_8_minute")
    # then
    assert text == (
        "49 timed min (97110 18 + 97140 13 + 97116 10 + 97035 8) → 3 units "
        "(38-52 min) under the CMS 8-minute rule, 1 from full 15-minute blocks and "
        "2 for the largest remainders; 97110 gets 1 full unit; 97140 gets 1 unit for "
        "its 13-min remainder; 97116 gets 1 unit for its 10-min remainder; "
        "97035 gets 0 units"
    )


def test_cms_pool_with_97750_from_decide():
    # given 24 minutes of testing, 97110 23 min and an evaluation
    facts = make_session(tests=(make_test(0, 24),), other={"97110": 23, "97161": 0})
    # when
    decision = decide(facts)
    # then
    assert decision.arithmetic == (
        "47 timed min (97750 24 + 97110 23) → 3 units (38-52 min) under the CMS "
        "8-minute rule, 2 from full 15-minute blocks and 1 for the largest "
        "remainders; 97750 gets 1 full unit + 1 for its 9-min remainder; "
        "97110 gets 1 full unit; untimed 97161 not counted"
    )


def test_cms_pool_too_short_for_a_unit():
    # given / when
    text = _sentence({"97750": 3, "97110": 4}, "cms_8_minute")
    # then
    assert text == (
        "7 timed min (97750 3 + 97110 4) → 0 units (0-7 min) under the CMS 8-minute "
        "rule; 97750 gets 0 units; 97110 gets 0 units"
    )


def test_cpt_midpoint_shows_each_code_on_its_own():
    # given / when
    text = _sentence({"97750": 38, "97110": 7}, "cpt_midpoint")
    # then
    assert text == (
        "Under the CPT midpoint rule each code counts on its own, a unit from its "
        "8th minute, minutes never pooled: 97750 38 min → 3 units (38-52 min); "
        "97110 7 min → 0 units (0-7 min)"
    )


def test_whole_units_shows_each_code_on_its_own():
    # given / when
    text = _sentence({"97750": 29, "97140": 14}, "whole_units", ("95851",))
    # then
    assert text == (
        "Under the whole-unit policy each code counts on its own, one unit per full "
        "15 minutes: 97750 29 min → 1 unit (15-29 min); 97140 14 min → 0 units "
        "(0-14 min); untimed 95851 not counted"
    )


def test_several_untimed_codes_are_listed_once_each():
    # given an evaluation recorded twice and a ROM code
    facts = make_session(other={"97163": 0, "95851": 0})
    facts = make_session(other_procedures=facts.visits[0].other_procedures * 2)
    # when
    decision = decide(facts)
    # then
    assert decision.arithmetic.endswith("; untimed 97163, 95851 not counted")
    assert [f.code for f in decision.findings] == [
        "same_day_evaluation",
        "same_day_rom_mmt_code",
    ]
    assert "with 97163 on the same date" in decision.findings[0].message
