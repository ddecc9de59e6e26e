"""GOV.UK Notify callbacks as domain operations: delivery receipts and texts sent back to us.

Nothing here knows about Flask requests: the views parse JSON and hand over a dict. Both functions
raise BadCallback for a body we cannot use, commit their own work, and log ids only (never `to`,
a number or a message).

Receipts may repeat or arrive out of order (Notify retries, several workers answer). Each status
has a rank and a receipt only ever moves a message up the ranks:

    queued / sending / unknown / outbox  0   (our own states, before Notify confirmed anything)
    sent  (Notify's created, sending, pending, sent)   1
    temporary-failure, technical-failure               2   final for that message, may be retried
    delivered                                          3
    permanent-failure                                  4   worst news about the address wins

So a final status is never moved back to sent, a repeated receipt changes nothing, and a late
permanent failure (an email bounce after "delivered") still fails the address.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from feedback.chasing.optout import opt_out_mobile
from feedback.chasing.store import mark_delivered
from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.core.phones import normalise_uk_mobile
from feedback.models import Channel, Contact, InboundSms, Invitation, InvitationStatus, Message, MessageStatus

log = logging.getLogger(__name__)

# Notify's status names (email and text) -> ours. Notify's "sending" is not our SENDING, which
# means "claimed by a chase run, call in flight": once Notify has the message it is SENT to us.
NOTIFY_STATUSES = {
    "created": MessageStatus.SENT,
    "sending": MessageStatus.SENT,
    "pending": MessageStatus.SENT,
    "sent": MessageStatus.SENT,
    "delivered": MessageStatus.DELIVERED,
    "temporary-failure": MessageStatus.TEMPORARY_FAILURE,
    "technical-failure": MessageStatus.TECHNICAL_FAILURE,
    "permanent-failure": MessageStatus.PERMANENT_FAILURE,
}
STATUS_RANK = {
    MessageStatus.SENT: 1,
    MessageStatus.TEMPORARY_FAILURE: 2,
    MessageStatus.TECHNICAL_FAILURE: 2,
    MessageStatus.DELIVERED: 3,
    MessageStatus.PERMANENT_FAILURE: 4,
}  # anything else (queued, sending, unknown, outbox, rejected, cancelled) ranks 0
NOTIFICATION_TYPES = {"email": Channel.EMAIL, "sms": Channel.SMS}
LIVE_STATUSES = (InvitationStatus.PENDING, InvitationStatus.OPEN)
ID_MAX = 36  # Notify ids and our references are UUIDs
INBOUND_TEXT_MAX = 5000  # Notify caps a text far below this; guards the table against junk


class BadCallback(ValueError):
    """The callback body cannot be used; the message says why (no personal data in it)."""


@dataclass(frozen=True)
class ReceiptResult:
    outcome: str  # updated | unchanged | unknown
    message_id: int | None = None
    status: MessageStatus | None = None
    channel_failed: bool = False


@dataclass(frozen=True)
class InboundResult:
    outcome: str  # stored | duplicate
    inbound_id: int
    is_stop: bool
    opted_out: int = 0


def status_rank(status: MessageStatus | None) -> int:
    """Where a status sits in the order receipts may move a message (see the module docstring)."""
    return STATUS_RANK.get(status, 0) if status is not None else 0


# ---------------------------------------------------------------- delivery receipts


def _text_field(body: dict, name: str, *, required: bool = False, max_len: int | None = None) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise BadCallback(f"{name} is missing")
        return None
    if not isinstance(value, str):
        raise BadCallback(f"{name} must be a string")
    value = value.strip()
    if max_len is not None and len(value) > max_len:
        raise BadCallback(f"{name} is longer than {max_len} characters")
    return value


def parse_notify_time(value: object) -> datetime | None:
    """'2017-05-14T12:15:30.000000Z' -> aware UTC datetime; None when absent or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    # Notify's times are UTC even when they come without a zone.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _parse_receipt(body: object) -> tuple[str, str | None, MessageStatus, Channel | None]:
    if not isinstance(body, dict):
        raise BadCallback("the body must be a JSON object")
    notify_id = _text_field(body, "id", required=True, max_len=ID_MAX)
    reference = _text_field(body, "reference", max_len=ID_MAX)
    status_name = _text_field(body, "status", required=True, max_len=40)
    if status_name not in NOTIFY_STATUSES:
        raise BadCallback(f"unknown status {status_name!r}")
    type_name = _text_field(body, "notification_type", max_len=20)
    if type_name is not None and type_name not in NOTIFICATION_TYPES:
        raise BadCallback(f"unknown notification_type {type_name!r}")
    return notify_id, reference, NOTIFY_STATUSES[status_name], NOTIFICATION_TYPES.get(type_name)


