"""Children and the contacts who answer for them (parents, carers, young people)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback.core.extensions import db
from feedback.models.types import StrEnumType, TimestampMixin, UTCDateTime

if TYPE_CHECKING:
    from feedback.models.surveys import Invitation


class ContactRole(enum.StrEnum):
    PARENT_CARER = "parent_carer"
    YOUNG_PERSON = "young_person"


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
