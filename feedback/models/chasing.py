"""Messages sent through Notify, calls made from the call list, and texts families sent back."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from feedback.models.accounts import User
    from feedback.models.surveys import Invitation


class Channel(enum.StrEnum):
    EMAIL = "email"
    SMS = "sms"


class MessageStatus(enum.StrEnum):
    QUEUED = "queued"  # row committed, Notify not yet called
    SENDING = "sending"  # claimed by a chase run, call in flight
    UNKNOWN = "unknown"  # timeout/5xx/429: ask Notify by reference before sending again
    SENT = "sent"  # Notify accepted it (201)
    OUTBOX = "outbox"  # no Notify key: kept for officers to read
    DELIVERED = "delivered"
    TEMPORARY_FAILURE = "temporary-failure"
    PERMANENT_FAILURE = "permanent-failure"
    TECHNICAL_FAILURE = "technical-failure"
    REJECTED = "rejected"  # Notify answered 400: bad address or number
    CANCELLED = "cancelled"  # never sent: a response or opt-out arrived first


class CallOutcome(enum.StrEnum):
    NO_ANSWER = "no_answer"
    DECLINED = "declined"
    WRONG_NUMBER = "wrong_number"
    ANSWERED = "answered"  # answers taken on the phone


class Message(TimestampMixin, db.Model):
    __tablename__ = "message"
    __table_args__ = (
        UniqueConstraint("invitation_id", "sequence"),
        CheckConstraint("sequence >= 1", name="sequence_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel))
    purpose: Mapped[str] = mapped_column(String(16))  # invite | reminder | update
    reference: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    notify_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    status: Mapped[MessageStatus] = mapped_column(StrEnumType(MessageStatus), default=MessageStatus.QUEUED, index=True)
    error: Mapped[str | None] = mapped_column(String(500))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body: Mapped[str | None] = mapped_column(Text)  # outbox only: what would have been sent

    invitation: Mapped[Invitation] = relationship(back_populates="messages")


class InboundSms(db.Model):
    """A text a family sent back through Notify."""

    __tablename__ = "inbound_sms"

    id: Mapped[int] = mapped_column(primary_key=True)
    notify_id: Mapped[str] = mapped_column(String(36), unique=True)
    source_number: Mapped[str] = mapped_column(String(20), index=True)  # normalised like Contact.mobile
    destination_number: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_stop: Mapped[bool] = mapped_column(Boolean, default=False)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CallRecord(db.Model):
    """One phone call to a family on the call list."""

    __tablename__ = "call_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[CallOutcome] = mapped_column(StrEnumType(CallOutcome))
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    invitation: Mapped[Invitation] = relationship(back_populates="calls")
    user: Mapped[User | None] = relationship()
