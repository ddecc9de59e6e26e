"""Writing "You said, we did" entries: creating and editing them (each save a version), their slugs, the responses
behind them, quotes from families who agreed to be quoted, and the names and references to check before anything
goes public.

The caller commits. An entry the public can see (published) is edited only when nothing in it is flagged, and every
such edit is audited; a draft (or a withdrawn entry, being put right) may hold flags until it is published or
scheduled.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import date

from flask import current_app
from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from feedback.core.audit import record_audit
from feedback.core.clock import now
from feedback.core.extensions import db
from feedback.models import (
    Action,
    ActionProgress,
    ActionQuote,
    ActionStatus,
    ActionVersion,
    Answer,
    Response,
    User,
    action_response,
)
from feedback.publishing.identifiers import Flag, find_identifiers, known_for
from feedback.surveys.definitions import SURVEYS

# The nine themes of the officer's analysis (issue 7), as the public reads them.
THEMES: dict[str, str] = {
    "communication": "Communication",
    "timeliness": "Timeliness",
    "health_and_therapies": "Health and therapies",
    "social_care": "Social care",
    "school_or_setting": "School or setting",
    "transport": "Transport",
    "caseworker": "Caseworkers",
    "review_meeting": "Review meetings",
    "plan_quality": "Quality of plans",
}
PROGRESS_LABELS = {
    ActionProgress.PLANNED: "Planned",
    ActionProgress.IN_PROGRESS: "In progress",
    ActionProgress.DONE: "Done",
}
STATUS_LABELS = {
    ActionStatus.DRAFT: "Draft",
    ActionStatus.SCHEDULED: "Scheduled",
    ActionStatus.PUBLISHED: "Published",
    ActionStatus.WITHDRAWN: "Withdrawn",
}
PUBLIC_STATUSES = (ActionStatus.PUBLISHED,)
SLUG_MAX = 80
TEXT_MAX = 5000  # characters of Markdown in "You said" or "We did"
QUOTE_MAX = 600
FIELD_LABELS = {
    "title": "Title",
    "you_said": "You said",
    "we_did": "We did",
    "theme": "Theme",
    "progress": "Progress",
    "progress_on": "Date",
}
_ELLIPSIS = re.compile(r"\.\.\.|…|\[[^\]]*\]")


class EntryError(ValueError):
    """What the officer asked for cannot be done; the message says why, in words for the page."""


class Flagged(EntryError):
    """The entry (or a quote) holds something that may identify a family: nothing public changes until it goes."""

    def __init__(self, flags: list[tuple[str, Flag]]):
        super().__init__("Remove the names and details flagged below, or confirm that a flagged word is not a name")
        self.flags = flags


@dataclass(frozen=True)
class EntryFields:
    title: str
    you_said: str
    we_did: str
    theme: str | None
    progress: ActionProgress
    progress_on: date | None


# ---------------------------------------------------------------- addresses


def slugify(title: str) -> str:
    """'You said: "Too slow!"' -> 'you-said-too-slow': lower-case ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = "-".join(words)[:SLUG_MAX].strip("-")
    return slug or "entry"


