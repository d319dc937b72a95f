"""The recording rules for what protocols record besides trials: pure Python.

Conditions, item-by-item scales, muscle grades and trials computed from what
was typed (gait speed, predicted 1-RM) are refused next to their field.
"""

import datetime as dt
import zoneinfo

from assessments import catalog
from assessments.recording import (
    CONDITION_REQUIRED,
    ITEM_OUT_OF_RANGE,
    ITEMS_INCOMPLETE,
    REPS_REQUIRED,
    TOTAL_NOT_ITEMS,
    Problem,
    SessionInput,
    TestInput,
    completed_trials,
    session_problems,
)

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=CHICAGO)
START = dt.datetime(2025, 1, 15, 9, 5, tzinfo=CHICAGO)
BERG_ITEMS = [4, 4, 4, 4, 3, 4, 3, 3, 3, 3, 2, 3, 2, 1]


def _problems(code, side="na", trials=None, details=None):
    entry = catalog.get(code)
    details = details or {}
    test = TestInput(
        catalog_code=code,
        side=side,
        started_at=START,
        ended_at=START + dt.timedelta(minutes=10),
        trials=completed_trials(entry, side, details, trials or {}),
        details=details,
    )
    session = SessionInput(
        started_at=START - dt.timedelta(minutes=5),
        ended_at=START + dt.timedelta(minutes=30),
        discipline="PT",
        reason="Falls.",
        interpretation="",
        tests=(test,),
    )
    return session_problems(session, now=NOW)


def test_berg_scored_item_by_item_stores_the_computed_total():
    details = {"items": BERG_ITEMS}
    entry = catalog.get("berg_balance_scale")
    assert completed_trials(entry, "na", details, {}) == {"na": ["43"]}
    assert _problems("berg_balance_scale", details=details) == ()


def test_a_berg_total_alone_is_still_accepted():
    assert _problems("berg_balance_scale", trials={"na": ["43"]}) == ()


def test_an_item_score_outside_its_range_is_refused_next_to_the_item():
    items = [*BERG_ITEMS[:4], 5, *BERG_ITEMS[5:]]
    assert _problems("berg_balance_scale", details={"items": items}) == (
        Problem(
            message=ITEM_OUT_OF_RANGE.format(number=5, text="Transfers", low=0, high=4),
            field="item_5",
            test=0,
        ),
    )


def test_a_scale_with_items_missing_asks_for_every_item():
    items = [*BERG_ITEMS[:13], None]
    assert _problems("berg_balance_scale", details={"items": items}) == (
        Problem(message=ITEMS_INCOMPLETE.format(test="Berg Balance Scale"), test=0),
    )


def test_a_typed_total_that_is_not_the_items_sum_is_refused():
    test = TestInput(
        catalog_code="berg_balance_scale",
        side="na",
        started_at=START,
        ended_at=START + dt.timedelta(minutes=10),
        trials={"na": ["56"]},
        details={"items": BERG_ITEMS},
    )
    session = SessionInput(
        started_at=START,
        ended_at=START + dt.timedelta(minutes=30),
        discipline="PT",
        reason="Falls.",
        interpretation="",
        tests=(test,),
    )
    message = TOTAL_NOT_ITEMS.format(test="Berg Balance Scale", total="43")
    assert session_problems(session, now=NOW) == (
        Problem(message=message, field="trials", test=0),
    )


def test_gait_speed_is_computed_from_time_and_distance_timed():
    details = {
        "conditions": {"distance_m": "6", "pace": "Fast"},
        "entered": {"na": ["4.12", "4.00"]},
    }
    entry = catalog.get("ten_metre_walk")
    assert completed_trials(entry, "na", details, {}) == {"na": ["1.46", "1.50"]}
    assert _problems("ten_metre_walk", details=details) == ()


def test_gait_speed_times_need_the_distance_timed():
    problems = _problems("ten_metre_walk", details={"entered": {"na": ["4.12"]}})
    message = CONDITION_REQUIRED.format(
        label="Distance timed", test="10-metre walk test (gait speed)"
    )
    assert Problem(message=message, field="condition_distance_m", test=0) in problems


