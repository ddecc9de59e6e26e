"""What the public may read of "You said, we did": published entries only (never a draft, a scheduled entry
before it is published, or a withdrawn one), newest first, filtered by theme and financial year, with how many
families' feedback is behind each.

A family is a child: the parents, carers and young person answering about one child are one family. A response
with no invitation (an open survey) counts as a family of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import case, distinct, func, select

from feedback.core.clock import LONDON, as_utc, london
from feedback.core.extensions import db
from feedback.insight.periods import Period
from feedback.models import Action, ActionQuote, Invitation, Response, action_response
from feedback.publishing.entries import PUBLIC_STATUSES

FEWER_THAN = 5  # "based on feedback from fewer than 5 families" below this
PAGE_SIZE = 10


@dataclass(frozen=True)
class EntryPage:
    entries: list[Action]
    families: dict[int, int]  # action id -> families behind it
    total: int
    page: int
    pages: int


def families_text(count: int) -> str:
    """'based on feedback from 12 families', or 'from fewer than 5 families' for 0 to 4."""
    if count < FEWER_THAN:
        return f"based on feedback from fewer than {FEWER_THAN} families"
    return f"based on feedback from {count:,} families"


def family_counts(action_ids: list[int]) -> dict[int, int]:
    """Families behind each entry: distinct children of the linked responses (counted by the database)."""
    if not action_ids:
        return {}
    family = case((Invitation.child_id.is_not(None), Invitation.child_id), else_=-Response.id)
    rows = db.session.execute(
        select(action_response.c.action_id, func.count(distinct(family)))
        .join(Response, Response.id == action_response.c.response_id)
        .outerjoin(Invitation, Invitation.id == Response.invitation_id)
        .where(action_response.c.action_id.in_(action_ids))
        .group_by(action_response.c.action_id)
    ).all()
    counts = dict.fromkeys(action_ids, 0)
    counts.update({action_id: n for action_id, n in rows})
    return counts


def _utc_midnight(day) -> datetime:
    return datetime.combine(day, time(0), LONDON).astimezone(UTC)


def _published():
    return Action.status.in_(PUBLIC_STATUSES)


def published_entries(theme: str | None = None, year: Period | None = None, page: int = 1) -> EntryPage:
    """One page of published entries, newest first."""
    conditions = [_published()]
    if theme:
        conditions.append(Action.theme == theme)
    if year is not None:
        conditions += [Action.published_at >= _utc_midnight(year.start), Action.published_at < _utc_midnight(year.end)]
    total = db.session.scalar(select(func.count(Action.id)).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    entries = list(
        db.session.scalars(
            select(Action)
            .where(*conditions)
            .order_by(Action.published_at.desc(), Action.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    return EntryPage(entries, family_counts([a.id for a in entries]), total, page, pages)


def all_published() -> list[Action]:
    """Every published entry, newest first (the feed and the sitemap)."""
    newest_first = (Action.published_at.desc(), Action.id.desc())
    return list(db.session.scalars(select(Action).where(_published()).order_by(*newest_first)))


def published_entry(slug: str) -> Action | None:
    """The published entry at this address, or None (a draft, scheduled or withdrawn entry is not public)."""
    return db.session.scalar(select(Action).where(Action.slug == slug, _published()))


def published_years() -> list[Period]:
    """The financial years in which entries were first published, newest first (the year filter's choices)."""
    dates = db.session.scalars(select(Action.published_at).where(_published()))
    return sorted({Period.containing(london(moment).date(), whole_year=True) for moment in dates}, reverse=True)


def used_themes() -> list[str]:
    """The themes published entries have, for the theme filter."""
    return sorted(set(db.session.scalars(select(Action.theme).where(_published(), Action.theme.is_not(None)))))


def entries_version() -> tuple[datetime | None, tuple]:
    """(when any entry last changed, a fingerprint of everything the public pages show of the entries): what their
    caching validators are made of. Any save touches an entry's updated_at; the counts catch what changes beside
    it (a response erased, a family withdrawing consent to be quoted)."""
    quoted = select(func.count(ActionQuote.id)).join(Response, Response.id == ActionQuote.response_id)
    row = db.session.execute(
        select(
            select(func.max(Action.updated_at)).scalar_subquery(),
            select(func.count(Action.id)).scalar_subquery(),
            select(func.count()).select_from(action_response).scalar_subquery(),
            quoted.where(Response.consent_quote.is_(True)).scalar_subquery(),
        )
    ).one()
    latest = as_utc(row[0]) if row[0] else None
    return latest, (latest, *row[1:])
