"""Invitations (one survey owed to one contact for one event), responses and answers."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from feedback.models.accounts import User
    from feedback.models.chasing import CallRecord, Message
    from feedback.models.cohort import Child, Contact
    from feedback.models.insight import FollowUp


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first message
    OPEN = "open"  # at least one message sent, no answer yet
    RESPONDED = "responded"
    CLOSED = "closed"  # 42 days passed without an answer
    OPTED_OUT = "opted_out"
    EXPIRED = "expired"  # event too old to survey when it reached us


class ResponseChannel(enum.StrEnum):
    ONLINE = "online"
    PHONE = "phone"
    IN_PERSON = "in_person"
    PAPER = "paper"


class Invitation(TimestampMixin, db.Model):
    __tablename__ = "invitation"
    __table_args__ = (UniqueConstraint("child_id", "contact_id", "survey_key", "event_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    survey_key: Mapped[str] = mapped_column(String(40), index=True)
    event_date: Mapped[date] = mapped_column(Date, index=True)
    # The link token is HMAC(SECRET_KEY, public_id); only its SHA-256 is stored, so a database
    # copy alone cannot open a survey, yet reminders can rebuild the link.
    public_id: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[InvitationStatus] = mapped_column(
        StrEnumType(InvitationStatus), default=InvitationStatus.PENDING, index=True
    )
    first_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    call_list_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # joined the call list
    call_reason: Mapped[str | None] = mapped_column(String(32))  # no_response | undeliverable
    call_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # off the call list

    child: Mapped[Child] = relationship(back_populates="invitations")
    contact: Mapped[Contact] = relationship(back_populates="invitations")
    messages: Mapped[list[Message]] = relationship(
        back_populates="invitation", order_by="Message.sequence", cascade="all, delete-orphan"
    )
    response: Mapped[Response | None] = relationship(back_populates="invitation", uselist=False)
    calls: Mapped[list[CallRecord]] = relationship(back_populates="invitation", order_by="CallRecord.created_at")


class Response(TimestampMixin, db.Model):
    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"), unique=True)
    survey_key: Mapped[str] = mapped_column(String(40), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    channel: Mapped[ResponseChannel] = mapped_column(StrEnumType(ResponseChannel), default=ResponseChannel.ONLINE)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    ethnicity: Mapped[str | None] = mapped_column(String(4))  # snapshot at the time of answering
    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_quote: Mapped[bool] = mapped_column(Boolean, default=False)
    # What the free text says (insight.analysis), recomputed by `flask analyse` after a word list changes.
    sentiment_polarity: Mapped[float | None] = mapped_column(Float)
    sentiment_subjectivity: Mapped[float | None] = mapped_column(Float)
    concern: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    safeguarding: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    analysed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)

    invitation: Mapped[Invitation | None] = relationship(back_populates="response")
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    entered_by: Mapped[User | None] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="response")
    theme_tags: Mapped[list[ResponseTheme]] = relationship(
        back_populates="response", cascade="all, delete-orphan", order_by="ResponseTheme.theme"
    )

    @property
    def themes(self) -> list[str]:
        return [tag.theme for tag in self.theme_tags]


class ResponseTheme(db.Model):
    """One theme found in a response's free text: a table (not a list in a column) so that the database
    can filter and count responses by theme on SQLite and PostgreSQL alike."""

    __tablename__ = "response_theme"

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)

    response: Mapped[Response] = relationship(back_populates="theme_tags")


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(40), index=True)
    choice: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
