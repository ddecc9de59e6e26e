"""Failed sign-ins slow the account down without locking its officer out.

After a few free failures each one makes the account wait twice as long as the last before a password is
checked again, up to a cap (SIGN_IN_MAX_DELAY_SECONDS, 30 s). Attempts during the wait are refused without
checking the password and do not extend it, so an attacker hammering one account gets a guess every 30
seconds at most, and its officer can sign in at most 30 seconds after the attack stops. The per-address
rate limit (Flask-Limiter on the sign-in form) slows one attacker further. Failures are counted until the
next successful sign-in, which tells the officer how many there were.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.core.passwords import verify_password
from feedback.models import User


def delay_after(failures: int) -> timedelta:
    free, cap = current_app.config["SIGN_IN_FREE_FAILURES"], current_app.config["SIGN_IN_MAX_DELAY_SECONDS"]
    if failures < free:
        return timedelta(0)
    return timedelta(seconds=min(cap, 2 ** min(failures - free, 20)))


@dataclass(frozen=True)
class PasswordCheck:
    user: User | None  # set only when the password was right and the account may sign in
    waiting: bool = False  # the account is in its delay: the password was not checked


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def check_password(email: str, password: str, ip: str | None = None) -> PasswordCheck:
    """The first step of signing in; commits the failure count and the audit event."""
    # Under attack most attempts land in the wait: one UPDATE counts them, no password hash is computed.
    waiting = db.session.execute(
        update(User)
        .where(func.lower(User.email) == email.strip().lower(), User.locked_until > now())
        .values(failed_sign_ins=User.failed_sign_ins + 1)
        .returning(User.id)
        .execution_options(synchronize_session=False)
    ).scalar()
    if waiting is not None:
        record_audit("sign_in_failed", "user", waiting, detail="waiting", user_id=None)
        db.session.commit()
        return PasswordCheck(None, waiting=True)
    user = find_user(email)
    if verify_password(user.password_hash if user else None, password) and user.active:
        return PasswordCheck(user)
    if user is None:
        record_audit("sign_in_failed", "user", None, detail="unknown email", user_id=None)
    else:
        record_failure(user, "wrong password" if user.active else "deactivated", ip=ip)
    db.session.commit()
    return PasswordCheck(None)


def record_failure(user: User, reason: str, *, count_delay: bool = True, ip: str | None = None) -> None:
    """Counts a failure (password or second factor) and, unless waiting already, starts the next delay."""
    user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
    if count_delay:
        delay = delay_after(user.failed_sign_ins)
        user.locked_until = now() + delay if delay else None
    record_audit("sign_in_failed", "user", user.id, detail=reason, user_id=None)


def record_success(user: User) -> int:
    """Clears the count at a completed sign-in; returns the failures since the last one (to tell the officer)."""
    failures = user.failed_sign_ins or 0
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_sign_in_at = now()
    record_audit("sign_in", "user", user.id, detail=f"{failures} failed attempt(s) before", user_id=user.id)
    return failures
