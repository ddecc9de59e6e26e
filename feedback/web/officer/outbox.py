"""The outbox (messages kept while GOV.UK Notify is not configured) and texts families sent back."""

from __future__ import annotations

import re

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.core.phones import display_mobile
from feedback.models import Channel, Contact, InboundSms, Invitation, Message, MessageStatus, StaffMessage
from feedback.surveys.definitions import SURVEYS
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item

PAGE_SIZE = 50
# A survey link opens the family's survey: an officer reading the outbox must not be able to answer for them.
_LINK_TOKEN = re.compile(r"(/s/)[A-Za-z0-9_-]{16,}")

add_nav_item("officer.outbox", "Outbox")
add_nav_item("officer.replies", "Replies")


def hide_link_tokens(text: str | None) -> str:
    """The message text with every survey link token replaced by a placeholder."""
    return _LINK_TOKEN.sub(r"\1[link hidden]", text or "")


def _page() -> int:
    return max(request.args.get("page", 1, type=int) or 1, 1)


def _recipient(message: Message) -> str:
    contact = message.invitation.contact
    if message.channel == Channel.EMAIL:
        return contact.email or ""
    return display_mobile(contact.mobile)


PURPOSES = {"invite": "Invitation", "reminder": "Reminder", "update": "You said, we did update"}
STAFF_PURPOSES = {
    "safeguarding_alert": "Safeguarding alert",
    "digest": "Follow-up digest",
    "account_invite": "Account invitation",
}


def _staff_rows(page: int) -> tuple[int, list[dict]]:
    kept = StaffMessage.status == MessageStatus.OUTBOX
    total = db.session.scalar(select(func.count(StaffMessage.id)).where(kept))
    messages = db.session.scalars(
        select(StaffMessage)
        .where(kept)
        .order_by(StaffMessage.created_at.desc(), StaffMessage.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return total, [
        {
            "message": m,
            "title": "Email to staff: " + STAFF_PURPOSES.get(m.purpose, m.purpose),
            "recipient": m.to_email,
            "lines": hide_link_tokens(m.body).splitlines(),
        }
        for m in messages
    ]


@officer_bp.get("/outbox")
def outbox():
    page = _page()
    staff = request.args.get("to") == "staff"
    staff_total = db.session.scalar(
        select(func.count(StaffMessage.id)).where(StaffMessage.status == MessageStatus.OUTBOX)
    )
    if staff:
        total, rows = _staff_rows(page)
        return render_template(
            "officer/outbox.html",
            rows=rows,
            total=total,
            staff=True,
            staff_total=staff_total,
            page=page,
            page_size=PAGE_SIZE,
            notify_configured=bool(current_app.config.get("NOTIFY_API_KEY")),
        )
    total = db.session.scalar(select(func.count(Message.id)).where(Message.status == MessageStatus.OUTBOX))
    messages = db.session.scalars(
        select(Message)
        .where(Message.status == MessageStatus.OUTBOX)
        .options(
            joinedload(Message.invitation).joinedload(Invitation.contact),
            joinedload(Message.invitation).joinedload(Invitation.child),
        )
        .order_by(Message.created_at.desc(), Message.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    rows = [
        {
            "message": m,
            "recipient": _recipient(m),
            "lines": hide_link_tokens(m.body).splitlines(),
            "child_ref": m.invitation.child.ref,
            "title": ("Email" if m.channel == Channel.EMAIL else "Text message")
            + ": "
            + PURPOSES.get(m.purpose, m.purpose),
        }
        for m in messages
    ]
    return render_template(
        "officer/outbox.html",
        rows=rows,
        total=total,
        staff=False,
        staff_total=staff_total,
        page=page,
        page_size=PAGE_SIZE,
        notify_configured=bool(current_app.config.get("NOTIFY_API_KEY")),
    )


def _latest_invitation_id():
    """The most recent invitation of any contact with the reply's mobile (a correlated subquery)."""
    return (
        select(Invitation.id)
        .join(Contact, Invitation.contact_id == Contact.id)
        .where(Contact.mobile == InboundSms.source_number)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        .limit(1)
        .correlate(InboundSms)
        .scalar_subquery()
    )


@officer_bp.get("/replies")
def replies():
    page = _page()
    unread_only = request.args.get("show") == "unread"
    conditions = [InboundSms.is_stop.is_(False)]
    if unread_only:
        conditions.append(InboundSms.read_at.is_(None))
    total = db.session.scalar(select(func.count(InboundSms.id)).where(*conditions))
    unread = db.session.scalar(
        select(func.count(InboundSms.id)).where(InboundSms.is_stop.is_(False), InboundSms.read_at.is_(None))
    )
    found = db.session.execute(
        select(InboundSms, _latest_invitation_id().label("invitation_id"))
        .where(*conditions)
        .order_by(InboundSms.received_at.desc(), InboundSms.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    ids = {invitation_id for _, invitation_id in found if invitation_id}
    invitations = {
        inv.id: inv
        for inv in db.session.scalars(
            select(Invitation).where(Invitation.id.in_(ids)).options(joinedload(Invitation.child))
        )
    }
    rows = [
        {
            "sms": sms,
            "from": display_mobile(sms.source_number) if sms.source_number.startswith("+44") else sms.source_number,
            "invitation": invitations.get(invitation_id),
        }
        for sms, invitation_id in found
    ]
    return render_template(
        "officer/replies.html",
        rows=rows,
        total=total,
        unread=unread,
        unread_only=unread_only,
        page=page,
        page_size=PAGE_SIZE,
        surveys=SURVEYS,
    )


@officer_bp.post("/replies/<int:inbound_id>/read")
def mark_reply_read(inbound_id: int):
    sms = db.session.get(InboundSms, inbound_id)
    if sms is None or sms.is_stop:
        abort(404)
    if sms.read_at is None:
        sms.read_at = now()
        db.session.commit()
    flash("Reply marked as read")
    return redirect(
        url_for("officer.replies", page=request.form.get("page", 1, type=int), show=request.form.get("show"))
    )
