"""Server-side sign-in sessions: the cookie holds a random id, the database its SHA-256 and whether the
session still stands. Checked on every request, so sign-out, a password change, deactivation or "sign out
everywhere" ends it at once, wherever a copy of the cookie is."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from feedback.core.clock import as_utc, now
from feedback.core.extensions import db
from feedback.core.tokens import hash_token
from feedback.models import UserSession

# Writing last_seen_at on every request would double the writes of a busy page; a minute is fine-grained
# enough for a 30-minute idle limit.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class Limits:
    idle: timedelta
    absolute: timedelta
    warning: timedelta

    @classmethod
    def from_config(cls) -> Limits:
        config = current_app.config
        return cls(
            idle=timedelta(minutes=config["SESSION_IDLE_MINUTES"]),
            absolute=timedelta(hours=config["SESSION_ABSOLUTE_HOURS"]),
            warning=timedelta(minutes=config["SESSION_WARNING_MINUTES"]),
        )


def start_session(user_id: int, ip: str | None = None) -> str:
    """A new session for a user who has just signed in; returns the id for the cookie (never stored)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user_id, token_hash=hash_token(token), ip=ip))
    return token


def live_session(token: str | None, *, touch: bool = True) -> UserSession | None:
    """The session the cookie names if it still stands (not revoked, not idle, not too old), else None.
    `touch` records activity (not for the warning page, which must not keep a session alive)."""
    if not token:
        return None
    found = db.session.scalar(select(UserSession).where(UserSession.token_hash == hash_token(token)))
    if found is None or found.revoked_at is not None:
        return None
    limits, moment = Limits.from_config(), now()
    if moment >= ends_at(found, limits):
        found.revoked_at = moment
        db.session.commit()
        return None
    if touch and moment - as_utc(found.last_seen_at) >= TOUCH_EVERY:
        found.last_seen_at = moment
        db.session.commit()
    return found


def ends_at(user_session: UserSession, limits: Limits | None = None) -> datetime:
    """When the session ends if nothing more happens: idle limit or absolute limit, whichever is first."""
    limits = limits or Limits.from_config()
    return min(as_utc(user_session.last_seen_at) + limits.idle, as_utc(user_session.created_at) + limits.absolute)


def keep_alive(user_session: UserSession) -> None:
    user_session.last_seen_at = now()


def revoke(token: str | None) -> None:
    if token:
        db.session.execute(
            update(UserSession)
            .where(UserSession.token_hash == hash_token(token), UserSession.revoked_at.is_(None))
            .values(revoked_at=now())
        )


def revoke_all(user_id: int) -> int:
    """Ends every session of a user (the caller commits); returns how many were live."""
    result = db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=now())
    )
    return result.rowcount or 0
