"""Template filters writing times in the clinic's zone and format (clinic.time_display).

``{{ session.started_at|clock }}`` gives "14:05" or "2:05 PM";
``|clock:"seconds"`` adds seconds; ``|stamp`` puts the date in front. An empty
value gives "", so ``|default:"—"`` still works.
"""

from datetime import datetime

from django import template

from clinic.time_display import local_clock, local_stamp

register = template.Library()
SECONDS = "seconds"


@register.filter
def clock(value: datetime | None, arg: str = "") -> str:
    if value is None or value == "":
        return ""
    return local_clock(value, seconds=arg == SECONDS)


@register.filter
def stamp(value: datetime | None, arg: str = "") -> str:
    if value is None or value == "":
        return ""
    return local_stamp(value, seconds=arg == SECONDS)
