"""The public "You said, we did" pages, feed, sitemap and robots.txt: only published entries, filters and
pagination, a valid Atom 1.0 feed, and HTTP caching with 304 answers."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from feedback.core import clock
from feedback.core.extensions import db
from feedback.insight.intake import save_response
from feedback.models import ActionStatus, ContactRole
from feedback.publishing.lifecycle import publish_due, publish_entry, schedule_entry, withdraw_entry
from feedback.surveys.definitions import SURVEYS
from tests.factories import create_contact, create_invitation
from tests.publishing.conftest import TUESDAY, london, make_entry, respond

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def text(client, url: str) -> str:
    reply = client.get(url)
    assert reply.status_code == 200, url
    return reply.get_data(as_text=True)


def feed(client) -> ET.Element:
    reply = client.get("/you-said-we-did/feed.atom")
    assert reply.status_code == 200 and reply.mimetype == "application/atom+xml"
    return ET.fromstring(reply.data)


def sitemap_urls(client) -> list[str]:
    reply = client.get("/sitemap.xml")
    assert reply.status_code == 200 and reply.mimetype == "application/xml"
    root = ET.fromstring(reply.data)
    assert root.tag == f"{SITEMAP}urlset"
    return [url.find(f"{SITEMAP}loc").text for url in root.findall(f"{SITEMAP}url")]


@pytest.fixture
def four_states(app):
    """A published entry, a draft, one scheduled but not due and one withdrawn."""
    with clock.frozen(london(TUESDAY)):
        published = make_entry(title="Published change", publish_at=london(TUESDAY))
        draft = make_entry(title="Draft change")
        scheduled = make_entry(title="Scheduled change")
        schedule_entry(scheduled, london(TUESDAY + timedelta(days=10), 0), None)
        withdrawn = make_entry(title="Withdrawn change", publish_at=london(TUESDAY))
        withdraw_entry(withdrawn, None, "wrong figures")
        db.session.commit()
    return {"published": published, "draft": draft, "scheduled": scheduled, "withdrawn": withdrawn}


def test_only_published_entries_appear_anywhere(client, four_states):
    listing = text(client, "/you-said-we-did")
    atom = feed(client)
    feed_titles = [e.find(f"{ATOM}title").text for e in atom.findall(f"{ATOM}entry")]
    urls = sitemap_urls(client)
    for state, action in four_states.items():
        address = f"/you-said-we-did/{action.slug}"
        visible = state == "published"
        assert (action.title in listing) is visible, state
        assert client.get(address).status_code == (200 if visible else 404), state
        assert (action.title in feed_titles) is visible, state
        assert (f"http://survey.test{address}" in urls) is visible, state


def test_a_scheduled_entry_appears_once_due_and_published(client, four_states):
    scheduled = four_states["scheduled"]
    with clock.frozen(london(TUESDAY + timedelta(days=10), 0, 5)):
        publish_due()
        assert client.get(f"/you-said-we-did/{scheduled.slug}").status_code == 200


def test_the_feed_is_atom_1_0_with_one_entry_per_published_item_newest_first(client, app):
    with clock.frozen(london(TUESDAY)):
        for n in range(3):
            make_entry(title=f"Change number {n}", publish_at=london(TUESDAY + timedelta(days=n)))
        make_entry(title="A draft")
    root = feed(client)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None and root.find(f"{ATOM}{required}").text
    assert root.find(f"{ATOM}author/{ATOM}name").text
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://survey.test/you-said-we-did/feed.atom"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Change number 2", "Change number 1", "Change number 0"]
    published = [e.find(f"{ATOM}published").text for e in entries]
    assert published == sorted(published, reverse=True)
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text
        link = entry.find(f"{ATOM}link")
        assert link.get("rel", "alternate") == "alternate"  # Atom: no rel means alternate
        assert link.get("href").startswith("http://survey.test/you-said-we-did/")
        content = entry.find(f"{ATOM}content")
        assert content.get("type") == "html" and "We did" in content.text


def test_the_list_filters_by_theme_and_year_and_pages(client, app):
    with clock.frozen(london(TUESDAY)):
        for n in range(12):
            make_entry(title=f"Timely {n:02d}", theme="timeliness", publish_at=london(TUESDAY, 10, n + 1))
        make_entry(title="About transport", theme="transport", publish_at=london(TUESDAY))
        make_entry(title="Last year", theme="transport", publish_at=london(TUESDAY - timedelta(days=365)))
    first = text(client, "/you-said-we-did")
    assert "14 entries" in first and "Timely 11" in first and "Timely 02" in first and "Timely 01" not in first
    titles = re.findall(r'<h2 class="govuk-heading-m"><a [^>]*>([^<]+)</a>', first)
    assert titles[0] == "Timely 11" and len(titles) == 10
    second = text(client, "/you-said-we-did?page=2")
    assert "Timely 01" in second and "Timely 00" in second and "Last year" in second and "Timely 11" not in second
    transport = text(client, "/you-said-we-did?theme=transport")
    assert "2 entries about transport" in transport and "Timely" not in transport
    this_year = text(client, "/you-said-we-did?theme=transport&year=2026/27")
    assert "About transport" in this_year and "Last year" not in this_year
    last_year = text(client, "/you-said-we-did?year=2025/26")
    assert "Last year" in last_year and "About transport" not in last_year
    assert "No entries match" in text(client, "/you-said-we-did?theme=social_care")
    assert "14 entries" in text(client, "/you-said-we-did?theme=nonsense&year=garbage")  # ignored, not an error
    assert text(client, "/you-said-we-did?page=99").count("Timely") >= 1  # past the end: the last page


def test_each_entry_says_how_many_families_are_behind_it(client, app):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        five = [respond() for _ in range(5)]
        # The young person of the first child answers too: a child's parent and young person are one family.
        child = five[0].invitation.child
        young_person = create_contact(child=child, role=ContactRole.YOUNG_PERSON)
        invitation, _ = create_invitation("annual_review_young_person", contact=young_person)
        survey = SURVEYS["annual_review_young_person"]
        same_family = save_response(invitation, survey, {s.key: "yes" for s in survey.statements})
    four = five[:4]
    few = make_entry(title="Few families", responses=[*four, same_family], publish_at=london(TUESDAY))
    many = make_entry(title="Many families", responses=five, publish_at=london(TUESDAY))
    assert "based on feedback from fewer than 5 families" in text(client, f"/you-said-we-did/{few.slug}").lower()
    assert "based on feedback from 5 families" in text(client, f"/you-said-we-did/{many.slug}").lower()
    listing = text(client, "/you-said-we-did").lower()
    assert "based on feedback from fewer than 5 families" in listing and "based on feedback from 5 families" in listing


def test_public_pages_send_cache_headers_and_answer_304(client, app):
    with clock.frozen(london(TUESDAY)):
        action = make_entry(title="Cached", publish_at=london(TUESDAY))
    for url in ("/", "/you-said-we-did", f"/you-said-we-did/{action.slug}", "/you-said-we-did/feed.atom",
                "/results", "/sitemap.xml", "/robots.txt", "/privacy"):  # fmt: skip
        first = client.get(url)
        assert first.status_code == 200, url
        assert "public" in first.headers["Cache-Control"] and "max-age=" in first.headers["Cache-Control"], url
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert etag.startswith('W/"')
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url
        not_modified = client.get(url, headers={"If-Modified-Since": modified})
        assert not_modified.status_code == 304 and not_modified.data == b"", url
        assert not_modified.headers["ETag"] == etag and "public" in not_modified.headers["Cache-Control"]
        assert client.get(url, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200, url
    # A change makes every copy stale.
    etag = client.get("/you-said-we-did").headers["ETag"]
    with clock.frozen(london(TUESDAY, 11)):
        withdraw_entry(action, None, "changed our mind")
        db.session.commit()
    changed = client.get("/you-said-we-did", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Cached" not in changed.get_data(as_text=True)
    assert client.get(f"/you-said-we-did/{action.slug}").status_code == 404


def test_officer_pages_are_never_cached(client):
    from tests.factories import sign_in

    sign_in(client, "officer")
    assert client.get("/officer/you-said-we-did").headers["Cache-Control"] == "no-store"


def test_public_pages_are_indexable_and_the_preview_is_not(client, app):
    from tests.factories import sign_in

    with clock.frozen(london(TUESDAY)):
        action = make_entry(title="Indexable", publish_at=london(TUESDAY))
    for url in ("/", "/you-said-we-did", f"/you-said-we-did/{action.slug}", "/results", "/accessibility"):
        assert '<meta name="robots" content="index, follow">' in text(client, url), url
    sign_in(client, "officer")
    preview = text(client, f"/officer/you-said-we-did/{action.id}/preview")
    assert '<meta name="robots" content="noindex, nofollow">' in preview


def test_robots_txt_points_at_the_sitemap(client):
    body = text(client, "/robots.txt")
    assert "Sitemap: http://survey.test/sitemap.xml" in body and "Disallow: /officer/" in body


def test_the_sitemap_lists_public_pages_with_lastmod(client, app):
    with clock.frozen(london(TUESDAY)):
        action = make_entry(title="In the sitemap", publish_at=london(TUESDAY))
    root = ET.fromstring(client.get("/sitemap.xml").data)
    entries = {u.find(f"{SITEMAP}loc").text: u.find(f"{SITEMAP}lastmod").text for u in root.findall(f"{SITEMAP}url")}
    for path in ("/", "/you-said-we-did", "/results", "/accessibility", "/privacy", "/cookies"):
        assert f"http://survey.test{path}" in entries
    assert entries[f"http://survey.test/you-said-we-did/{action.slug}"] == "2026-11-03T10:00:00Z"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", v) for v in entries.values())


def test_landing_and_thank_you_pages_link_here(client):
    assert 'href="/you-said-we-did"' in text(client, "/")
    assert 'href="/results"' in text(client, "/")
    done = open("templates/survey/done.html").read()
    assert "url_for('public.you_said_we_did')" in done


def test_an_entry_page_shows_quotes_only_while_the_family_agrees(client, app):
    from feedback.publishing.entries import add_quote

    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        response = respond(consent_quote=True, texts={"do_better": "Please answer emails sooner."})
    action = make_entry(title="Quoted", responses=[response])
    add_quote(action, response, "do_better", "answer emails sooner", None)
    with clock.frozen(london(TUESDAY)):
        publish_entry(action)
        db.session.commit()
    page = text(client, f"/you-said-we-did/{action.slug}")
    assert "“answer emails sooner”" in page and "A parent or carer" in page
    response.consent_quote = False  # the family withdrew their consent
    db.session.commit()
    assert "answer emails sooner" not in client.get(f"/you-said-we-did/{action.slug}").get_data(as_text=True)
    assert action.status == ActionStatus.PUBLISHED
