"""POST /api/v1/events: bearer tokens, all-or-nothing import, JSON answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.core.tokens import hash_token, new_api_token
from feedback.models import ApiToken, Contact, Invitation
from feedback.web.api.events import MAX_ITEMS
from tests.cohort.test_import import event

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
URL = "/api/v1/events"


@pytest.fixture(autouse=True)
def frozen_clock(app):
    clock.set_now(NOW)
    yield
    clock.set_now(None)


@pytest.fixture
def token(app) -> str:
    value = new_api_token()
    db.session.add(ApiToken(name="case-system", token_hash=hash_token(value)))
    db.session.commit()
    return value


def post(client, body, token: str | None = None, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if isinstance(body, bytes | str):
        return client.post(URL, data=body, headers=headers, content_type="application/json", **kwargs)
    return client.post(URL, json=body, headers=headers, **kwargs)


def invitations() -> int:
    return db.session.scalar(select(func.count(Invitation.id)))


def test_one_event_object_is_created_then_repeating_it_is_200(client, token):
    first = post(client, event(1), token)
    assert first.status_code == 201, first.json
    assert first.json["created"] == {"children": 1, "contacts": 1, "invitations": 1}
    assert first.json["invitations"] == [
        {"child_ref": "C000001", "survey": "new_plan", "event_date": "2026-11-02", "status": "pending", "created": True}
    ]
    again = post(client, event(1), token)
    assert again.status_code == 200
    assert again.json["created"] == {"children": 0, "contacts": 0, "invitations": 0}
    assert again.json["unchanged"] == 1 and again.json["invitations"][0]["created"] is False
    assert invitations() == 1


def test_a_list_of_events(client, token):
    body = [event(1), event(2, event="annual_review", contact_role="young_person"), event(3, event_date="2026-01-05")]
    answer = post(client, body, token)
    assert answer.status_code == 201
    assert answer.json["created"]["invitations"] == 3 and answer.json["expired"] == 1
    assert [i["survey"] for i in answer.json["invitations"]] == ["new_plan", "annual_review_young_person", "new_plan"]
    assert [i["status"] for i in answer.json["invitations"]] == ["pending", "pending", "expired"]


def test_a_changed_email_is_200_and_updates_the_contact(client, token):
    post(client, event(1), token)
    answer = post(client, event(1, contact_email="changed@example.org"), token)
    assert answer.status_code == 200
    assert answer.json["updated"] == {"children": 0, "contacts": 1}
    assert db.session.scalar(select(Contact.email)) == "changed@example.org"


def test_422_lists_every_bad_item_and_imports_nothing(client, token):
    body = [event(1), event(2, contact_email="nope", contact_mobile=""), event(3, event="review", ethnicity="XX")]
    answer = post(client, body, token)
    assert answer.status_code == 422
    assert answer.json["status"] == 422
    errors = answer.json["errors"]
    assert {(e["item"], e["field"]) for e in errors} == {(1, "contact_email"), (2, "event"), (2, "ethnicity")}
    assert all(e["reason"] for e in errors)
    assert invitations() == 0


def test_422_for_values_that_are_not_text_and_items_that_are_not_objects(client, token):
    answer = post(client, [event(1, locality=["a"]), event(2, child_first_name=True)], token)
    assert answer.status_code == 422
    assert {(e["item"], e["field"], e["reason"]) for e in answer.json["errors"]} == {
        (0, "locality", "Must be text"),
        (1, "child_first_name", "Must be text"),
    }
    answer = post(client, [event(1), "not an object"], token)
    assert answer.status_code == 422 and answer.json["errors"] == [
        {"item": 1, "field": None, "reason": "Must be a JSON object"}
    ]


def test_numbers_and_nulls_are_accepted_as_text(client, token):
    answer = post(client, event(1, child_ref=123456, contact_mobile=None, language=None), token)
    assert answer.status_code == 201, answer.json
    assert answer.json["invitations"][0]["child_ref"] == "123456"


@pytest.mark.parametrize(
    "body",
    [b"this is not json", b"", b"null", b"42", b'"text"', b"[]", b"{"],
    ids=["text", "empty", "null", "number", "string", "empty-list", "broken"],
)
def test_400_for_a_body_that_is_not_an_object_or_list(client, token, body):
    answer = post(client, body, token)
    assert answer.status_code == 400
    assert answer.is_json and answer.json["status"] == 400 and answer.json["error"]


def test_413_for_too_many_items(client, token):
    answer = post(client, [event(1)] * (MAX_ITEMS + 1), token)
    assert answer.status_code == 413 and answer.is_json
    assert invitations() == 0


def test_413_for_a_body_that_is_too_large(client, token):
    answer = post(client, b"[" + b" " * (3 * 1024 * 1024) + b"]", token)
    assert answer.status_code == 413 and answer.is_json


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer wrong-token", "Bearer " + "x" * 300],
    ids=["none", "empty", "scheme-only", "blank", "basic", "wrong", "huge"],
)
def test_401_without_a_valid_token(client, token, header):
    headers = {"Authorization": header} if header is not None else {}
    answer = client.post(URL, json=event(1), headers=headers)
    assert answer.status_code == 401
    assert answer.is_json and answer.json["status"] == 401 and answer.json["error"]
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    assert invitations() == 0


def test_401_for_a_revoked_token(client, token):
    api_token = db.session.scalar(select(ApiToken))
    api_token.revoked_at = NOW - timedelta(minutes=1)
    db.session.commit()
    answer = post(client, event(1), token)
    assert answer.status_code == 401 and 'error="invalid_token"' in answer.headers["WWW-Authenticate"]
    assert invitations() == 0


def test_lower_case_bearer_scheme_is_accepted_and_last_used_is_recorded(client, token):
    answer = client.post(URL, json=event(1), headers={"Authorization": f"bearer {token}"})
    assert answer.status_code == 201
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken.last_used_at)) == NOW


def test_get_is_not_allowed_and_answers_json(client, token):
    answer = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 405 and answer.is_json


def test_token_from_the_cli_works(client, runner):
    created = runner.invoke(args=["create-api-token", "case-system-2"])
    value = created.output.strip().splitlines()[-1]
    assert post(client, event(1), value).status_code == 201
    runner.invoke(args=["revoke-api-token", "case-system-2"])
    assert post(client, event(2), value).status_code == 401


def test_409_when_a_concurrent_import_got_there_first(client, token, monkeypatch):
    import feedback.cohort.importer as cohort

    post(client, event(1), token)
    monkeypatch.setattr(cohort, "_load_children", lambda refs: {})
    answer = post(client, [event(2), event(1, event="annual_review")], token)
    assert answer.status_code == 409 and answer.json["status"] == 409 and "try again" in answer.json["error"]
    assert invitations() == 1
