"""Counts kept for a few minutes in this process: counting a quarter's cohort by group reads every
invitation of the quarter (about a second at a million invitations a year), and the call list, the chase and
the dashboard's weighting ask for the same counts again and again while they change slowly.

An entry is used again while it is younger than `KEEP_FOR` (by feedback.core.clock) and the newest invitation
is the same as when it was counted (a primary-key look-up, well under a millisecond): an import of new
invitations, which changes the cohort, counts at once. New responses, an edited ethnicity or an erased record
show within `KEEP_FOR`: answers arrive all day, and one more shifts the flags and shares very little. Each
process keeps its own entries, per database.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from datetime import timedelta
from typing import TypeVar

from sqlalchemy import func, select

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models import Invitation

KEEP_FOR = timedelta(minutes=5)

T = TypeVar("T")
_entries: dict[Hashable, tuple] = {}  # key -> (counted at, data version, value)
_lock = threading.Lock()


def _data_version() -> int | None:
    return db.session.scalar(select(func.max(Invitation.id)))


def remembered(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or its value from an earlier call with the same key while still current (see above).
    The value is shared between callers: they must not change it."""
    full_key = (db.engine.url.render_as_string(hide_password=True), key)
    version = _data_version()
    moment = now()
    with _lock:
        entry = _entries.get(full_key)
    if entry is not None and entry[1] == version and timedelta(0) <= moment - entry[0] < KEEP_FOR:
        return entry[2]
    value = compute()
    with _lock:
        _entries[full_key] = (moment, version, value)
    return value


def forget() -> None:
    """Drop every entry (tests, which build a new database with the same ids, start from nothing)."""
    with _lock:
        _entries.clear()
