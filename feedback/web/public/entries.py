"""Public "You said, we did": the list (filtered by theme and financial year, paginated), one entry, and the Atom
feed. Only published entries: a draft, a scheduled entry before its date or a withdrawn one answers 404."""

from __future__ import annotations

from dataclasses import dataclass

from feedgen.feed import FeedGenerator
from flask import abort, current_app, render_template, request, url_for
from markupsafe import Markup

from feedback.core.clock import long_date
from feedback.insight.periods import Period, PeriodError
from feedback.models import Action, ActionProgress, ContactRole
from feedback.publishing.entries import PROGRESS_LABELS, THEMES, entry_url, public_quotes
from feedback.publishing.listing import (
    all_published,
    entries_version,
    families_text,
    family_counts,
    published_entries,
    published_entry,
    published_years,
)
from feedback.publishing.markup import excerpt, render_markdown
from feedback.web.public import public_bp
from feedback.web.public.caching import cached, release_time

FEED_TITLE = "You said, we did"


@dataclass(frozen=True)
class Quote:
    text: str
    attribution: str


@dataclass(frozen=True)
class EntryView:
    """An entry as the public reads it (the officer's preview renders the same)."""

    action: Action
    title: str
    theme: str | None
    progress: str
    families: str
    you_said: Markup
    we_did: Markup
    quotes: list[Quote]
    summary: str


def _attribution(quote) -> str:
    invitation = quote.response.invitation
    if invitation is None:
        return "A family"
    return "A young person" if invitation.contact.role == ContactRole.YOUNG_PERSON else "A parent or carer"


def progress_text(action: Action) -> str:
    """'Done, 3 March 2027', 'In progress since …', 'Planned for …'."""
    label = PROGRESS_LABELS[ActionProgress(action.progress)]
    if action.progress_on is None:
        return label
    day = long_date(action.progress_on)
    return {
        ActionProgress.PLANNED: f"Planned for {day}",
        ActionProgress.IN_PROGRESS: f"In progress since {day}",
        ActionProgress.DONE: f"Done on {day}",
    }[ActionProgress(action.progress)]


def entry_view(action: Action, families: int | None = None) -> EntryView:
    if families is None:
        families = family_counts([action.id])[action.id]
    return EntryView(
        action=action,
        title=action.title,
        theme=THEMES.get(action.theme or ""),
        progress=progress_text(action),
        families=families_text(families),
        you_said=Markup(render_markdown(action.you_said)),  # sanitised: markdown-it, then nh3
        we_did=Markup(render_markdown(action.we_did)),
        quotes=[Quote(q.text, _attribution(q)) for q in public_quotes(action)],
        summary=excerpt(action.we_did),
    )


def _filters() -> tuple[str | None, Period | None]:
    """The theme and financial year asked for; anything unknown is ignored (the list is shown unfiltered)."""
    theme = request.args.get("theme") or None
    if theme not in THEMES:
        theme = None
    try:
        year = Period.parse(request.args["year"]).financial_year() if request.args.get("year") else None
    except PeriodError:
        year = None
    return theme, year


def _theme_items(theme: str | None) -> list[dict]:
    items = [{"value": "", "text": "All themes"}]
    return items + [{"value": key, "text": label, "selected": key == theme} for key, label in THEMES.items()]


def _year_items(year: Period | None) -> list[dict]:
    years = published_years()
    if year is not None and year not in years:
        years = sorted([*years, year], reverse=True)
    items = [{"value": "", "text": "All years"}]
    return items + [{"value": y.year_label, "text": y.year_label, "selected": y == year} for y in years]


def _page_items(page: int, pages: int, theme: str | None, year: Period | None) -> list[dict]:
    """Page links: all of them up to 7 pages, else the first, the last and those next to this one, with gaps."""
    args = {"theme": theme, "year": year.year_label if year else None}
    shown = set(range(1, pages + 1)) if pages <= 7 else {1, pages, page - 1, page, page + 1} & set(range(1, pages + 1))
    items, previous = [], 0
    for n in sorted(shown):
        if n > previous + 1:
            items.append({"ellipsis": True})
        items.append({"number": n, "href": url_for("public.you_said_we_did", page=n, **args), "current": n == page})
        previous = n
    return items


@public_bp.get("/you-said-we-did")
def you_said_we_did():
    theme, year = _filters()
    page = max(request.args.get("page", 1, type=int) or 1, 1)

    def render() -> str:
        found = published_entries(theme, year, page)
        views = [entry_view(a, found.families[a.id]) for a in found.entries]
        return render_template(
            "public/you_said_we_did.html",
            found=found,
            views=views,
            themes=THEMES,
            theme=theme,
            year=year,
            theme_items=_theme_items(theme),
            year_items=_year_items(year),
            page_items=_page_items(found.page, found.pages, theme, year),
        )

    version = entries_version()
    changed = version[0]
    return cached(version, changed, render)


@public_bp.get("/you-said-we-did/<slug>")
def entry(slug: str):
    action = published_entry(slug)
    if action is None:
        abort(404)
    version = entries_version()
    changed = version[0]
    return cached(version, changed, lambda: render_template("public/entry.html", view=entry_view(action)))


def atom_feed() -> bytes:
    """Every published entry, newest first, as Atom 1.0 (each with its link and its text as HTML)."""
    base = current_app.config["PUBLIC_BASE_URL"]
    council = current_app.config["COUNCIL_NAME"]
    entries = all_published()
    feed = FeedGenerator()
    feed.id(f"{base}{url_for('public.you_said_we_did')}")
    feed.title(f"{FEED_TITLE}: {council}")
    feed.subtitle(f"What families told {council}'s SEND team and what changed because of it")
    feed.author({"name": f"{council} SEND team"})
    feed.link(href=f"{base}{url_for('public.you_said_we_did')}", rel="alternate")
    feed.link(href=f"{base}{url_for('public.feed')}", rel="self")
    feed.language("en-GB")
    counts = family_counts([a.id for a in entries])
    newest = None
    for action in entries:  # newest first, kept in that order
        view = entry_view(action, counts[action.id])
        updated = action.revised_at or action.published_at
        newest = max(newest, updated) if newest else updated
        item = feed.add_entry(order="append")
        item.id(entry_url(action.slug))
        item.title(action.title)
        item.link(href=entry_url(action.slug), rel="alternate")
        item.published(action.published_at)
        item.updated(updated)
        if view.theme:
            item.category(term=action.theme, label=view.theme)
        item.summary(view.summary)
        item.content(render_template("public/_entry_feed.html", view=view), type="html")
    feed.updated(newest or entries_version()[0] or release_time())
    return feed.atom_str(pretty=True)


@public_bp.get("/you-said-we-did/feed.atom")
def feed():
    version = entries_version()
    changed = version[0]
    return cached(version, changed, atom_feed, mimetype="application/atom+xml")
