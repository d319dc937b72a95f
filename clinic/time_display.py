"""The clinic's time format for this request, as Django keeps its time zone.

ClinicTimezoneMiddleware activates the clinic's zone and format together; the
``clock`` and ``stamp`` template filters, the admin and the pages write every
time through ``local_clock``/``local_stamp``, so one clinic never sees 24-hour
on one page and 12-hour on another. A page without a signed-in clinic (such as
``/verify/``) overrides both with the clinic of the record it shows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from asgiref.local import Local
from django.utils import timezone

from .clock import TWENTY_FOUR_HOUR, clock_text, stamp_text

_active = Local()


def activate(time_format: str) -> None:
    """Write times in ``time_format`` for the rest of this request."""
    _active.value = time_format


def deactivate() -> None:
    """Go back to the default (24-hour), as for a visitor without a clinic."""
    if hasattr(_active, "value"):
        del _active.value


def get_time_format() -> str:
    return getattr(_active, "value", TWENTY_FOUR_HOUR)


@contextmanager
def override(time_format: str) -> Iterator[None]:
    """Write times in ``time_format`` inside the block, then as before."""
    previous = getattr(_active, "value", None)
    activate(time_format)
    try:
        yield
    finally:
        if previous is None:
            deactivate()
        else:
            activate(previous)


def local_clock(moment: datetime, *, seconds: bool = False) -> str:
    """Write a moment's time of day in the active zone and format."""
    return clock_text(
        timezone.localtime(moment), time_format=get_time_format(), seconds=seconds
    )


def local_stamp(moment: datetime, *, seconds: bool = False) -> str:
    """Write a moment's date and time in the active zone and format."""
    return stamp_text(
        timezone.localtime(moment), time_format=get_time_format(), seconds=seconds
    )