def unique_slug(title: str, action_id: int | None = None) -> str:
    """The title's slug, with -2, -3... when another entry holds it."""
    base = slugify(title)
    taken = set(
        db.session.scalars(
            select(Action.slug).where(
                (Action.slug == base) | Action.slug.like(f"{base}-%"), Action.id != (action_id or 0)
            )
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def entry_url(slug: str) -> str:
    """The public address of an entry, as it goes out in messages (PUBLIC_BASE_URL)."""
    return f"{current_app.config['PUBLIC_BASE_URL']}/you-said-we-did/{slug}"


def is_public(action: Action) -> bool:
    return action.status in PUBLIC_STATUSES


# ---------------------------------------------------------------- versions


def add_version(action: Action, event: str, user: User | None, changes: list[str] | None = None) -> ActionVersion:
    """Record one save: who, when, what happened, and the entry as it stands after it."""
    last = db.session.scalar(select(func.max(ActionVersion.number)).where(ActionVersion.action_id == action.id))
    number = (last or 0) + 1
    version = ActionVersion(
        action_id=action.id,
        number=number,
        event=event,
        changes=list(changes or []),
        user_id=user.id if user else None,
        saved_at=now(),
        title=action.title,
        you_said=action.you_said,
        we_did=action.we_did,
        theme=action.theme,
        progress=str(action.progress),
        progress_on=action.progress_on,
        status=str(action.status),
    )
    db.session.add(version)
    return version


def versions_of(action: Action) -> list[ActionVersion]:
    return list(
        db.session.scalars(
            select(ActionVersion)
            .where(ActionVersion.action_id == action.id)
            .options(selectinload(ActionVersion.user))
            .order_by(ActionVersion.number.desc())
        )
    )


# ---------------------------------------------------------------- flags


def _allowed_contacts() -> list[str]:
    config = current_app.config
    return [config.get("SEND_TEAM_EMAIL"), config.get("SEND_TEAM_PHONE"), config.get("DPO_EMAIL")]


def check_texts(texts: list[tuple[str, str]], not_names: list[str] | tuple[str, ...] = ()) -> list[tuple[str, Flag]]:
    """(where, flag) for everything in the texts that may identify a family; `texts` are (where, text) pairs."""
    known = known_for("\n".join(text for _, text in texts), _allowed_contacts())
    found = []
    for where, text in texts:
        found += [(where, flag) for flag in find_identifiers(text, known, not_names)]
    return found


def texts_of(action: Action, fields_: EntryFields | None = None) -> list[tuple[str, str]]:
    """What the public would read of an entry: its title, both texts and each quote."""
    source = fields_ or action
    texts = [("Title", source.title), ("You said", source.you_said), ("We did", source.we_did)]
    texts += [(f"Quote {n}", quote.text) for n, quote in enumerate(action.quotes, 1)] if action.id else []
    return texts


def flags_for(action: Action, fields_: EntryFields | None = None) -> list[tuple[str, Flag]]:
    """The flags the entry (or the fields about to replace its own) still holds."""
    return check_texts(texts_of(action, fields_), action.not_names or [])


def confirm_not_names(action: Action, words: list[str], user: User | None) -> list[str]:
    """Record that flagged words are not names; returns the words newly confirmed (only flagged names count)."""
    flagged = {flag.text for _, flag in flags_for(action) if flag.confirmable}
    new = [w for w in dict.fromkeys(words) if w in flagged and w not in (action.not_names or [])]
    if new:
        action.not_names = sorted({*(action.not_names or []), *new})
        add_version(action, "checked", user, [f"not a name: {w}" for w in new])
        record_audit("entry_words_confirmed", "action", action.id, detail=f"{len(new)} word(s) confirmed not names")
    return new


# ---------------------------------------------------------------- creating and editing


def _clean(fields_: EntryFields) -> EntryFields:
    if fields_.theme is not None and fields_.theme not in THEMES:
        raise EntryError("Select a theme from the list")
    return EntryFields(
        title=" ".join(fields_.title.split()),
        you_said=fields_.you_said.strip(),
        we_did=fields_.we_did.strip(),
        theme=fields_.theme or None,
        progress=ActionProgress(fields_.progress),
        progress_on=fields_.progress_on,
    )


def create_entry(fields_: EntryFields, user: User | None) -> Action:
    """A new draft, with its first version."""
    fields_ = _clean(fields_)
    action = Action(
        slug=unique_slug(fields_.title),
        status=ActionStatus.DRAFT,
        created_by_id=user.id if user else None,
        not_names=[],
        **{f.name: getattr(fields_, f.name) for f in fields(EntryFields)},
    )
    db.session.add(action)
    db.session.flush()
    add_version(action, "created", user, list(FIELD_LABELS))
    record_audit("entry_created", "action", action.id)
    return action


def _split_flags(flags: list[tuple[str, Flag]], not_names) -> tuple[list[str], list[tuple[str, Flag]]]:
    """(flagged names the officer confirms now, flags that remain)."""
    candidates = {flag.text for _, flag in flags if flag.confirmable}
    confirmed = [word for word in dict.fromkeys(not_names or ()) if word in candidates]
    remaining = [(where, flag) for where, flag in flags if not (flag.confirmable and flag.text in confirmed)]
    return confirmed, remaining


def update_entry(action: Action, fields_: EntryFields, user: User | None, not_names: list[str] = ()) -> list[str]:
    """Save an edit; returns what changed (nothing: no version is made).

    A published or scheduled entry's text was checked when it went out, so an edit is refused (Flagged) while
    anything in it is flagged; `not_names` are flagged words the officer confirms, with this save, are not names.
    """
    fields_ = _clean(fields_)
    confirmed, remaining = _split_flags(flags_for(action, fields_), not_names)
    if remaining and action.status in (ActionStatus.PUBLISHED, ActionStatus.SCHEDULED):
        raise Flagged(remaining)
    changed = [f.name for f in fields(EntryFields) if getattr(action, f.name) != getattr(fields_, f.name)]
    if not changed and not confirmed:
        return []
    for name in changed:
        setattr(action, name, getattr(fields_, name))
    if confirmed:
        action.not_names = sorted({*(action.not_names or []), *confirmed})
    if "title" in changed and action.published_at is None:
        action.slug = unique_slug(action.title, action.id)  # stable once published: its address is in messages
    if is_public(action) and changed:
        action.revised_at = now()
        record_audit("entry_edited", "action", action.id, detail="published entry: " + ", ".join(changed))
    notes = [FIELD_LABELS[name] for name in changed] + [f"not a name: {word}" for word in confirmed]
    add_version(action, "edited", user, notes)
    return changed + [f"not a name: {word}" for word in confirmed]


# ---------------------------------------------------------------- the responses behind an entry


def link_response(action: Action, response_id: int, user: User | None) -> Response:
    """Link a response to the entry (it supports it). Raises EntryError when there is no such response."""
    response = db.session.get(Response, response_id)
    if response is None:
        raise EntryError(f"There is no response number {response_id}")
    if response in action.responses:
        raise EntryError(f"Response {response_id} is already linked to this entry")
    action.responses.append(response)
    add_version(action, "linked", user, [f"response {response_id}"])
    if is_public(action):
        action.revised_at = now()
        record_audit("entry_edited", "action", action.id, detail=f"published entry: linked response {response_id}")
    return response


def unlink_response(action: Action, response_id: int, user: User | None) -> None:
    response = next((r for r in action.responses if r.id == response_id), None)
    if response is None:
        raise EntryError(f"Response {response_id} is not linked to this entry")
    action.responses.remove(response)
    add_version(action, "unlinked", user, [f"response {response_id}"])
    if is_public(action):
        action.revised_at = now()
        record_audit("entry_edited", "action", action.id, detail=f"published entry: unlinked response {response_id}")


def entries_for_response(response_id: int) -> list[Action]:
    """The entries a response supports, newest first."""
    linked = exists().where(action_response.c.action_id == Action.id, action_response.c.response_id == response_id)
    return list(db.session.scalars(select(Action).where(linked).order_by(Action.created_at.desc(), Action.id.desc())))


def open_entries() -> list[Action]:
    """Entries a response or a quote may still be added to (not withdrawn), newest first."""
    return list(
        db.session.scalars(
            select(Action)
            .where(Action.status != ActionStatus.WITHDRAWN)
            .order_by(Action.updated_at.desc(), Action.id.desc())
        )
    )


# ---------------------------------------------------------------- quotes


def quotable_answers(response: Response) -> list[Answer]:
    """A response's free-text answers that may be quoted: none unless the family agreed to be quoted."""
    if not response.consent_quote:
        return []
    return [a for a in response.answers if a.text and a.text.strip()]


def question_label(survey_key: str, question_key: str) -> str:
    survey = SURVEYS.get(survey_key)
    question = next((q for q in survey.text_questions if q.key == question_key), None) if survey else None
    return question.label.replace(" (optional)", "") if question else question_key


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower().replace("’", "'")).split())


