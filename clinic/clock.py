"""How a clinic writes a time of day: 24-hour ("14:05") or 12-hour ("2:05 PM").

Plain Python without Django, so the note's content, the pages and the admin
share the one rule, and it is tested exhaustively on its own. The caller
converts the moment to the clinic's time zone first; this only writes it.
"""

from datetime import datetime, time

TWENTY_FOUR_HOUR = "24"
TWELVE_HOUR = "12"
TIME_FORMATS = (TWENTY_FOUR_HOUR, TWELVE_HOUR)
DATE_FORMAT = "%m/%d/%Y"


def clock_text(moment: time | datetime, *, time_format: str, seconds: bool) -> str:
    """Write the time of day of ``moment`` in the clinic's format.

    24-hour keeps the leading zero ("08:15:00"), as the session form's fields
    do; 12-hour drops it and names the half of the day ("8:15:00 AM"), as a US
    clinic reads a clock. Seconds are shown where 97750 minutes are counted
    from the times.
    """
    if time_format not in TIME_FORMATS:
        raise ValueError(f"Unknown time format {time_format!r}.")
    tail = f":{moment.second:02d}" if seconds else ""
    if time_format == TWENTY_FOUR_HOUR:
        return f"{moment.hour:02d}:{moment.minute:02d}{tail}"
    hour = moment.hour % 12 or 12
    half = "AM" if moment.hour < 12 else "PM"
    return f"{hour}:{moment.minute:02d}{tail} {half}"


def stamp_text(moment: datetime, *, time_format: str, seconds: bool = False) -> str:
    """Write a date and time ("12/02/2026 2:05 PM"), e.g. when a note was signed."""
    clock = clock_text(moment, time_format=time_format, seconds=seconds)
    return f"{moment:{DATE_FORMAT}} {clock}"
