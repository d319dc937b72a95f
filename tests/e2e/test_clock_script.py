"""The session form's script reads typed times as the server does (static/js/clock.js).

The script shows minutes while the clinician types; the server's reading
(assessments/timeparse.py) is the one saved. Both must give the same answer
for every input, or the minutes shown would differ from those billed.
"""

import random
from pathlib import Path

import pytest
from django.conf import settings

from assessments.timeparse import parse_clock
from tests.assessments.test_timeparse import READ, REFUSED

pytestmark = pytest.mark.e2e

SCRIPT = Path(settings.BASE_DIR) / "static" / "js" / "clock.js"
# What a tablet's keyboard can type into a time box, and two spaces.
KEYS = "0123456789:. apmAPM-\N{NO-BREAK SPACE}"


def _server_seconds(text):
    try:
        clock = parse_clock(text)
    except ValueError:
        return None
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _samples():
    draw = random.Random(14)  # noqa: S311 (fixed: the same inputs on every run)
    typed = [text for text, _clock in READ] + REFUSED
    typed += ["".join(draw.choices(KEYS, k=draw.randint(0, 10))) for _ in range(3000)]
    for _ in range(500):
        hour, minute, second = (
            draw.randrange(24),
            draw.randrange(60),
            draw.randrange(60),
        )
        twelve = hour % 12 or 12
        meridiem = draw.choice(["am", "a", "A.M.", "pm", "P", "p.m."])
        typed += [
            f"{hour}:{minute:02d}",
            f"{hour:02d}{minute:02d}{second:02d}",
            f"{twelve}:{minute:02d}:{second:02d} {meridiem}",
            f"{twelve}{minute:02d}{meridiem}",
        ]
    return typed


def test_script_reads_every_input_as_the_server_does(browser):
    # given
    page = browser.new_page()
    page.add_script_tag(content=SCRIPT.read_text())
    typed = _samples()
    # when
    script = page.evaluate("texts => texts.map(window.perfnoteClock.seconds)", typed)
    # then
    differences = [
        (text, seconds, _server_seconds(text))
        for text, seconds in zip(typed, script, strict=True)
        if seconds != _server_seconds(text)
    ]
    assert differences == []
    assert sum(seconds is not None for seconds in script) > 2000
    page.close()
