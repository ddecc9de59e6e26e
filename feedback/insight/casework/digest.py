"""The weekly digest: each owner's team mailbox (FOLLOW_UP_OWNER_EMAILS) gets the list of its follow-ups
still open or contacted, overdue ones first. At most once per owner and ISO week (the staff email's dedupe
key), so cron may run it more than once. No names, references, contact details or free text: follow-up
numbers, reasons, themes, due dates and a link."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from feedback.core.clock import long_date, today_london
from feedback.core.extensions import db
from feedback.insight.casework.follow_ups import (
    OWNER_LABELS,
    REASON_LABELS,
    STATUS_LABELS,
    Filters,
    follow_ups_query,
    is_overdue,
)
from feedback.insight.casework.safeguarding import PURPOSE as ALERT_PURPOSE
from feedback.insight.casework.safeguarding import alert_for_message, alert_personalisation
from feedback.models import FollowUp, ResponseTheme, StaffMessage
from feedback.notify.staff import send_staff_email

PURPOSE = "digest"
TEMPLATE_KEY = "digest_email"
LISTED = 50  # follow-ups listed in one email; the link shows the rest


def week_key(today: date) -> str:
    year, week, _ = today.isocalendar()
    return f"{year}-W{week:02d}"


def dedupe_key(owner: str, today: date) -> str:
    return f"digest:{owner}:{week_key(today)}"


def _theme_names(follow_up_ids: list[int]) -> dict[int, list[str]]:
    rows = db.session.execute(
        select(FollowUp.id, ResponseTheme.theme)
        .join(ResponseTheme, ResponseTheme.response_id == FollowUp.response_id)
        .where(FollowUp.id.in_(follow_up_ids))
        .order_by(ResponseTheme.theme)
    ).all()
    themes: dict[int, list[str]] = {}
    for follow_up_id, theme in rows:
        themes.setdefault(follow_up_id, []).append(theme.replace("_", " "))
    return themes


def line_for(follow_up: FollowUp, themes: list[str], today: date) -> str:
    """'* Follow-up 12: due 20 November 2026 (overdue), open. Asked to be contacted. Themes: timeliness'."""
    due = f"due {long_date(follow_up.due_on)}" if follow_up.due_on else "no due date"
    if is_overdue(follow_up, today):
        due += " (overdue)"
    reasons = "; ".join(REASON_LABELS.get(r, r) for r in follow_up.reasons or [])
    text = f"* Follow-up {follow_up.id}: {due}, {STATUS_LABELS[follow_up.status].lower()}. {reasons}."
    if themes:
        text += f" Themes: {', '.join(themes)}."
    return text


def personalisation_for(owner: str, today: date) -> dict[str, str] | None:
    """The digest for one owner; None when nothing is waiting for them."""
    follow_ups = db.session.scalars(follow_ups_query(Filters(owner=owner), today)).all()
    if not follow_ups:
        return None
    overdue = sum(is_overdue(f, today) for f in follow_ups)
    themes = _theme_names([f.id for f in follow_ups[:LISTED]])
    lines = [line_for(f, themes.get(f.id, []), today) for f in follow_ups[:LISTED]]
    if len(follow_ups) > LISTED:
        lines.append(f"* and {len(follow_ups) - LISTED:,} more")
    label = OWNER_LABELS.get(owner, owner)
    monday = today - timedelta(days=today.weekday())
    return {
        "name": f"{label} team",
        "owner": label.lower() if owner != "social_care" else "social care",
        "open_count": str(len(follow_ups)),
        "overdue_count": str(overdue),
        "week": long_date(monday),
        "follow_ups": "\n".join(lines),
        "follow_ups_link": f"{current_app.config['PUBLIC_BASE_URL']}/officer/follow-ups?owner={owner}",
    }


@dataclass
class DigestRun:
    week: str
    sent: dict[str, int] = field(default_factory=dict)  # owner -> follow-ups listed
    already_sent: list[str] = field(default_factory=list)
    nothing_waiting: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Digest for the week {self.week}:"]
        out += [f"  {OWNER_LABELS.get(o, o)}: sent ({n:,} follow-ups)" for o, n in self.sent.items()]
        out += [f"  {OWNER_LABELS.get(o, o)}: already sent this week, nothing sent" for o in self.already_sent]
        out += [f"  {OWNER_LABELS.get(o, o)}: nothing open, nothing sent" for o in self.nothing_waiting]
        out += [f"  {OWNER_LABELS.get(o, o)}: no address in FOLLOW_UP_OWNER_EMAILS" for o in self.no_address]
        return out


def send_digests(today: date | None = None) -> DigestRun:
    """Email each owner their open and overdue follow-ups, at most once per ISO week."""
    today = today or today_london()
    addresses = current_app.config["FOLLOW_UP_OWNER_EMAILS"]
    run = DigestRun(week=week_key(today))
    for owner in OWNER_LABELS:
        address = addresses.get(owner)
        if not address:
            run.no_address.append(owner)
            continue
        if db.session.scalar(select(StaffMessage.id).where(StaffMessage.dedupe_key == dedupe_key(owner, today))):
            run.already_sent.append(owner)
            continue
        personalisation = personalisation_for(owner, today)
        if personalisation is None:
            run.nothing_waiting.append(owner)
            continue
        message = send_staff_email(
            purpose=PURPOSE,
            template_key=TEMPLATE_KEY,
            to=address,
            personalisation=personalisation,
            dedupe_key=dedupe_key(owner, today),
        )
        if message is None:  # another run got there first
            run.already_sent.append(owner)
        else:
            run.sent[owner] = int(personalisation["open_count"])
    return run


def staff_email_personalisation(message: StaffMessage) -> dict[str, str] | None:
    """Rebuild an alert's or a digest's personalisation for a resend after an unknown outcome
    (`notify.staff.settle_staff_messages`); None gives it up."""
    if message.purpose == ALERT_PURPOSE:
        alert = alert_for_message(message)
        return alert_personalisation(alert) if alert else None
    if message.purpose == PURPOSE:
        owner = message.dedupe_key.split(":")[1]
        return personalisation_for(owner, today_london())
    return None
