"""What an admin does to accounts (change role, deactivate, reactivate, reset two-factor, sign out
everywhere) and what an officer does to their own (change password). Every change is audited; the last
active admin can be neither demoted nor deactivated."""

from __future__ import annotations

from sqlalchemy import func, select

from feedback.accounts import sessions, twofactor
from feedback.accounts.password_policy import password_problems
from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.core.passwords import hash_password, verify_password
from feedback.models import Role, User


class AccountError(ValueError):
    pass


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.active.desc(), User.name)))


def _active_admins() -> int:
    return db.session.scalar(select(func.count()).select_from(User).where(User.role == Role.ADMIN, User.active)) or 0


def _keep_an_admin(user: User) -> None:
    if user.role == Role.ADMIN and user.active and _active_admins() <= 1:
        raise AccountError("This is the only active admin: make someone else an admin first")


def change_role(user: User, role: Role) -> None:
    role = Role(role)
    if role == user.role:
        return
    if role != Role.ADMIN:
        _keep_an_admin(user)
    before, user.role = user.role, role
    sessions.revoke_all(user.id)  # new rights from a fresh sign-in
    record_audit("user_role_changed", "user", user.id, detail=f"{before.value} to {role.value}")


def deactivate(user: User) -> None:
    _keep_an_admin(user)
    user.active = False
    sessions.revoke_all(user.id)
    record_audit("user_deactivated", "user", user.id)


def reactivate(user: User) -> None:
    user.active = True
    record_audit("user_reactivated", "user", user.id)


def reset_two_factor(user: User) -> None:
    twofactor.reset(user)
    sessions.revoke_all(user.id)
    record_audit("two_factor_reset", "user", user.id)


def sign_out_everywhere(user: User) -> int:
    ended = sessions.revoke_all(user.id)
    record_audit("signed_out_everywhere", "user", user.id, detail=f"{ended} session(s) ended")
    return ended


def change_password(user: User, current: str, new: str) -> None:
    """Ends every session of the user (the web layer starts a new one for the browser that asked)."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right")
    problems = password_problems(new, name=user.name, email=user.email)
    if problems:
        raise AccountError(problems[0])
    user.password_hash = hash_password(new)
    user.password_changed_at = now()
    sessions.revoke_all(user.id)
    record_audit("password_changed", "user", user.id)
