"""Officer accounts, their sign-in sessions, recovery codes and invitations, the audit log and API tokens."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    VIEWER = "viewer"


class User(TimestampMixin, db.Model):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(StrEnumType(Role), default=Role.OFFICER)
    theme: Mapped[str | None] = mapped_column(String(20))  # education | health | social_care
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    # Set when the officer proved they can read codes from the secret; until then they must set it up.
    mfa_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last TOTP time step accepted: a code from this step or an earlier one is refused (no replay).
    mfa_last_step: Mapped[int | None] = mapped_column(Integer)
    # Failures since the last successful sign-in: they set the growing delay and are told at the next sign-in.
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)  # no password is checked before this
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserSession(db.Model):
    """One signed-in browser. The cookie carries a random id; only its SHA-256 is stored, so a copy of the
    database cannot be used to sign in. A session ends when revoked (sign-out, password change, deactivation,
    "sign out everywhere") or when idle or old (feedback/accounts/sessions.py)."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(45))


class RecoveryCode(db.Model):
    """One of ten single-use codes for signing in without the phone; stored hashed, shown once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountInvitation(db.Model):
    """A single-use link that lets a new officer choose their own password (expires after 24 hours)."""

    __tablename__ = "account_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(StrEnumType(Role))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))


class AuditEvent(db.Model):
    """Append only: who did what to which record, when, from where. The app never edits or deletes a row
    (the listeners below refuse it)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[str | None] = mapped_column(Text)


class ApiToken(db.Model):
    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(mapper, connection, target: AuditEvent) -> None:
    raise PermissionError("audit events are never edited or deleted")
