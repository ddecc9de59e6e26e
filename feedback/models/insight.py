"""Follow-ups opened from responses, and their notes."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
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
    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(40))  # asked_for_contact | strongly_disagree | negative_sentiment
    theme: Mapped[str | None] = mapped_column(String(40))
    owner: Mapped[str | None] = mapped_column(String(20))  # education | health | social_care
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    status: Mapped[FollowUpStatus] = mapped_column(StrEnumType(FollowUpStatus), default=FollowUpStatus.OPEN)
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