def is_their_words(quote: str, original: str) -> bool:
    """True when the quote only shortens the family's words: every part between "…" (or "[...]" put in by the
    officer, such as "[my son]") appears in what they wrote."""
    parts = [_normalise(part) for part in _ELLIPSIS.split(quote)]
    source = _normalise(original)
    return any(parts) and all(part in source for part in parts if part)


def add_quote(
    action: Action, response: Response, question_key: str, text: str, user: User | None, not_names: list[str] = ()
) -> ActionQuote:
    """Quote a family's words in the entry. Only from a family who agreed to be quoted; only their own words,
    shortened with "…" or with [words in brackets] put in place of a name; never with a flag left unresolved on
    a public entry."""
    answer = next((a for a in quotable_answers(response) if a.question_key == question_key), None)
    if answer is None:
        raise EntryError("This family did not agree to be quoted, or wrote nothing for that question")
    text = " ".join((text or "").split())
    if not text:
        raise EntryError("Enter the words to quote")
    if len(text) > QUOTE_MAX:
        raise EntryError(f"A quote must be {QUOTE_MAX:,} characters or fewer: shorten it with …")
    if not is_their_words(text, answer.text):
        raise EntryError("A quote must be the family's own words: you can shorten it with … or put [words] in "
                         "square brackets in place of a name, but not change what they wrote")  # fmt: skip
    confirmed, remaining = _split_flags(check_texts([("Quote", text)], action.not_names or []), not_names)
    if remaining and is_public(action):
        raise Flagged(remaining)
    if confirmed:
        action.not_names = sorted({*(action.not_names or []), *confirmed})
    position = (max((q.position for q in action.quotes), default=0)) + 1
    quote = ActionQuote(
        response_id=response.id,
        question_key=question_key,
        text=text,
        position=position,
        created_by_id=user.id if user else None,
    )
    action.quotes.append(quote)
    if response not in action.responses:
        action.responses.append(response)
    add_version(action, "quoted", user, [f"quote from response {response.id}"])
    if is_public(action):
        action.revised_at = now()
        record_audit("entry_edited", "action", action.id, detail=f"published entry: quote from response {response.id}")
    return quote


