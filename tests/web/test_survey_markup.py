"""The markup a family receives, compared with golden files in tests/web/golden/ (issue 11).

The survey page is rendered in one pass for speed; these files are the markup it had before that change,
so a kept answer or an error message must come out byte for byte as it did. Only what genuinely varies
per request or per build is normalised before comparing:
- the CSRF token's value (signed with a timestamp) becomes CSRF;
- the CSP nonce (fresh each request) becomes NONCE;
- the survey link token (from a random public id) becomes TOKEN;
- a content-hashed asset name (css/app.1a2b3c4d5e6f.css) becomes its logical name (css/app.css).

To accept a deliberate change of markup: UPDATE_GOLDEN=1 pytest tests/web/test_survey_markup.py, then read
the diff of tests/web/golden/ before committing it.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from feedback.core import clock
from feedback.core.extensions import db
from feedback.models import ContactRole, InvitationStatus
from feedback.surveys.invitations import token_for
from tests.factories import create_child, create_contact, create_invitation, create_response, sign_in

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = bool(os.environ.get("UPDATE_GOLDEN"))


def normalise(html: str, token: str | None = None) -> str:
    html = re.sub(r'(name="csrf_token" type="hidden" value=")[^"]+"', r'\1CSRF"', html)
    html = re.sub(r'nonce="[^"]+"', 'nonce="NONCE"', html)
    html = re.sub(r"(/assets/[\w/.-]+?)\.[0-9a-f]{12}(\.\w+)", r"\1\2", html)
    if token:
        html = html.replace(token, "TOKEN")
    return html


def check(name: str, response, token: str | None = None) -> None:
    html = normalise(response.get_data(as_text=True), token)
    path = GOLDEN / f"{name}.html"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(html)
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert html == path.read_text(), f"{name}: markup differs from {path.name}"


@pytest.fixture
def csrf_app(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def csrf_token(response) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)


NASTY = 'Fine <b>"really"</b> & it\'s ok'

PARENT_STATES = {
    "empty_post": {},
    "some_answers": {
        "assessment_positive": "agree",
        "involved": "strongly_disagree",
        "went_well": NASTY,
        "do_better": "x" * 2001,
        "consent_contact": "yes",
    },
    "bad_choice": {
        "assessment_positive": "bogus",
        "plan_quality": "neither",
        "involved": "not_applicable",
        "plan_progress": "strongly_agree",
        "went_well": "",
        "do_better": "Line one\nLine two",
        "consent_contact": "no",
        "consent_quote": "maybe",
    },
}
EASY_READ_STATES = {
    "empty_post": {},
    "some_answers": {
        "listened": "yes",
        "future": "no",
        "good": "bogus",
        "went_well": NASTY,
        "do_better": "y" * 2001,
        "consent_quote": "no",
    },
}
STATES = {
    "new_plan": PARENT_STATES,
    "annual_review": {"empty_post": {}},
    "annual_review_young_person": EASY_READ_STATES,
}


@pytest.mark.parametrize("survey_key", list(STATES))
def test_survey_page_markup(csrf_app, client, survey_key):
    _, token = create_invitation(survey_key)
    page = client.get(f"/s/{token}")
    check(f"{survey_key}__get", page, token)
    check(f"{survey_key}__get", client.get(f"/s/{token}"), token)  # again, from the kept blocks
    csrf = csrf_token(page)
    for state, data in STATES[survey_key].items():
        reply = client.post(f"/s/{token}", data={**data, "csrf_token": csrf})
        assert reply.status_code == 200, state
        check(f"{survey_key}__{state}", reply, token)
        again = client.post(f"/s/{token}", data={**data, "csrf_token": csrf})
        check(f"{survey_key}__{state}", again, token)


def test_pages_around_the_survey_markup(csrf_app, client):
    _, token = create_invitation("new_plan")
    stop = client.get(f"/s/{token}/stop")
    check("stop__get", stop, token)
    client.post(f"/s/{token}/stop", data={"csrf_token": csrf_token(stop)})
    check("stop__opted_out", client.get(f"/s/{token}/stop"), token)

    for key, consent in [("new_plan", True), ("annual_review_young_person", False)]:
        response = create_response(key, consent_contact=consent)
        answered = token_for(response.invitation)
        check(f"{key}__done", client.get(f"/s/{answered}/done"), answered)
        check(f"{key}__already_answered", client.get(f"/s/{answered}"), answered)

    closed, closed_token = create_invitation("new_plan", status=InvitationStatus.CLOSED)
    check("closed", client.get(f"/s/{closed_token}"), closed_token)
    late, late_token = create_invitation("new_plan", closes_at=clock.now() - timedelta(days=1))
    check("closed_by_time", client.get(f"/s/{late_token}"), late_token)
    db.session.rollback()


@pytest.mark.parametrize("survey_key", ["new_plan", "annual_review_young_person"])
def test_officer_entry_markup(csrf_app, client, survey_key):
    """An officer enters a family's answers on the same survey template, inside the officer layout."""
    sign_in(client)
    role = ContactRole.YOUNG_PERSON if survey_key == "annual_review_young_person" else ContactRole.PARENT_CARER
    invitation, _ = create_invitation(survey_key, contact=create_contact(create_child(ref="C000123"), role=role))
    url = f"/officer/enter-answers/{invitation.id}/paper"
    page = client.get(url)
    assert page.status_code == 200
    html = re.sub(r"/enter-answers/\d+/", "/enter-answers/ID/", page.get_data(as_text=True))
    page.set_data(html)
    check(f"officer_entry_{survey_key}__get", page)
    reply = client.post(url, data={"csrf_token": csrf_token(page)})
    reply.set_data(re.sub(r"/enter-answers/\d+/", "/enter-answers/ID/", reply.get_data(as_text=True)))
    check(f"officer_entry_{survey_key}__empty_post", reply)


def test_survey_get_reads_the_database_once(csrf_app, client):
    """The link's invitation and whether it was answered, in one query; the page itself from kept markup."""
    from sqlalchemy import event

    _, token = create_invitation("new_plan")
    client.get(f"/s/{token}")
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        reply = client.get(f"/s/{token}")
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert reply.status_code == 200
    assert len(statements) == 1, statements
    assert "token_hash" in statements[0]
