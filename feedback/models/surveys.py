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
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.clock import london, now
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
    __table_args__ = (
        UniqueConstraint("child_id", "contact_id", "survey_key", "event_date"),
        # The dashboard's counts and chase funnel for a period, read from this index alone on PostgreSQL
        # (INCLUDE): a year of a million invitations is counted without touching the table.
        Index(
            "ix_invitation_period",
            "event_date",
            "survey_key",
            "status",
            postgresql_include=[
                "first_sent_at",
                "delivered_at",
                "reminded_at",
                "call_list_at",
                "call_reason",
                "called_at",
            ],
        ),
        # Representativeness (feedback.representation): a period's events (a child and a day) and whether any
        # of their invitations was answered, read from this index alone in child order, so that PostgreSQL
        # groups them as it reads and joins the children in the same order, without sorting or hashing a
        # million rows. It also serves what the plain child_id index it replaced did (the foreign key).
        Index("ix_invitation_child_event", "child_id", "event_date", "survey_key", postgresql_include=["responded_at"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"))  # ix_invitation_child_event
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    survey_key: Mapped[str] = mapped_column(String(40), index=True)
    event_date: Mapped[date] = mapped_column(Date)
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
    # How far the chase got, kept here as it happens (by feedback.chasing) so that the dashboard's chase
    # funnel counts invitations, not millions of messages and calls: first message Notify reported delivered,
    # first reminder sent, first call recorded from the call list.
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    called_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship(back_populates="invitations")
    contact: Mapped[Contact] = relationship(back_populates="invitations")
    messages: Mapped[list[Message]] = relationship(
        back_populates="invitation", order_by="Message.sequence", cascade="all, delete-orphan"
    )
    response: Mapped[Response | None] = relationship(back_populates="invitation", uselist=False)
    calls: Mapped[list[CallRecord]] = relationship(back_populates="invitation", order_by="CallRecord.created_at")


class Response(TimestampMixin, db.Model):
    __tablename__ = "response"
    __table_args__ = (
        # The figures: a period's responses by survey and channel, read from the index alone (PostgreSQL).
        Index("ix_response_period", "event_date", "survey_key", "channel", postgresql_include=["invitation_id"]),
        # The responses list: newest events first, one page at a time, read backwards along the index; the
        # rarest filter (safeguarding) has its own, small one.
        Index("ix_response_event_order", "event_date", "submitted_at", "id"),
        Index(
            "ix_response_safeguarding",
            "event_date",
            "submitted_at",
            "id",
            postgresql_where=sql_text("safeguarding"),
            sqlite_where=sql_text("safeguarding"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"), unique=True)
    survey_key: Mapped[str] = mapped_column(String(40), index=True)
    survey_version: Mapped[int] = mapped_column(Integer)
    # The reporting period a response counts in is its event's (the day the plan was issued or the review held).
    # Copied from the invitation (whose event date never changes: it is part of its unique key) so that the
    # figures and the responses list select a period on this table alone, with an index, instead of joining
    # a million invitations; and so the response keeps its period if the invitation is ever erased. An open
    # survey's response, with no invitation, counts on the London day it was submitted. Set by
    # `_set_event_date` below for every response saved through the ORM; bulk inserts (demo, bench) set it.
    event_date: Mapped[date] = mapped_column(Date)
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
    # Set when retention or an erasure removed the free text (feedback/accounts): the stored analysis is then
    # kept as it was, and `flask analyse` leaves the response alone, so the figures do not change.
    text_removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
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
    __table_args__ = (
        UniqueConstraint("response_id", "question_key"),
        # % agree for every statement and quarter, and by ethnic group for the weighted figure: counted from
        # this index alone, in its order, with no join (ethnicity last, so the plain count still reads it in
        # order).
        Index(
            "ix_answer_period",
            "event_date",
            "survey_key",
            "question_key",
            "choice",
            "ethnicity",
            postgresql_where=sql_text("choice IS NOT NULL"),
            sqlite_where=sql_text("choice IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(40), index=True)
    choice: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)
    # The response's survey and event date, copied (they never change) so that the figures count a period's
    # answers without joining them to their responses: at 1.2 million answers a year the join alone takes
    # longer than the whole dashboard may. Set by `_copy_from_response` below; bulk inserts set them.
    survey_key: Mapped[str] = mapped_column(String(40))
    event_date: Mapped[date] = mapped_column(Date)
    # The response's ethnicity snapshot, copied for the same reason: the weighted % agree groups a year's
    # answers by it (representation.weighted). It never goes stale, being fixed when the family answered.
    ethnicity: Mapped[str | None] = mapped_column(String(4))

    response: Mapped[Response] = relationship(back_populates="answers")


@event.listens_for(Response, "before_insert")
def _set_event_date(mapper, connection, response: Response) -> None:
    """A response counts in its event's period (see `Response.event_date`), whoever creates it."""
    if response.event_date is not None:
        return
    invitation = response.__dict__.get("invitation")  # already loaded: no lazy load during a flush
    if invitation is not None:
        response.event_date = invitation.event_date
    elif response.invitation_id is not None:
        response.event_date = connection.scalar(
            select(Invitation.event_date).where(Invitation.id == response.invitation_id)
        )
    else:
        response.event_date = london(response.submitted_at or now()).date()


@event.listens_for(Answer, "before_insert")
def _copy_from_response(mapper, connection, answer: Answer) -> None:
    """An answer carries its response's survey, event date and ethnicity (see `Answer.event_date`)."""
    if answer.event_date is not None and answer.survey_key is not None and answer.ethnicity is not None:
        return
    response = answer.__dict__.get("response")  # already loaded: no lazy load during a flush
    if response is not None and response.event_date is not None:
        survey_key, event_date, ethnicity = response.survey_key, response.event_date, response.ethnicity
    else:
        survey_key, event_date, ethnicity = connection.execute(
            select(Response.survey_key, Response.event_date, Response.ethnicity).where(
                Response.id == answer.response_id
            )
        ).one()
    answer.survey_key = answer.survey_key or survey_key
    answer.event_date = answer.event_date or event_date
    answer.ethnicity = answer.ethnicity or ethnicity
