"""Emails to council staff (safeguarding alerts, follow-up digests, account invitations), sent at most once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models.chasing import MessageStatus
from feedback.models.types import StrEnumType, UTCDateTime


class StaffMessage(db.Model):
    """One email to a council address. `dedupe_key` makes it at most once: a second alert for the same
    response, or a second digest for the same owner and week, finds the row and sends nothing."""

    __tablename__ = "staff_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32), index=True)  # safeguarding_alert | digest | account_invite
    template_key: Mapped[str] = mapped_column(String(40))
    to_email: Mapped[str] = mapped_column(String(320))  # a council address, never a family's
    dedupe_key: Mapped[str] = mapped_column(String(160), unique=True)
    reference: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    notify_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    status: Mapped[MessageStatus] = mapped_column(StrEnumType(MessageStatus), default=MessageStatus.QUEUED, index=True)
    error: Mapped[str | None] = mapped_column(String(500))
    body: Mapped[str | None] = mapped_column(Text)  # outbox only: what would have been sent
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
