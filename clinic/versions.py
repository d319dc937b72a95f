"""Versions of editable records: a save over someone else's newer save is refused.

A form carries back the version of the record it was opened at: when the
record was last saved, and a short fingerprint of each of its values then.
The record's service re-reads the row locked and calls ``check_version``: when
someone saved it since, the save is refused with ``StaleEditError``, which
names who saved it, when, and which values they changed (the fingerprints that
no longer match), and carries the version now stored, so the page can show the
editor's input again and a second save, made knowingly, goes through.
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Model

from .time_display import local_clock

STALE_EDIT = (
    "{who} saved this {noun} at {time} after you opened it{changes}. Your "
    "changes are below; save again to keep them."
)
CHANGED = ": {fields} changed"
SOMEONE = "Someone"
# saved_at, then the fingerprints, in one hidden field.
_SEPARATOR = "|"
_FINGERPRINT_LENGTH = 10


class StaleEditError(ValidationError):
    """Someone saved the record after this editor opened it.

    ``version`` is the version now stored: the form's next save, made knowingly,
    carries it and replaces theirs.
    """

    def __init__(
        self,
        *,
        noun: str,
        saved_at: datetime,
        saved_by: AbstractBaseUser | None,
        changed: Iterable[str],
        version: str,
    ) -> None:
        fields = ", ".join(changed)
        super().__init__(
            STALE_EDIT.format(
                who=editor_name(saved_by),
                noun=noun,
                time=local_clock(saved_at),
                changes=CHANGED.format(fields=fields) if fields else "",
            )
        )
        self.version = version


def editor_name(user: AbstractBaseUser | None) -> str:
    """Return the name a message gives the person who saved a record."""
    if user is None:
        return SOMEONE
    return user.get_full_name() or user.get_username()


def field_values(record: Model, names: Iterable[str]) -> dict[str, object]:
    """Return {label: value} of the named fields, labelled as the forms label them."""
    values = {}
    for name in names:
        field = record._meta.get_field(name)
        values[str(field.verbose_name)] = field.value_from_object(record)
    return values


def version_token(*, saved_at: datetime | None, values: Mapping[str, object]) -> str:
    """Return the version a form carries: the last save, and each value's fingerprint."""
    moment = saved_at.isoformat() if saved_at else ""
    return _SEPARATOR.join(
        [moment, *(_fingerprint(label, value) for label, value in values.items())]
    )


def check_version[M: Model](
    record: M,
    *,
    expected: str | None,
    noun: str,
    values: Callable[[M], Mapping[str, object]],
    saved_by: str = "updated_by",
) -> None:
    """Refuse a save of a record changed since its form was opened (StaleEditError).

    ``record`` is the row as stored, read under a row lock so nobody saves
    between this check and the write; ``values`` gives what its version
    fingerprints, and ``saved_by`` names the field holding its last editor.
    ``expected`` is the version the form carried; None means the caller opened
    nothing (a new record, a command, seed_demo) and is not checked.
    """
    if expected is None:
        return
    saved_at = record.updated_at
    opened_at, *fingerprints = expected.split(_SEPARATOR)
    if saved_at is None or opened_at == saved_at.isoformat():
        # Never saved with a version, or saved last at the version expected.
        return
    current = values(record)
    opened = set(fingerprints)
    changed = [
        label
        for label, value in current.items()
        if opened and _fingerprint(label, value) not in opened
    ]
    raise StaleEditError(
        noun=noun,
        saved_at=saved_at,
        saved_by=getattr(record, saved_by),
        changed=changed,
        version=version_token(saved_at=saved_at, values=current),
    )


def record_version[M: Model](
    record: M, *, values: Callable[[M], Mapping[str, object]]
) -> str | None:
    """Return the version of a stored record that its form carries back.

    A record not saved yet has none.
    """
    if record.pk is None:
        return None
    return version_token(saved_at=record.updated_at, values=values(record))


def lock_version[M: Model](
    record: M,
    *,
    expected: str | None,
    noun: str,
    values: Callable[[M], Mapping[str, object]],
    saved_by: str = "updated_by",
) -> M:
    """Lock the record's row and refuse a stale save (check_version); return the row.

    The lock is held to the end of the caller's transaction, so nobody saves
    between this check and the caller's write.
    """
    current = type(record)._default_manager.select_for_update().get(pk=record.pk)
    check_version(
        current, expected=expected, noun=noun, values=values, saved_by=saved_by
    )
    return current


def stamp(record: Model, *, editor: AbstractBaseUser | None, now: datetime) -> None:
    """Record who saves the record and when: its new version."""
    record.updated_by = editor
    record.updated_at = now


def _fingerprint(label: str, value: object) -> str:
    """Return a short digest of one labelled value; equal values give equal digests."""
    text = f"{label}\x1f{value!r}".encode()
    return hashlib.sha256(text).hexdigest()[:_FINGERPRINT_LENGTH]
