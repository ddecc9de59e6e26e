"""The "You said, we did" editor (/officer/you-said-we-did): create, edit, preview, schedule, publish, withdraw,
versions and audit, names flagged before publishing, quotes and the responses behind an entry."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from flask import render_template_string
from sqlalchemy import select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import Action, ActionStatus, AuditEvent
from tests.factories import sign_in
from tests.publishing.conftest import TUESDAY, london, make_entry, respond

FORM = {
    "title": "Quicker decisions after assessments",
    "theme": "timeliness",
    "you_said": "Decisions took too long.",
    "we_did": "We added two caseworkers.",
    "progress": "done",
    "progress_on": ["1", "10", "2026"],
}


@pytest.fixture
def officer(client):
    with clock.frozen(london(TUESDAY)):
        return sign_in(client, "officer", name="Olivia Officer")


def post(client, url: str, data: dict, moment=None):
    with clock.frozen(moment or london(TUESDAY)):
        return client.post(url, data=data)


def audits(action_name: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action_name)))


def create(client, **changes) -> Action:
    reply = post(client, "/officer/you-said-we-did/new", FORM | changes)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    return db.session.get(Action, int(reply.headers["Location"].rsplit("/", 1)[1]))


def test_the_editor_lists_entries_by_status(client, officer):
    make_entry(title="A draft one")
    make_entry(title="A published one", publish_at=london(TUESDAY))
    page = client.get("/officer/you-said-we-did").get_data(as_text=True)
    assert "A draft one" in page and "A published one" in page and "All (2)" in page
    drafts = client.get("/officer/you-said-we-did?status=draft").get_data(as_text=True)
    assert "A draft one" in drafts and "A published one" not in drafts


def test_an_entry_needs_a_title_and_keeps_what_was_typed(client, officer):
    reply = post(client, "/officer/you-said-we-did/new", FORM | {"title": ""})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422
    assert "<title>Error: Create an entry" in html and "There is a problem" in html
    assert 'href="#title"' in html and "Enter a title" in html
    assert "Decisions took too long." in html and 'value="timeliness" selected' in html


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (["31", "2", "2026"], "Date must be a real date"),
        (["", "2", "2026"], "Date must include a day, month and year"),
        (["1", "2", "26"], "Year must include 4 numbers"),
        (["", "", ""], "Enter the date"),
        (["1", "1", "2027"], "A change that is done must have a date today or in the past"),
    ],
)
def test_a_bad_date_is_explained(client, officer, day, error):
    reply = post(client, "/officer/you-said-we-did/new", FORM | {"progress_on": day})
    assert reply.status_code == 422 and error in reply.get_data(as_text=True)


def test_create_edit_and_versions(client, officer):
    action = create(client)
    assert action.status == ActionStatus.DRAFT and action.slug == "quicker-decisions-after-assessments"
    assert [v.event for v in action.versions] == ["created"]
    reply = post(client, f"/officer/you-said-we-did/{action.id}/edit", FORM | {"title": "Faster decisions"})
    assert reply.status_code == 302
    db.session.refresh(action)
    assert action.slug == "faster-decisions"  # a draft's address follows its title
    history = client.get(f"/officer/you-said-we-did/{action.id}/history").get_data(as_text=True)
    assert "Version 2: Edited" in history and "Title" in history and "Olivia Officer" in history
    assert "Version 1: Created" in history and "Quicker decisions after assessments" in history


def test_preview_is_the_public_page_with_a_banner(client, officer):
    action = create(client, you_said="Families said <script>alert(1)</script> **too slow**")
    html = client.get(f"/officer/you-said-we-did/{action.id}/preview").get_data(as_text=True)
    assert "This is how the entry will look to the public" in html
    assert f'<h1 class="govuk-heading-l">{action.title}</h1>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<strong>too slow</strong>" in html
    assert client.get(f"/you-said-we-did/{action.slug}").status_code == 404  # still a draft


def test_publish_now_then_edit_then_withdraw_each_audited(client, officer):
    action = create(client)
    reply = post(client, f"/officer/you-said-we-did/{action.id}/publish", {"when": "now"})
    assert reply.status_code == 302
    db.session.refresh(action)
    assert action.status == ActionStatus.PUBLISHED and action.published_at == london(TUESDAY)
    assert len(audits("entry_published")) == 1
    assert client.get(f"/you-said-we-did/{action.slug}").status_code == 200
    post(client, f"/officer/you-said-we-did/{action.id}/edit", FORM | {"title": "A new title"}, london(TUESDAY, 11))
    db.session.refresh(action)
    assert action.title == "A new title" and action.slug == "quicker-decisions-after-assessments"  # stable
    assert action.revised_at == london(TUESDAY, 11)
    assert [a.detail for a in audits("entry_edited")] == ["published entry: title"]
    assert client.get(f"/you-said-we-did/{action.slug}").status_code == 200
    empty = post(client, f"/officer/you-said-we-did/{action.id}/withdraw", {"reason": ""})
    assert empty.status_code == 422 and "Enter why you are withdrawing it" in empty.get_data(as_text=True)
    post(client, f"/officer/you-said-we-did/{action.id}/withdraw", {"reason": "Figures were wrong"})
    db.session.refresh(action)
    assert action.status == ActionStatus.WITHDRAWN
    assert "Figures were wrong" in audits("entry_withdrawn")[0].detail
    assert client.get(f"/you-said-we-did/{action.slug}").status_code == 404
    events = [v.event for v in action.versions]
    assert events == ["withdrawn", "edited", "published", "created"]
    assert all(a.user_id == officer.id for a in audits("entry_published") + audits("entry_withdrawn"))


def test_publish_on_a_date(client, officer):
    action = create(client)
    url = f"/officer/you-said-we-did/{action.id}/publish"
    bad = post(client, url, {"when": "date", "publish_on": ["31", "2", "2027"]})
    assert bad.status_code == 422 and "Publication date must be a real date" in bad.get_data(as_text=True)
    past = post(client, url, {"when": "date", "publish_on": ["3", "11", "2026"]})
    assert "Publication date must be in the future" in past.get_data(as_text=True)
    missing = post(client, url, {"when": "date"})
    assert "Enter the publication date" in missing.get_data(as_text=True)
    assert "Select when to publish it" in post(client, url, {}).get_data(as_text=True)
    assert post(client, url, {"when": "date", "publish_on": ["10", "11", "2026"]}).status_code == 302
    db.session.refresh(action)
    assert action.status == ActionStatus.SCHEDULED and action.publish_at == london(TUESDAY + timedelta(days=7), 0)
    assert len(audits("entry_scheduled")) == 1
    assert client.get(f"/you-said-we-did/{action.slug}").status_code == 404
    assert post(client, url, {"unschedule": "1"}).status_code == 302
    db.session.refresh(action)
    assert action.status == ActionStatus.DRAFT and action.publish_at is None


def test_names_and_references_are_flagged_and_block_publishing(client, officer):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        response = respond(name="Bartholomew Quince", consent_contact=True)
    ref = response.invitation.child.ref
    action = create(client, we_did=f"Bartholomew asked about {ref}. We will call.")
    page = unescape(client.get(f"/officer/you-said-we-did/{action.id}").get_data(as_text=True))
    assert "Check before publishing" in page and "“Bartholomew” may be a name" in page
    assert f"“{ref}” may be a child's reference" in page
    refused = post(client, f"/officer/you-said-we-did/{action.id}/publish", {"when": "now"})
    assert refused.status_code == 422 and "Bartholomew" in refused.get_data(as_text=True)
    db.session.refresh(action)
    assert action.status == ActionStatus.DRAFT
    # Confirming the name is not one is not enough while the reference is there.
    post(client, f"/officer/you-said-we-did/{action.id}/not-names", {"words": ["Bartholomew"]})
    assert post(client, f"/officer/you-said-we-did/{action.id}/publish", {"when": "now"}).status_code == 422
    post(client, f"/officer/you-said-we-did/{action.id}/edit", FORM | {"we_did": "Bartholomew asked. We will call."})
    assert post(client, f"/officer/you-said-we-did/{action.id}/publish", {"when": "now"}).status_code == 302
    db.session.refresh(action)
    assert action.status == ActionStatus.PUBLISHED and action.not_names == ["Bartholomew"]


def test_a_published_entry_cannot_be_edited_to_name_someone(client, officer):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        respond(name="Philippa Umbridge")
    action = make_entry(publish_at=london(TUESDAY))
    reply = post(client, f"/officer/you-said-we-did/{action.id}/edit", FORM | {"we_did": "Philippa said so."})
    html = reply.get_data(as_text=True)
    assert reply.status_code == 422 and "“Philippa” may be a name" in html
    db.session.refresh(action)
    assert "Philippa" not in action.we_did
    confirmed = post(
        client,
        f"/officer/you-said-we-did/{action.id}/edit",
        FORM | {"we_did": "Philippa said so.", "not_names": ["Philippa"]},
    )
    assert confirmed.status_code == 302


def test_quotes_only_from_families_who_agreed_and_only_their_words(client, officer):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        agreed = respond(consent_quote=True, texts={"do_better": "Reply to emails within a week, please."})
        refused = respond(consent_quote=False, texts={"do_better": "Secret words nobody may quote."})
    action = create(client)
    url = f"/officer/you-said-we-did/{action.id}/quotes/new"
    page = client.get(f"{url}?response={agreed.id}&answer=do_better").get_data(as_text=True)
    assert "Reply to emails within a week, please." in page
    assert client.get(f"{url}?response={refused.id}&answer=do_better").status_code == 302
    changed = post(client, f"{url}?response={agreed.id}&answer=do_better", {"text": "Never reply to emails"})
    assert changed.status_code == 422 and "the family's own words" in unescape(changed.get_data(as_text=True))
    ok = post(client, f"{url}?response={agreed.id}&answer=do_better", {"text": "Reply to emails within a week…"})
    assert ok.status_code == 302
    db.session.refresh(action)
    assert [q.text for q in action.quotes] == ["Reply to emails within a week…"] and agreed in action.responses
    search = client.get(f"/officer/you-said-we-did/{action.id}?q=emails").get_data(as_text=True)
    assert f"Response {agreed.id}" in search
    assert "Secret words" not in client.get(f"/officer/you-said-we-did/{action.id}?q=secret").get_data(as_text=True)
    quote = action.quotes[0]
    post(client, f"/officer/you-said-we-did/{action.id}/quotes/{quote.id}/remove", {})
    db.session.refresh(action)
    assert action.quotes == []


def test_linking_and_unlinking_responses(client, officer):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        response = respond()
    action = create(client)
    assert (
        post(client, f"/officer/you-said-we-did/{action.id}/responses", {"response_id": str(response.id)}).status_code
        == 302
    )
    db.session.refresh(action)
    assert action.responses == [response]
    again = post(client, f"/officer/you-said-we-did/{action.id}/responses", {"response_id": str(response.id)})
    assert again.status_code == 302
    assert "already linked" in client.get(f"/officer/you-said-we-did/{action.id}").get_data(as_text=True)
    post(client, f"/officer/you-said-we-did/{action.id}/responses", {"response_id": "99999"})
    assert "There is no response number 99999" in client.get(f"/officer/you-said-we-did/{action.id}").get_data(
        as_text=True
    )
    post(client, f"/officer/you-said-we-did/{action.id}/responses/{response.id}/unlink", {})
    db.session.refresh(action)
    assert action.responses == []


def test_the_response_page_panel(app, client, officer):
    with clock.frozen(london(TUESDAY - timedelta(days=1))):
        agreed = respond(consent_quote=True, texts={"went_well": "Kind staff."})
        refused = respond(consent_quote=False, texts={"went_well": "Nope."})
    action = make_entry(title="Kinder staff", responses=[agreed])
    with app.test_request_context():
        html = render_template_string('{% include "officer/_response_publishing.html" %}', response=agreed)
        assert "Kinder staff" in html and "Quote their words" in html and 'value="went_well"' in html
        assert f'action="/officer/you-said-we-did/from-response/{agreed.id}"' in html
        other = render_template_string('{% include "officer/_response_publishing.html" %}', response=refused)
        assert "did not agree to be quoted" in other and "Quote their words" not in other
    reply = post(
        client,
        f"/officer/you-said-we-did/from-response/{agreed.id}",
        {"do": "quote", "entry": "new", "answer": "went_well"},
    )
    assert reply.headers["Location"].endswith(f"/officer/you-said-we-did/new?response={agreed.id}&answer=went_well")
    reply = post(
        client, f"/officer/you-said-we-did/from-response/{refused.id}", {"do": "link", "entry": str(action.id)}
    )
    db.session.refresh(action)
    assert refused in action.responses
    # Starting a new entry from the response page ends on the quote, prefilled.
    url = f"/officer/you-said-we-did/new?response={agreed.id}&answer=went_well"
    created = post(client, url, FORM | {"title": "From the response page"})
    assert re.search(rf"/quotes/new\?response={agreed.id}&answer=went_well$", created.headers["Location"])


def test_viewers_cannot_open_the_editor(client):
    sign_in(client, "viewer")
    assert client.get("/officer/you-said-we-did").status_code == 403


def test_a_withdrawn_entry_is_put_right_and_published_again_at_the_same_address(client, officer):
    action = make_entry(publish_at=london(TUESDAY))
    slug = action.slug
    post(client, f"/officer/you-said-we-did/{action.id}/withdraw", {"reason": "A wrong figure"})
    assert client.get(f"/officer/you-said-we-did/{action.id}/edit").status_code == 200
    edited = FORM | {"title": "Decisions within 16 weeks", "we_did": "The right figure."}
    assert post(client, f"/officer/you-said-we-did/{action.id}/edit", edited, london(TUESDAY, 11)).status_code == 302
    assert audits("entry_edited") == []  # not public while withdrawn
    assert (
        post(client, f"/officer/you-said-we-did/{action.id}/publish", {"when": "now"}, london(TUESDAY, 12)).status_code
        == 302
    )
    db.session.refresh(action)
    assert action.status == ActionStatus.PUBLISHED and action.slug == slug
    assert action.published_at == london(TUESDAY)  # its first publication
    page = client.get(f"/you-said-we-did/{slug}").get_data(as_text=True)
    assert "The right figure." in page and "Decisions within 16 weeks" in page
