"""Least privilege, tested everywhere: every registered route, for every role and for a signed-out visitor,
against the one declared table in feedback/web/access.py."""

from __future__ import annotations

import re

import pytest

from feedback.models import Role
from feedback.web.access import ACCESS, ANYONE, TOKEN
from tests.factories import create_user, sign_in_as


def _rules(app):
    return [r for r in app.url_map.iter_rules()]


def _url(rule) -> str:
    return re.sub(r"<(?:(\w+):)?([^>]+)>", lambda m: "1" if m.group(1) == "int" else "x", rule.rule)


def _sign_in_as(client, user) -> None:
    sign_in_as(client, user)


def _undecided(app) -> list[str]:
    return sorted({r.endpoint for r in _rules(app)} - set(ACCESS))


def test_every_route_has_a_decision(app):
    undecided = _undecided(app)
    assert not undecided, f"Add these endpoints to ACCESS in feedback/web/access.py: {undecided}"
    endpoints = {r.endpoint for r in _rules(app)}
    stale = sorted(set(ACCESS) - endpoints)
    assert not stale, f"ACCESS names endpoints that no longer exist: {stale}"


def test_a_route_without_a_decision_is_refused_and_fails_the_check(app, client):
    @app.get("/officer/undecided-page")
    def undecided_page():
        return "secret"

    assert client.get("/officer/undecided-page").status_code == 403
    assert _undecided(app) == ["undecided_page"]  # test_every_route_has_a_decision would fail, naming it


def _visit(client, rule):
    method = "GET" if "GET" in rule.methods else "POST"
    return client.open(_url(rule), method=method)


def test_signed_out_visitors_reach_only_open_routes(app, client):
    for rule in _rules(app):
        access = ACCESS[rule.endpoint]
        if access in (ANYONE, TOKEN):
            continue
        reply = _visit(client, rule)
        assert reply.status_code == 302, f"{rule.rule} answered {reply.status_code} to a signed-out visitor"
        assert "/officer/sign-in" in reply.headers["Location"]


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_its_routes(app, client, role):
    _sign_in_as(client, create_user(email=f"{role.value}@example.org", role=role))
    for rule in _rules(app):
        access = ACCESS[rule.endpoint]
        if access in (ANYONE, TOKEN) or rule.endpoint == "officer.sign_out":
            continue
        reply = _visit(client, rule)
        if role.value in access:
            assert reply.status_code != 403, f"{role.value} was refused {rule.rule}"
            assert "/officer/sign-in" not in reply.headers.get("Location", ""), rule.rule
        else:
            assert reply.status_code == 403, f"{role.value} reached {rule.rule} ({reply.status_code})"
