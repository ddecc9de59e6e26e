"""Follow-ups opened from responses, and their notes."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from feedback.models.accounts import User
    from feedback.models.surveys import Response


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    CONTACTED = "contacted"
    RESOLVED = "resolved"


class FollowUp(TimestampMixin, db.Model):
    """A case to act on, opened by rule from a response (DESIGN section 8): at most one per response."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), unique=True)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)  # asked_for_contact, strongly_disagree, concern
    theme: Mapped[str | None] = mapped_column(String(40))
    owner: Mapped[str | None] = mapped_column(String(20), index=True)  # education | health | social_care
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    status: Mapped[FollowUpStatus] = mapped_column(StrEnumType(FollowUpStatus), default=FollowUpStatus.OPEN, index=True)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)  # 5 working days after it was opened
    contacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[Response] = relationship(back_populates="follow_ups")
    assignee: Mapped[User | None] = relationship()
    notes: Mapped[list[FollowUpNote]] = relationship(
        back_populates="follow_up", order_by="FollowUpNote.created_at", cascade="all, delete-orphan"
    )


class FollowUpNote(db.Model):
    __tablename__ = "follow_up_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(ForeignKey("follow_up.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    follow_up: Mapped[FollowUp] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()


class SafeguardingAlert(db.Model):
    """Raised at once when free text suggests a child may be at risk of harm; open until an officer records
    what was done. Holds no free text: the officer reads the response itself, signed in and audited."""

    __tablename__ = "safeguarding_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), unique=True)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)
    signals: Mapped[list[str]] = mapped_column(JSON, default=list)  # kinds of concern matched, e.g. "self_harm"
    staff_message_id: Mapped[int | None] = mapped_column(ForeignKey("staff_message.id", ondelete="SET NULL"))
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    action_taken: Mapped[str | None] = mapped_column(Text)  # what the officer did (a referral, a call)

    response: Mapped[Response] = relationship()
    handled_by: Mapped[User | None] = relationship()
