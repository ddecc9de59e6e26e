"""Emails to council staff, each at most once.

The row (with our reference and a dedupe key such as "safeguarding:response:42") is committed before
Notify is called, so a retry, a double click or a second cron run finds it and sends nothing. A send whose
outcome is unknown (timeout, 5xx, 429) is settled later by `settle_staff_messages`, which asks Notify by
reference before sending again, as the chase runner does for families' messages.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from feedback.core.clock import london, now
from feedback.core.extensions import db
from feedback.models import AccountInvitation, MessageStatus, StaffMessage
from feedback.notify.service import ErrorKind, NotifyError, NotifyService

log = logging.getLogger(__name__)

UNSETTLED = (MessageStatus.QUEUED, MessageStatus.SENDING, MessageStatus.UNKNOWN)


def _deliver(message: StaffMessage, service: NotifyService, personalisation: Mapping[str, str]) -> None:
    """Call Notify (or fill the outbox) for a committed row and record the outcome. The caller commits."""
    try:
        result = service.send_staff_email(
            to=message.to_email,
            template_key=message.template_key,
            personalisation=personalisation,
            reference=message.reference,
        )
    except NotifyError as error:
        message.status = MessageStatus.UNKNOWN if error.kind == ErrorKind.RETRY_LATER else MessageStatus.REJECTED
        message.error = error.summary
        message.status_at = now()
        log.warning("staff message %s (%s) not sent: %s", message.id, message.purpose, error.summary)
        return
    message.sent_at = message.status_at = now()
    if result.notify_id is None:
        message.status, message.body = MessageStatus.OUTBOX, result.body
    else:
        message.status, message.notify_id = MessageStatus.SENT, result.notify_id


def send_staff_email(
    *,
    purpose: str,
    template_key: str,
    to: str,
    personalisation: Mapping[str, str],
    dedupe_key: str,
    service: NotifyService | None = None,
) -> StaffMessage | None:
    """Send one email to staff unless one with `dedupe_key` exists; None when it does.

    Commits the session twice (before and after calling Notify): call it after the change it reports
    on has been committed. The personalisation is not stored (it may name an officer); a resend after
    an unknown outcome rebuilds it through `settle_staff_messages(rebuild=...)`.
    """
    service = service or NotifyService.from_config(current_app.config)
    message = StaffMessage(purpose=purpose, template_key=template_key, to_email=to, dedupe_key=dedupe_key)
    db.session.add(message)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    _deliver(message, service, personalisation)
    db.session.commit()
    return message


def send_account_invitation(invitation: AccountInvitation, link: str) -> StaffMessage | None:
    """The `account_invite_email` for a new officer, with their single-use link (made by the caller: the
    web builds it with url_for, the command line from PUBLIC_BASE_URL). Once per invitation."""
    config = current_app.config
    return send_staff_email(
        purpose="account_invite",
        template_key="account_invite_email",
        to=invitation.email,
        personalisation={
            "name": invitation.name,
            "service_name": config["SERVICE_NAME"],
            "invite_link": link,
            "expires_at": london(invitation.expires_at).strftime("%-d %B %Y at %H:%M"),
        },
        dedupe_key=f"account_invite:{invitation.id}",
    )


def settle_staff_messages(
    rebuild, *, service: NotifyService | None = None, stale_after: timedelta = timedelta(minutes=10)
) -> int:
    """Settle staff emails left unsent or unknown: found at Notify → sent; not found → sent again.

    `rebuild(message)` returns the personalisation for a resend, or None to give up (marked cancelled).
    Returns how many were settled.
    """
    service = service or NotifyService.from_config(current_app.config)
    stale = db.session.scalars(
        select(StaffMessage).where(StaffMessage.status.in_(UNSETTLED), StaffMessage.created_at < now() - stale_after)
    ).all()
    for message in stale:
        try:
            found = service.find_by_reference(message.reference)
        except NotifyError as error:
            log.warning("could not ask Notify about staff message %s: %s", message.id, error.summary)
            continue
        if found is not None:
            message.status, message.notify_id, message.status_at = MessageStatus.SENT, found.notify_id, now()
            continue
        personalisation = rebuild(message)
        if personalisation is None:
            message.status, message.error, message.status_at = MessageStatus.CANCELLED, "no longer wanted", now()
            continue
        _deliver(message, service, personalisation)
    db.session.commit()
    return len(stale)
