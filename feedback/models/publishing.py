""" "You said, we did" entries, the responses behind them, their versions, quotes and the update messages
that close the loop with the families who asked to hear back."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from feedback.models.accounts import User
    from feedback.models.chasing import Message
    from feedback.models.cohort import Contact
    from feedback.models.surveys import Response


class ActionStatus(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"  # published by `flask publish-due` once publish_at has come
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class ActionProgress(enum.StrEnum):
    """Where the change itself stands (not the page): shown to the public with its date."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"


action_response = Table(
    "action_response",
    db.Model.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("response_id", ForeignKey("response.id", ondelete="CASCADE"), primary_key=True),
)


class Action(TimestampMixin, db.Model):
    """A "You said, we did" entry. Only a published one is public; its slug never changes once published."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    you_said: Mapped[str] = mapped_column(Text)  # Markdown
    we_did: Mapped[str] = mapped_column(Text)  # Markdown
    theme: Mapped[str | None] = mapped_column(String(40), index=True)
    status: Mapped[ActionStatus] = mapped_column(StrEnumType(ActionStatus), default=ActionStatus.DRAFT, index=True)
    progress: Mapped[ActionProgress] = mapped_column(
        StrEnumType(ActionProgress), default=ActionProgress.PLANNED, server_default=ActionProgress.PLANNED.value
    )
    progress_on: Mapped[date | None] = mapped_column(Date)  # planned for, started on or done on
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # scheduled publication
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # first publication: never moves
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # what the public sees last changed
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Words the officer confirmed are not names, though they match one in the database ("Will", "Hope").
    not_names: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))

    responses: Mapped[list[Response]] = relationship(secondary=action_response, order_by="Response.id")
    quotes: Mapped[list[ActionQuote]] = relationship(
        back_populates="action", order_by="ActionQuote.position, ActionQuote.id", cascade="all, delete-orphan"
    )
    versions: Mapped[list[ActionVersion]] = relationship(
        back_populates="action", order_by="ActionVersion.number.desc()", cascade="all, delete-orphan"
    )
    created_by: Mapped[User | None] = relationship()


class ActionVersion(db.Model):
    """One save of an entry: who, when, what happened and what the entry said after it (a snapshot)."""

    __tablename__ = "action_version"
    __table_args__ = (UniqueConstraint("action_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    event: Mapped[str] = mapped_column(String(32))  # created | edited | scheduled | published | withdrawn | ...
    changes: Mapped[list[str]] = mapped_column(JSON, default=list)  # field names, or a short note
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    title: Mapped[str] = mapped_column(String(200))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(String(40))
    progress: Mapped[str] = mapped_column(String(16))
    progress_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))

    action: Mapped[Action] = relationship(back_populates="versions")
    user: Mapped[User | None] = relationship()


class ActionQuote(db.Model):
    """A family's words quoted, without their name, in an entry's "You said". Only from a response whose family
    agreed to be quoted; public pages check that consent again each time they show it."""

    __tablename__ = "action_quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)  # as the officer trimmed it
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    action: Mapped[Action] = relationship(back_populates="quotes")
    response: Mapped[Response] = relationship()


class ActionNotice(db.Model):
    """The one "update" message an entry owes a contact who asked to hear back: unique per entry and contact,
    so editing and publishing again never sends a second one."""

    __tablename__ = "action_notice"
    __table_args__ = (UniqueConstraint("action_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id", ondelete="SET NULL"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    action: Mapped[Action] = relationship()
    contact: Mapped[Contact] = relationship()
    message: Mapped[Message | None] = relationship()
