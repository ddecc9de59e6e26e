""" "You said, we did" entries and the responses behind them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    ForeignKey,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.extensions import db
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from feedback.models.surveys import Response


class ActionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


action_response = Table(
    "action_response",
    db.Model.metadata,
    Column("action_id", ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
    Column("response_id", ForeignKey("response.id", ondelete="CASCADE"), primary_key=True),
)


class Action(TimestampMixin, db.Model):
    """A "You said, we did" entry."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    theme: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[ActionStatus] = mapped_column(StrEnumType(ActionStatus), default=ActionStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    responses: Mapped[list[Response]] = relationship(secondary=action_response)
