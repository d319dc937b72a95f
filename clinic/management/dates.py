"""Argument types the management commands share."""

import datetime as dt

from django.core.management.base import CommandError


def date_argument(value: str) -> dt.date:
    """Return a command line's YYYY-MM-DD date; anything else is a clear error."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date like 2026-11-02.") from None