def remove_quote(action: Action, quote_id: int, user: User | None) -> None:
    quote = next((q for q in action.quotes if q.id == quote_id), None)
    if quote is None:
        raise EntryError("There is no such quote in this entry")
    action.quotes.remove(quote)
    add_version(action, "unquoted", user, [f"quote from response {quote.response_id}"])
    if is_public(action):
        action.revised_at = now()
        record_audit("entry_edited", "action", action.id, detail=f"published entry: removed quote {quote_id}")


def public_quotes(action: Action) -> list[ActionQuote]:
    """The quotes the public may read: only while the family's consent to be quoted stands."""
    return [q for q in action.quotes if q.response is not None and q.response.consent_quote]


def search_quotable(words: str, limit: int = 20) -> list[tuple[Response, Answer]]:
    """Free-text answers containing `words` (any case), from families who agreed to be quoted, newest first."""
    words = " ".join((words or "").split())[:100]
    if len(words) < 2:
        return []
    pattern = "%" + words.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = db.session.execute(
        select(Response, Answer)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.consent_quote.is_(True), Answer.text.is_not(None))
        .where(func.lower(Answer.text).like(pattern, escape="\\"))
        .order_by(Response.submitted_at.desc(), Response.id.desc(), Answer.id)
        .limit(limit)
    ).all()
    return [(response, answer) for response, answer in rows]