def _find_message(notify_id: str, reference: str | None) -> Message | None:
    condition = Message.notify_id == notify_id
    if reference:
        condition = or_(Message.reference == reference, condition)
    # Row lock on PostgreSQL: two receipts for one message (Notify retrying) are applied in turn.
    rows = db.session.scalars(select(Message).where(condition).with_for_update()).all()
    if not rows:
        return None
    # Our reference is the better key: prefer the row it names.
    return next((m for m in rows if reference and m.reference == reference), rows[0])


def _is_current_address(contact: Contact, channel: Channel, to: object) -> bool:
    """Does the receipt's `to` still match the contact? An address changed since sending must not be
    failed by news about the old one. A receipt without `to` is taken to mean the current address."""
    if not isinstance(to, str) or not to.strip():
        return True
    if channel == Channel.EMAIL:
        return bool(contact.email) and contact.email.strip().lower() == to.strip().lower()
    return bool(contact.mobile) and normalise_uk_mobile(to) == contact.mobile


def _has_usable_channel(contact: Contact) -> bool:
    return bool((contact.email and not contact.email_failed_at) or (contact.mobile and not contact.mobile_failed_at))


def _fail_channel(message: Message, channel: Channel, to: object, moment: datetime) -> bool:
    """Mark the contact's address failed; put live invitations on the call list when nothing is left.
    Returns True when the address was newly failed."""
    contact = message.invitation.contact
    if not _is_current_address(contact, channel, to):
        log.info("permanent failure for message %s concerns a previous address of contact %s", message.id, contact.id)
        return False
    attribute = "email_failed_at" if channel == Channel.EMAIL else "mobile_failed_at"
    if getattr(contact, attribute) is not None:
        return False
    setattr(contact, attribute, moment)
    log.info("contact %s: %s channel failed permanently (message %s)", contact.id, channel.value, message.id)
    if not _has_usable_channel(contact):
        db.session.execute(
            update(Invitation)
            .where(
                Invitation.contact_id == contact.id,
                Invitation.status.in_(LIVE_STATUSES),
                Invitation.call_list_at.is_(None),
            )
            .values(call_list_at=moment, call_reason="undeliverable", updated_at=moment)
            .execution_options(synchronize_session="fetch")
        )
        log.info("contact %s has no usable channel left: live invitations put on the call list", contact.id)
    return True


def record_receipt(body: object) -> ReceiptResult:
    """Apply one Notify delivery receipt (a parsed JSON body). Idempotent; commits."""
    notify_id, reference, status, notification_type = _parse_receipt(body)
    message = _find_message(notify_id, reference)
    if message is None:
        db.session.rollback()
        log.info("receipt for unknown notification %s (reference %s) ignored", notify_id, reference)
        return ReceiptResult("unknown")
    if message.notify_id is None:
        taken = db.session.scalar(select(Message.id).where(Message.notify_id == notify_id, Message.id != message.id))
        if taken is None:  # else another row already holds it, and notify_id is unique
            message.notify_id = notify_id
    elif message.notify_id != notify_id:
        # Two Notify notifications for one of our references: a message was sent twice.
        log.warning("receipt %s names message %s, which Notify knows as %s", notify_id, message.id, message.notify_id)
    channel = message.channel
    if notification_type is not None and notification_type != channel:
        log.warning("receipt %s says %s but message %s went by %s", notify_id, notification_type, message.id, channel)
    moment = now()
    changed = status_rank(status) > status_rank(message.status)
    if changed:
        message.status = status
        message.status_at = parse_notify_time(body.get("completed_at")) or moment
        if message.sent_at is None:
            message.sent_at = parse_notify_time(body.get("sent_at")) or parse_notify_time(body.get("created_at"))
    if status == MessageStatus.DELIVERED:  # for the chase funnel; once per invitation, whatever the order
        mark_delivered(message.invitation_id, parse_notify_time(body.get("completed_at")) or moment)
    failed = False
    if status == MessageStatus.PERMANENT_FAILURE:
        # Also on a repeat: the address check is idempotent, and a first attempt may have lost a race.
        failed = _fail_channel(message, channel, body.get("to"), moment)
    db.session.commit()
    log.info(
        "receipt %s: message %s %s (%s)", notify_id, message.id, status.value, "applied" if changed else "no change"
    )
    return ReceiptResult("updated" if changed or failed else "unchanged", message.id, message.status, failed)


# ---------------------------------------------------------------- inbound texts and STOP

