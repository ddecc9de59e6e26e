"""Inviting a new officer: a single-use link, valid for 24 hours, where they choose their own password.
Only the link token's SHA-256 is stored. The web layer sends the email (notify's account_invite_email)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from feedback.accounts.password_policy import password_problems
from feedback.accounts.throttle import find_user
from feedback.core.audit import record_audit
from feedback.core.clock import as_utc, now
from feedback.core.extensions import db
from feedback.core.passwords import hash_password
from feedback.core.tokens import hash_token
from feedback.models import AccountInvitation, Role, User


class InvitationError(ValueError):
    pass


def invite(email: str, name: str, role: Role, invited_by: User | None) -> tuple[AccountInvitation, str]:
    """Returns the invitation and its token (for the link; never stored). The caller commits."""
    email = email.strip().lower()
    if find_user(email) is not None:
        raise InvitationError("There is already an account with this email address")
    token = secrets.token_urlsafe(32)
    invitation = AccountInvitation(
        email=email,
        name=name.strip(),
        role=Role(role),
        token_hash=hash_token(token),
        invited_by_id=invited_by.id if invited_by else None,
        expires_at=now() + timedelta(hours=current_app.config["ACCOUNT_INVITATION_HOURS"]),
    )
    db.session.add(invitation)
    db.session.flush()
    record_audit("user_invited", "account_invitation", invitation.id, detail=f"role {invitation.role.value}")
    return invitation, token


def open_invitation(token: str) -> AccountInvitation | None:
    """The invitation the link names if it is unused and not expired."""
    found = db.session.scalar(select(AccountInvitation).where(AccountInvitation.token_hash == hash_token(token)))
    if found is None or found.used_at is not None or as_utc(found.expires_at) <= now():
        return None
    return found


def accept(invitation: AccountInvitation, password: str) -> User:
    """Creates the account with the password the officer chose; the link cannot be used again."""
    problems = password_problems(password, name=invitation.name, email=invitation.email)
    if problems:
        raise InvitationError(problems[0])
    if find_user(invitation.email) is not None:
        raise InvitationError("There is already an account with this email address")
    user = User(
        email=invitation.email,
        name=invitation.name,
        role=invitation.role,
        password_hash=hash_password(password),
        password_changed_at=now(),
    )
    db.session.add(user)
    db.session.flush()
    invitation.used_at, invitation.user_id = now(), user.id
    record_audit("invitation_accepted", "user", user.id, user_id=user.id)
    return user
