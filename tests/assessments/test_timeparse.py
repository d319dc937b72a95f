"""Clock times as typed on a tablet: every usual spelling, and nothing guessed."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.timeparse import INVALID_CLOCK, parse_clock

# (typed, clock): also the cases tests/e2e/test_clock_script.py gives the
# session form's script, which must read them the same.
READ = [
    ("8:15", dt.time(8, 15)),
    ("08:15", dt.time(8, 15)),
    ("0815", dt.time(8, 15)),
    ("815", dt.time(8, 15)),
    ("8.15", dt.time(8, 15)),
    ("8:15 am", dt.time(8, 15)),
    ("8:15am", dt.time(8, 15)),
    ("8:15 AM", dt.time(8, 15)),
    ("8:15 a.m.", dt.time(8, 15)),
    ("8:15a", dt.time(8, 15)),
    ("0815A", dt.time(8, 15)),
    ("815p", dt.time(20, 15)),
    ("8:15 pm", dt.time(20, 15)),
    ("8 pm", dt.time(20, 0)),
    ("8a", dt.time(8, 0)),
    ("20:15", dt.time(20, 15)),
    ("2015", dt.time(20, 15)),
    ("0:05", dt.time(0, 5)),
    ("12 am", dt.time(0, 0)),
    ("12:30 am", dt.time(0, 30)),
    ("12 pm", dt.time(12, 0)),
    ("12:30 PM", dt.time(12, 30)),
    ("8:15:30", dt.time(8, 15, 30)),
    ("08:15:30", dt.time(8, 15, 30)),
    ("081530", dt.time(8, 15, 30)),
    ("81530", dt.time(8, 15, 30)),
    ("8:15:30 pm", dt.time(20, 15, 30)),
    ("081530P", dt.time(20, 15, 30)),
    ("23:59:59", dt.time(23, 59, 59)),
    ("  8:15  am ", dt.time(8, 15)),
]
REFUSED = [
    "",
    "   ",
    "8",  # a bare hour is not guessed
    "20",
    "24:00",
    "8:60",
    "8:15:60",
    "8:1",
    "8:015",
    "13 pm",
    "13:00 am",
    "0 am",
    "00:30 pm",
    "12345678",
    "1234567",
    "95",
    "abc",
    "8:15 x",
    "8:15 pmm",
    "8:15 -",
    "-8:15",
    "8::15",
    "\N{FULLWIDTH DIGIT EIGHT}:15",  # only ASCII digits are read
    "8:15:30:10",
]


@pytest.mark.parametrize(("typed", "clock"), READ)
def test_usual_spellings_are_read(typed, clock):
    assert parse_clock(typed) == clock


@pytest.mark.parametrize("typed", REFUSED)
def test_anything_else_is_refused_with_examples(typed):
    with pytest.raises(ValueError, match="Enter a time such as") as refused:
        parse_clock(typed)
    assert str(refused.value) == INVALID_CLOCK


times = st.times().map(lambda clock: clock.replace(microsecond=0))


@given(times)
def test_every_clock_reads_back_in_24_hour_form(clock):
    assert parse_clock(clock.strftime("%H:%M:%S")) == clock
    assert parse_clock(clock.strftime("%H%M%S")) == clock
    assert parse_clock(clock.strftime("%H:%M")) == clock.replace(second=0)
    assert parse_clock(clock.strftime("%H%M")) == clock.replace(second=0)


@given(times, st.sampled_from(["", " "]), st.sampled_from(["am", "a", "A.M.", "AM"]))
def test_every_clock_reads_back_in_12_hour_form(clock, space, am):
    hour = clock.hour % 12 or 12
    meridiem = am if clock.hour < 12 else am.replace("a", "p").replace("A", "P")
    typed = f"{hour}:{clock:%M:%S}{space}{meridiem}"
    assert parse_clock(typed) == clock
    assert parse_clock(f"{hour}{clock:%M}{space}{meridiem}") == clock.replace(second=0)


@given(st.text(max_size=12))
def test_any_text_gives_a_whole_second_clock_or_the_message(text):
    messages = []
    clock = None
    try:
        clock = parse_clock(text)
    except ValueError as refused:
        messages.append(str(refused))
    assert messages == [INVALID_CLOCK] if clock is None else clock.microsecond == 0
