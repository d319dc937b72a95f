"""Read a clock time as a clinician types it on a tablet; pure Python, no Django.

The session form's times are typed as often as they are stamped, and a tablet's
keyboard makes the browser's own time picker slow, so the field is plain text
and this module reads every usual spelling: ``8:15``, ``08.15``, ``0815``,
``815``, ``8:15 am``, ``8:15a``, ``0815A``, ``8 pm``, ``20:15`` and, when given,
seconds (``8:15:30``, ``081530``, ``8:15:30 p.m.``). A bare hour (``8``) is
refused rather than guessed, because 97750 minutes are counted from these
times and a guess would bill silently.
"""

import datetime as dt
import re

INVALID_CLOCK = (
    "Enter a time such as 8:15, 0815, 8:15 am or 20:15 (seconds optional: 8:15:30)."
)

_MERIDIEM = r"(?:\s*(?P<meridiem>[ap])\.?(?:\s*m\.?)?)?"
# Hours, minutes and seconds with separators: 8:15, 08.15, 8:15:30, 8 am.
_SEPARATED = re.compile(
    r"(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?"
    + _MERIDIEM,
    re.ASCII | re.IGNORECASE,
)
# The same run together: 815, 0815, 81530, 081530.
_DIGITS = re.compile(r"(?P<digits>\d{3,6})" + _MERIDIEM, re.ASCII | re.IGNORECASE)


def parse_clock(text: str) -> dt.time:
    """Return the clock time ``text`` names, or raise ValueError(INVALID_CLOCK).

    With am/pm the hour is 1 to 12 (12 am is midnight, 12 pm noon); without it
    the hour is 0 to 23. Seconds default to 0.
    """
    typed = " ".join(text.split())
    if match := _DIGITS.fullmatch(typed):
        digits = match["digits"]
        # Minutes and seconds take two digits each; the hour takes what is left.
        hour_end = len(digits) - (2 if len(digits) <= 4 else 4)
        hour, minute, second = (
            digits[:hour_end],
            digits[hour_end : hour_end + 2],
            digits[hour_end + 2 :] or "0",
        )
        return _clock(int(hour), int(minute), int(second), match["meridiem"])
    if match := _SEPARATED.fullmatch(typed):
        if match["minute"] is None and match["meridiem"] is None:
            raise ValueError(INVALID_CLOCK)
        return _clock(
            int(match["hour"]),
            int(match["minute"] or 0),
            int(match["second"] or 0),
            match["meridiem"],
        )
    raise ValueError(INVALID_CLOCK)


def _clock(hour: int, minute: int, second: int, meridiem: str | None) -> dt.time:
    if meridiem is not None:
        if not 1 <= hour <= 12:
            raise ValueError(INVALID_CLOCK)
        hour = hour % 12 + (12 if meridiem.lower() == "p" else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(INVALID_CLOCK)
    return dt.time(hour, minute, second)
