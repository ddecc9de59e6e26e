"""Every endpoint with the protection it must have, and the public URLs that go out in messages."""

from __future__ import annotations

import re

import pytest

from tests.factories import create_user, sign_in_as

# Reachable without signing in: the family's journey, public pages, machine endpoints with their own auth.
PUBLIC_PREFIXES = ("public.", "survey.", "api.", "notify.", "static")
OPEN_OFFICER_ENDPOINTS = {
    "officer.sign_in",
    "officer.sign_out",
    "officer.two_factor",
    "officer.two_factor_setup",
    "officer.accept_invitation",
}

# URLs printed in emails and texts must never disappear.
STABLE_URLS = ["/s/<token>", "/s/<token>/done", "/s/<token>/stop", "/you-said-we-did", "/accessibility", "/privacy",
               "/you-said-we-did/<slug>", "/you-said-we-did/feed.atom", "/results", "/sitemap.xml"]  # fmt: skip


def test_stable_public_urls_exist(app):
    rules = {r.rule for r in app.url_map.iter_rules()}
    for url in STABLE_URLS:
        assert url in rules


def test_every_officer_page_needs_sign_in(app, client):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(PUBLIC_PREFIXES) or rule.endpoint in OPEN_OFFICER_ENDPOINTS:
            continue
        assert rule.endpoint.startswith("officer."), f"{rule.endpoint} belongs to no audience"
        url = re.sub(r"<(?:int:)?[^>]+>", "1", rule.rule)
        method = "GET" if "GET" in rule.methods else "POST"
        reply = client.open(url, method=method)
        assert reply.status_code in (302, 401), f"{rule.rule} answered {reply.status_code} without sign-in"
        if reply.status_code == 302:
            assert "/officer/sign-in" in reply.headers["Location"]


def test_viewers_cannot_reach_officer_work(app, client):
    from feedback.models import Role

    viewer = create_user(role=Role.VIEWER)
    sign_in_as(client, viewer)
    for url in ("/officer/call-list", "/officer/import"):
        if any(r.rule == url for r in app.url_map.iter_rules()):
            assert client.get(url).status_code == 403, url


@pytest.mark.parametrize(
    "path", ["/", "/accessibility", "/privacy", "/cookies", "/you-said-we-did", "/results", "/officer/sign-in"]
)
def test_public_pages_have_one_h1_matching_the_title(client, path):
    html = client.get(path).get_data(as_text=True)
    h1s = re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert len(h1s) == 1
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    assert title.startswith(re.sub(r"\s+", " ", h1s[0]).strip())
    assert len(set(re.findall(r'\bid="([^"]+)"', html))) == len(re.findall(r'\bid="([^"]+)"', html))
    assert "Content-Security-Policy" in client.get(path).headers
