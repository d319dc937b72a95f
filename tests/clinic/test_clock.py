"""clinic.clock: one rule for writing a time, 24-hour or 12-hour (no database)."""

import ast
import datetime as dt
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic import clock
from clinic.clock import (
    TWELVE_HOUR,
    TWENTY_FOUR_HOUR,
    clock_text,
    stamp_text,
)


@pytest.mark.parametrize(
    ("moment", "seconds", "expected"),
    [
        (dt.time(0, 0, 0), False, "00:00"),
        (dt.time(8, 15, 7), True, "08:15:07"),
        (dt.time(12, 0, 0), False, "12:00"),
        (dt.time(14, 5, 9), True, "14:05:09"),
        (dt.time(23, 59, 59), True, "23:59:59"),
    ],
)
def test_twenty_four_hour(moment, seconds, expected):
    assert clock_text(moment, time_format=TWENTY_FOUR_HOUR, seconds=seconds) == expected


@pytest.mark.parametrize(
    ("moment", "seconds", "expected"),
    [
        (dt.time(0, 0, 0), False, "12:00 AM"),
        (dt.time(0, 30, 5), True, "12:30:05 AM"),
        (dt.time(8, 15, 7), True, "8:15:07 AM"),
        (dt.time(11, 59, 59), True, "11:59:59 AM"),
        (dt.time(12, 0, 0), False, "12:00 PM"),
        (dt.time(14, 5, 9), False, "2:05 PM"),
        (dt.time(23, 59, 59), True, "11:59:59 PM"),
    ],
)
def test_twelve_hour(moment, seconds, expected):
    assert clock_text(moment, time_format=TWELVE_HOUR, seconds=seconds) == expected


def test_a_datetime_is_written_by_its_time_of_day():
    moment = dt.datetime(2026, 12, 2, 14, 5, 9, tzinfo=dt.UTC)

    assert clock_text(moment, time_format=TWELVE_HOUR, seconds=False) == "2:05 PM"


@pytest.mark.parametrize(
    ("time_format", "expected"),
    [(TWENTY_FOUR_HOUR, "12/02/2026 14:05"), (TWELVE_HOUR, "12/02/2026 2:05 PM")],
)
def test_stamp_puts_the_date_first(time_format, expected):
    moment = dt.datetime(2026, 12, 2, 14, 5, 9, tzinfo=dt.UTC)

    assert stamp_text(moment, time_format=time_format) == expected


def test_stamp_with_seconds():
    moment = dt.datetime(2026, 12, 2, 9, 5, 9, tzinfo=dt.UTC)

    assert (
        stamp_text(moment, time_format=TWELVE_HOUR, seconds=True)
        == "12/02/2026 9:05:09 AM"
    )


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Unknown time format"):
        clock_text(dt.time(8, 0), time_format="am/pm", seconds=False)


def _read_twelve_hour(text: str) -> dt.time:
    clock, half = text.split(" ")
    hour, minute, second = (int(part) for part in clock.split(":"))
    return dt.time(hour % 12 + (12 if half == "PM" else 0), minute, second)


@given(st.times())
def test_both_formats_name_the_same_moment_to_the_second(moment):
    twenty_four = clock_text(moment, time_format=TWENTY_FOUR_HOUR, seconds=True)
    twelve = clock_text(moment, time_format=TWELVE_HOUR, seconds=True)

    assert dt.time.fromisoformat(twenty_four) == moment.replace(microsecond=0)
    assert _read_twelve_hour(twelve) == moment.replace(microsecond=0)
    assert not twelve.startswith("0")
    assert 1 <= int(twelve.split(":")[0]) <= 12


@given(st.times())
def test_without_seconds_the_seconds_are_left_off(moment):
    for time_format in (TWENTY_FOUR_HOUR, TWELVE_HOUR):
        short = clock_text(moment, time_format=time_format, seconds=False)
        full = clock_text(moment, time_format=time_format, seconds=True)
        assert short.split(" ")[0] == full.split(" ")[0][: -len(":00")]


def test_clock_imports_only_the_standard_library():
    """The format rule stays plain Python: the note content and pages share it."""
    source = Path(clock.__file__).read_text(encoding="utf-8")
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            roots.add((node.module or "").split(".")[0])
    assert roots <= sys.stdlib_module_names
