"""Two-factor sign-in, sessions that end, and the growing delay after failed sign-ins (issue 10's must-shows)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from config import Config
from feedback import create_app
from feedback.accounts import throttle, twofactor
from feedback.core import clock
from feedback.core.extensions import db, limiter
from feedback.models import AuditEvent, RecoveryCode, Role, User, UserSession
from tests.factories import DEFAULT_PASSWORD, create_user, totp

T0 = datetime(2026, 11, 2, 9, 0, 7, tzinfo=UTC)  # 7 s into a 30-second TOTP step
COOKIE = "session"


@pytest.fixture(autouse=True)
def frozen_clock(app):
    # The real limits (the test configuration lets sessions last, for tests that move the clock by days).
    app.config["SESSION_IDLE_MINUTES"] = Config.SESSION_IDLE_MINUTES
    app.config["SESSION_ABSOLUTE_HOURS"] = Config.SESSION_ABSOLUTE_HOURS
    clock.set_now(T0)
    yield
    clock.set_now(None)


def at(**delta) -> None:
    clock.set_now(T0 + timedelta(**delta))


def password_step(client, user: User, password: str = DEFAULT_PASSWORD):
    return client.post("/officer/sign-in", data={"email": user.email, "password": password})


def code_step(client, code: str):
    return client.post("/officer/two-factor", data={"code": code})


def sign_in_fully(client, user: User) -> None:
    assert password_step(client, user).headers["Location"].endswith("/officer/two-factor")
    reply = code_step(client, totp(user))
    assert reply.status_code == 302 and "/officer/" in reply.headers["Location"], reply.get_data(as_text=True)


def signed_in(client) -> bool:
    reply = client.get("/officer/")
    return reply.status_code == 200


def test_sign_in_without_a_valid_second_factor_fails_and_a_code_works_once(client):
    user = create_user()
    reply = password_step(client, user)
    assert reply.status_code == 302 and reply.headers["Location"].endswith("/officer/two-factor")
    assert not signed_in(client)  # the password alone signs nobody in

    right = totp(user)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    assert password_step(client, user).status_code == 302
    refused = code_step(client, wrong)
    assert refused.status_code == 200 and "Enter a correct code" in refused.get_data(as_text=True)
    assert not signed_in(client)
    assert code_step(client, right).status_code == 302
    page = client.get("/officer/").get_data(as_text=True)
    assert "1 failed attempt to sign in to your account" in page  # told at the next sign-in

    client.post("/officer/sign-out", data={})
    at(seconds=10)  # same 30-second step: the same code again is a replay
    password_step(client, user)
    assert code_step(client, right).status_code == 200
    assert not signed_in(client)
    at(seconds=30)
    password_step(client, user)
    assert code_step(client, totp(user)).status_code == 302
    assert signed_in(client)


def test_a_recovery_code_works_once_and_is_stored_hashed(client):
    user = create_user()
    codes = twofactor.new_recovery_codes(user)
    db.session.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert not stored & {c.replace("-", "") for c in codes} and not stored & set(codes)

    password_step(client, user)
    assert code_step(client, codes[3].upper()).status_code == 302  # typed in capitals: still fine
    assert "You have 9 left" in client.get("/officer/").get_data(as_text=True)
    client.post("/officer/sign-out", data={})
    password_step(client, user)
    assert code_step(client, codes[3]).status_code == 200
    assert not signed_in(client)
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "recovery_code_used")) == 1


def test_two_factor_is_set_up_at_first_sign_in(client):
    user = create_user(two_factor=False)
    reply = password_step(client, user)
    assert reply.headers["Location"].endswith("/officer/two-factor/set-up")
    assert client.get("/officer/two-factor").headers["Location"].endswith("/officer/two-factor/set-up")
    page = client.get("/officer/two-factor/set-up").get_data(as_text=True)
    db.session.refresh(user)
    assert "<svg" in page and "<img" not in page  # drawn here, fetched from nowhere
    assert 'id="totp-secret"' in page and twofactor.grouped(user.mfa_secret) in page
    assert not signed_in(client)

    assert client.post("/officer/two-factor/set-up", data={"code": "000000"}).status_code == 200
    done = client.post("/officer/two-factor/set-up", data={"code": totp(user)})
    html = done.get_data(as_text=True)
    assert done.status_code == 200 and html.count("<li><code>") == 10
    assert signed_in(client)
    db.session.refresh(user)
    assert user.mfa_confirmed_at is not None
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 10
    assert db.session.scalar(select(func.count()).where(AuditEvent.action == "two_factor_set_up")) == 1


def test_a_cookie_copied_before_sign_out_gets_the_sign_in_page_and_the_id_changes_at_sign_in(app, client):
    user = create_user()
    with client.session_transaction() as session:
        session["sid"] = "planted-by-an-attacker"
    sign_in_fully(client, user)
    copied = client.get_cookie(COOKIE).value
    with client.session_transaction() as session:
        first = session["sid"]
    assert first != "planted-by-an-attacker"
    assert client.post("/officer/sign-out", data={}).status_code == 302

    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    reply = thief.get("/officer/")
    assert reply.status_code == 302 and "/officer/sign-in" in reply.headers["Location"]

    at(seconds=30)
    sign_in_fully(client, user)
    with client.session_transaction() as session:
        assert session["sid"] != first
    hashes = list(db.session.scalars(select(UserSession.token_hash)))
    assert len(set(hashes)) == 2 and first not in hashes  # only the hash is stored


def test_a_session_ends_after_31_idle_minutes_or_8_hours_with_a_warning_first(app, client):
    user = create_user()
    sign_in_fully(client, user)
    at(minutes=29)
    assert signed_in(client)  # activity at 29 minutes
    at(minutes=29 + 26)
    page = client.get("/officer/session-ending?next=/officer/responses")
    assert page.status_code == 200 and "Your session is about to end" in page.get_data(as_text=True)
    at(minutes=29 + 31)  # the warning page was not activity: 31 minutes idle
    reply = client.get("/officer/")
    assert reply.status_code == 302 and "/officer/sign-in" in reply.headers["Location"]

    other = app.test_client()
    at(minutes=61)
    sign_in_fully(other, user)
    at(minutes=61 + 26)
    stay = other.post("/officer/session-ending?next=/officer/", data={})
    assert stay.status_code == 302 and stay.headers["Location"].endswith("/officer/")
    for minutes in range(61 + 50, 61 + 8 * 60, 28):  # busy all day
        at(minutes=minutes)
        assert signed_in(other), minutes
    at(minutes=61 + 7 * 60 + 45)
    assert "Your session ends at" in other.get("/officer/").get_data(as_text=True)
    at(minutes=61 + 8 * 60 + 1)
    assert not signed_in(other)


def test_a_password_change_deactivation_or_sign_out_everywhere_ends_old_sessions(app, client):
    admin = create_user("admin@example.org", role=Role.ADMIN)
    user = create_user()
    others = []
    for _ in range(3):
        other = app.test_client()
        sign_in_fully(other, user)
        at(seconds=30 * (len(others) + 1))  # a fresh code for each sign-in
        others.append(other)
    sign_in_fully(client, admin)

    reply = client.post(f"/officer/users/{user.id}/sign-out-everywhere", data={})
    assert reply.status_code == 302
    assert not any(signed_in(o) for o in others)

    at(minutes=5)
    sign_in_fully(others[0], user)
    new_password = "quartz umbrella kestrel violin"
    changed = others[0].post(
        "/officer/account/password",
        data={"current": DEFAULT_PASSWORD, "password": new_password, "confirm": new_password},
    )
    assert changed.status_code == 302
    assert signed_in(others[0])  # the browser that changed it carries on, with a new session
    copied = others[0].get_cookie(COOKIE).value
    at(minutes=6)
    client.post(f"/officer/users/{user.id}/deactivate", data={})
    thief = app.test_client()
    thief.set_cookie(COOKIE, copied)
    assert not signed_in(thief) and not signed_in(others[0])
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"signed_out_everywhere", "password_changed", "user_deactivated"} <= actions


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # configuration only: one database is enough
def test_the_production_cookie_is_host_prefixed_secure_http_only_and_lax(monkeypatch, db_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SAFEGUARDING_EMAIL", "safeguarding@example.org")
    production = create_app("production")
    reply = production.test_client().get("/officer/sign-in", base_url="https://feedback.example.org")
    cookie = reply.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Domain" not in cookie


# 1,000 attempts cost a few seconds: run on the production database (PostgreSQL) when there is one, not on both.
@pytest.mark.parametrize("db_url", ["postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"], indirect=True)
def test_1000_wrong_guesses_over_10_minutes_do_not_keep_the_officer_out(client):
    """An attacker who knows the officer's email hammers it; the officer signs in within a minute after."""
    delays = [throttle.delay_after(n).total_seconds() for n in range(1, 12)]
    assert delays[:2] == [0, 0] and delays == sorted(delays) and max(delays) == 30  # grows, capped
    user = create_user()
    # 1,000 commits: no need to wait for the disk in a test.
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("PRAGMA synchronous = OFF"))
    else:
        db.session.execute(text("SET synchronous_commit TO OFF"))
    for guess in range(1000):
        at(seconds=guess * 0.6)
        assert throttle.check_password(user.email, f"wrong guess {guess}", "203.0.113.9").user is None
    checked = db.session.scalar(
        select(func.count()).where(AuditEvent.action == "sign_in_failed", AuditEvent.detail == "wrong password")
    )
    assert checked <= 40  # the delay let the attacker try a password at most every 30 seconds

    at(seconds=600 + 31)  # 31.6 s after the last guess
    reply = password_step(client, user)
    assert reply.headers["Location"].endswith("/officer/two-factor"), reply.get_data(as_text=True)
    code_step(client, totp(user))
    page = client.get("/officer/")
    assert page.status_code == 200
    assert "1,000 failed attempts" in page.get_data(as_text=True) or "1000 failed attempts" in page.get_data(
        as_text=True
    )


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sign_in_attempts_are_rate_limited_per_address(monkeypatch, db_url):
    import config

    monkeypatch.setattr(config.TestConfig, "RATELIMIT_ENABLED", True)
    limited = create_app("test")
    visitor = limited.test_client()
    with limited.app_context():
        limiter.reset()
        replies = [
            visitor.post("/officer/sign-in", data={"email": "nobody@example.org", "password": "wrong"}).status_code
            for _ in range(11)
        ]
        limiter.reset()
    assert replies == [200] * 10 + [429]