# The rule: after lower-casing, turning punctuation into spaces and dropping apostrophes, a text is a
# stop request when, with polite words trimmed from either end, what is left is exactly one of
# STOP_PHRASES. A text that merely contains "stop" ("don't stop sending me these", "when does it
# stop?") is not one: it goes to the officer, who can read it and act.
STOP_PHRASES = frozenset(
    {
        "stop", "stopall", "stop all", "stop it", "stop now", "stop this",
        "stop texts", "stop text", "stop texting", "stop texting me", "stop messages", "stop messaging me",
        "stop sending", "stop sending me these", "stop sending me messages", "stop sending messages",
        "stop sending texts", "stop sending me texts", "stop contacting me", "stop contact",
        "unsubscribe", "unsubscribe me", "unsub", "cancel", "end", "quit",
        "opt out", "optout", "opt me out", "remove me", "remove me from your list", "take me off",
        "take me off your list", "no more", "no more texts", "no more messages",
    }
)  # fmt: skip
_LEADING = ("please", "pls", "plz", "can you", "could you", "can you please", "could you please", "hi", "hello")
_TRAILING = ("please", "pls", "plz", "thanks", "thank you", "thankyou", "ta", "x", "xx", "xxx", "now")
_LEADING_TOKENS = sorted((tuple(p.split()) for p in _LEADING), key=len, reverse=True)
_TRAILING_TOKENS = sorted((tuple(p.split()) for p in _TRAILING), key=len, reverse=True)
_NOT_WORD = re.compile(r"[^\w\s]|_")
STOP_TEXT_MAX = 60  # a longer text is a conversation, not a keyword


def _normal_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("\u2019", "")  # don't -> dont, so it stays one word
    return _NOT_WORD.sub(" ", text).split()


def _trim(words: list[str]) -> list[str]:
    trimmed = True
    while trimmed and words:
        trimmed = False
        for phrase in _LEADING_TOKENS:
            if len(words) > len(phrase) and tuple(words[: len(phrase)]) == phrase:
                words, trimmed = words[len(phrase) :], True
                break
        for phrase in _TRAILING_TOKENS:
            if len(words) > len(phrase) and tuple(words[-len(phrase) :]) == phrase:
                words, trimmed = words[: -len(phrase)], True
                break
    return words


def is_stop_request(text: str | None) -> bool:
    """True when a texted reply asks us to stop messaging (STOP, Stop please, UNSUBSCRIBE, opt out…)."""
    if not text or len(text) > STOP_TEXT_MAX:
        return False
    words = _normal_words(text)
    # Checked before trimming too, so that a filler word that is the whole text ("please") stays unmatched
    # and a phrase ending in a filler ("stop now") matches as written.
    return " ".join(words) in STOP_PHRASES or " ".join(_trim(words)) in STOP_PHRASES


def _source_number(raw: str) -> str:
    normal = normalise_uk_mobile(raw)
    if normal:
        return normal
    digits = re.sub(r"[^\d+]", "", raw)
    if not digits or len(digits) > 20:
        raise BadCallback("source_number is not a phone number")
    return digits


def _parse_inbound(body: object) -> tuple[str, str, str | None, str, datetime | None]:
    if not isinstance(body, dict):
        raise BadCallback("the body must be a JSON object")
    notify_id = _text_field(body, "id", required=True, max_len=ID_MAX)
    source = _source_number(_text_field(body, "source_number", required=True, max_len=40))
    destination = _text_field(body, "destination_number", max_len=20)
    message = body.get("message")
    if not isinstance(message, str):
        raise BadCallback("message is missing" if message is None else "message must be a string")
    if len(message) > INBOUND_TEXT_MAX:
        raise BadCallback(f"message is longer than {INBOUND_TEXT_MAX} characters")
    return notify_id, source, destination, message, parse_notify_time(body.get("date_received"))


def _opt_out(source: str) -> int:
    """Opt out every contact with this mobile and audit each one newly opted out."""
    fresh = list(db.session.scalars(select(Contact.id).where(Contact.mobile == source, Contact.opted_out_at.is_(None))))
    opt_out_mobile(source, reason="texted STOP")
    for contact_id in fresh:
        record_audit("opt_out", "contact", contact_id, detail="texted STOP")
    return len(fresh)


def record_inbound(body: object) -> InboundResult:
    """Store a text sent to our Notify number; a STOP opts that mobile out. Idempotent on Notify's id; commits."""
    notify_id, source, destination, text, received_at = _parse_inbound(body)
    existing = db.session.scalar(select(InboundSms).where(InboundSms.notify_id == notify_id))
    if existing is not None:
        log.info("inbound text %s already stored as %s", notify_id, existing.id)
        return InboundResult("duplicate", existing.id, existing.is_stop)
    stop = is_stop_request(text)
    inbound = InboundSms(
        notify_id=notify_id,
        source_number=source,
        destination_number=destination,
        message=text,
        received_at=received_at or now(),
        is_stop=stop,
    )
    db.session.add(inbound)
    opted_out = _opt_out(source) if stop else 0
    try:
        db.session.commit()
    except IntegrityError:
        # Notify delivered the same text to two workers at once: the other one stored it.
        db.session.rollback()
        existing = db.session.scalar(select(InboundSms).where(InboundSms.notify_id == notify_id))
        if existing is None:
            raise
        return InboundResult("duplicate", existing.id, existing.is_stop)
    log.info("inbound text %s stored as %s (stop=%s, contacts opted out=%s)", notify_id, inbound.id, stop, opted_out)
    return InboundResult("stored", inbound.id, stop, opted_out)
