"""Properties of allocate_units that must hold for any minutes (hypothesis)."""

from hypothesis import given
from hypothesis import strategies as st

from billing.rules import allocate_units
from billing.rules.codes import TIMED_CODES, UNTIMED_CODES

METHODS = ("cms_8_minute", "cpt_midpoint", "whole_units")
CODES = sorted(TIMED_CODES | {"97161", "97168", "95851", "95832", "97150"})
minutes_maps = st.dictionaries(
    st.sampled_from(CODES), st.integers(min_value=0, max_value=240), max_size=7
)


def _chart_units(minutes: int) -> int:
    # The CMS chart written out independently of billing.rules (DOMAIN.md §1.2).
    return 0 if minutes < 8 else (minutes - 8) // 15 + 1


@given(minutes_maps, st.sampled_from(METHODS), st.data())
def test_units_never_fall_as_one_codes_minutes_grow(minutes, method, data):
    # given a code and some more minutes for it
    code = data.draw(st.sampled_from(CODES))
    more = data.draw(st.integers(min_value=1, max_value=60))
    grown = {**minutes, code: minutes.get(code, 0) + more}
    # when
    before = allocate_units(minutes, method)
    after = allocate_units(grown, method)
    # then neither the code nor the day loses a unit
    assert after[code] >= before.get(code, 0)
    assert sum(after.values()) >= sum(before.values())


@given(minutes_maps)
def test_cms_total_is_the_chart_value_of_the_summed_timed_minutes(minutes):
    # given
    timed = sum(m for code, m in minutes.items() if code not in UNTIMED_CODES)
    # when
    units = allocate_units(minutes, "cms_8_minute")
    # then
    assert sum(units.values()) == _chart_units(timed)


@given(minutes_maps)
def test_cms_gives_each_code_its_full_units_and_at_most_one_more(minutes):
    # given / when
    units = allocate_units(minutes, "cms_8_minute")
    # then
    for code, m in minutes.items():
        if code in UNTIMED_CODES:
            assert units[code] == 0
        else:
            assert m // 15 <= units[code] <= m // 15 + 1


@given(minutes_maps, st.sampled_from(METHODS))
def test_no_code_gets_a_unit_it_has_no_minutes_for(minutes, method):
    # given / when
    units = allocate_units(minutes, method)
    # then every code given is answered, untimed and empty ones with 0
    assert list(units) == list(minutes)
    for code, m in minutes.items():
        if m == 0 or code in UNTIMED_CODES:
            assert units[code] == 0


@given(minutes_maps, st.sampled_from(("cpt_midpoint", "whole_units")))
def test_per_code_methods_ignore_the_other_codes(minutes, method):
    # given / when
    units = allocate_units(minutes, method)
    # then each code's units depend on its own minutes alone
    for code, m in minutes.items():
        alone = allocate_units({code: m}, method)[code]
        assert units[code] == alone


@given(minutes_maps, st.sampled_from(METHODS))
def test_allocation_is_deterministic_and_order_independent(minutes, method):
    # given the same minutes in reverse order
    reversed_minutes = dict(reversed(list(minutes.items())))
    # when
    first = allocate_units(minutes, method)
    second = allocate_units(minutes, method)
    from_reversed = allocate_units(reversed_minutes, method)
    # then
    assert first == second
    assert from_reversed == first