def test_a_time_giving_an_implausible_speed_is_refused_on_its_trial():
    details = {"conditions": {"distance_m": "6"}, "entered": {"na": ["200"]}}
    problems = _problems("ten_metre_walk", details=details)
    assert [(p.field, p.side, p.trial) for p in problems] == [("trials", "na", 1)]
    assert "outside the plausible range" in problems[0].message


def test_a_condition_outside_its_range_is_refused_next_to_it():
    details = {"conditions": {"spo2_post": "104"}}
    problems = _problems("six_minute_walk", trials={"na": ["400"]}, details=details)
    assert [(p.field, p.message) for p in problems] == [
        (
            "condition_spo2_post",
            "SpO\N{SUBSCRIPT TWO} after: 104 is outside the plausible range 50\N{EN DASH}100 %.",
        )
    ]


def test_a_choice_that_is_not_offered_is_refused():
    details = {"conditions": {"handle_position": "7"}}
    problems = _problems(
        "grip_dynamometry", side="left", trials={"left": ["20"]}, details=details
    )
    assert [p.field for p in problems] == ["condition_handle_position"]


def test_a_new_test_asks_for_its_required_condition():
    problems = _problems("pinch_strength", side="left", trials={"left": ["6.5"]})
    assert problems == (
        Problem(
            message=CONDITION_REQUIRED.format(
                label="Pinch", test="Pinch strength (pinch gauge)"
            ),
            field="condition_pinch",
            test=0,
        ),
    )


def test_a_predicted_one_rep_max_needs_its_repetitions():
    details = {
        "conditions": {"method": catalog.BRZYCKI},
        "entered": {"na": ["100"]},
    }
    problems = _problems("one_rep_max", details=details)
    assert Problem(message=REPS_REQUIRED, field="condition_reps", test=0) in problems


def test_a_predicted_one_rep_max_is_computed_from_load_and_reps():
    details = {
        "conditions": {"method": catalog.EPLEY, "reps": "6", "load_unit": "lb"},
        "entered": {"na": ["200"]},
    }
    entry = catalog.get("one_rep_max")
    assert completed_trials(entry, "na", details, {}) == {"na": ["240.0"]}
    assert _problems("one_rep_max", details=details) == ()


def test_muscle_grades_with_plus_and_minus_are_accepted_and_others_refused():
    ok = _problems(
        "manual_muscle_test",
        side="right",
        trials={"right": ["4-"]},
        details={"conditions": {"muscle": "Wrist extensors"}},
    )
    assert ok == ()
    bad = _problems("manual_muscle_test", side="right", trials={"right": ["6"]})
    assert [(p.field, p.side, p.trial) for p in bad] == [("trials", "right", 1)]
    assert "is not a grade" in bad[0].message


def test_y_balance_composite_is_computed_from_the_three_reaches():
    details = {
        "conditions": {"limb_length_cm": "88.0", "involved": "left"},
        "entered": {
            "left": ["62.0", "98.5", "95.0"],
            "right": ["66.0", "101.0", "99.5"],
        },
    }
    entry = catalog.get("y_balance_lower")
    assert completed_trials(entry, "both", details, {}) == {
        "left": ["96.8"],
        "right": ["100.9"],
    }
    assert _problems("y_balance_lower", side="both", details=details) == ()


def test_y_balance_needs_every_reach_and_the_limb_length():
    partial = {
        "conditions": {"limb_length_cm": "88.0"},
        "entered": {"left": ["62.0", "98.5"]},
    }
    problems = _problems("y_balance_lower", side="left", details=partial)
    assert [p.message for p in problems][-1] == (
        "Give every value: Anterior, Posteromedial, Posterolateral."
    )
    no_length = {"entered": {"left": ["62.0", "98.5", "95.0"]}}
    problems = _problems("y_balance_lower", side="left", details=no_length)
    assert [p.field for p in problems] == ["condition_limb_length_cm"]
