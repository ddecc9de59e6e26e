"""The tables of DESIGN section 4, as SQLAlchemy 2.0 typed models."""

from __future__ import annotations

import enum
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.clock import now
from feedback.core.extensions import db


class UTCDateTime(TypeDecorator):
    """Stores UTC, always hands back timezone-aware UTC (SQLite would otherwise drop the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class StrEnumType(TypeDecorator):
    """A StrEnum stored as plain text (no database ENUM type to migrate)."""

    impl = String(32)
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


class ContactRole(enum.StrEnum):
    PARENT_CARER = "parent_carer"
    YOUNG_PERSON = "young_person"


class InvitationStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for its first message
    OPEN = "open"  # at least one message sent, no answer yet
    RESPONDED = "responded"
    CLOSED = "closed"  # 42 days passed without an answer
    OPTED_OUT = "opted_out"
    EXPIRED = "expired"  # event too old to survey when it reached us


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


class ResponseChannel(enum.StrEnum):
    ONLINE = "online"
    PHONE = "phone"
    IN_PERSON = "in_person"
    PAPER = "paper"


class FollowUpStatus(enum.StrEnum):
    OPEN = "open"
    CONTACTED = "contacted"
    RESOLVED = "resolved"


class ActionStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Role(enum.StrEnum):
    ADMIN = "admin"
    OFFICER = "officer"
    VIEWER = "viewer"


class CallOutcome(enum.StrEnum):
    NO_ANSWER = "no_answer"
    DECLINED = "declined"
    WRONG_NUMBER = "wrong_number"
    ANSWERED = "answered"  # answers taken on the phone


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)


class Child(TimestampMixin, db.Model):
    __tablename__ = "child"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(64), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    ethnicity: Mapped[str | None] = mapped_column(String(4), index=True)  # DfE main code; None = unknown
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    primary_need: Mapped[str | None] = mapped_column(String(64))
    school_phase: Mapped[str | None] = mapped_column(String(64))
    locality: Mapped[str | None] = mapped_column(String(64))

    contacts: Mapped[list[Contact]] = relationship(back_populates="child", cascade="all, delete-orphan")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="child", cascade="all, delete-orphan")


class Contact(TimestampMixin, db.Model):
    __tablename__ = "contact"
    __table_args__ = (UniqueConstraint("child_id", "role", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    role: Mapped[ContactRole] = mapped_column(StrEnumType(ContactRole))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # lower-cased, spaces collapsed: identifies the contact
    email: Mapped[str | None] = mapped_column(String(320))
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)  # normalised +447700900123
    language: Mapped[str | None] = mapped_column(String(35))
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # Notify said the address is bad
    mobile_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    child: Mapped[Child] = relationship(back_populates="contacts")
    invitations: Mapped[list[Invitation]] = relationship(back_populates="contact")


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
    sentiment_polarity: Mapped[float | None] = mapped_column(Float)
    sentiment_subjectivity: Mapped[float | None] = mapped_column(Float)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, index=True)

    invitation: Mapped[Invitation | None] = relationship(back_populates="response")
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    entered_by: Mapped[User | None] = relationship()
    follow_ups: Mapped[list[FollowUp]] = relationship(back_populates="response")


class Answer(db.Model):
    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), index=True)
    question_key: Mapped[str] = mapped_column(String(40), index=True)
    choice: Mapped[str | None] = mapped_column(String(32))
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")


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


class User(TimestampMixin, db.Model):
    __tablename__ = "app_user"  # "user" is reserved in PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(StrEnumType(Role), default=Role.OFFICER)
    theme: Mapped[str | None] = mapped_column(String(20))  # education | health | social_care
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
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


class AuditEvent(db.Model):
    """Append only: who did what to which record, when, from where."""

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
