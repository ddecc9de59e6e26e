"""Fixtures: an app per database. Every test that touches the database runs on SQLite and, when
TEST_DATABASE_URL is set, on PostgreSQL too."""

from __future__ import annotations

import functools
import os

import pytest
from flask import g
from sqlalchemy import create_engine, make_url, text

from feedback import create_app
from feedback.core import clock
from feedback.core.extensions import db
from feedback.representation.remembered import forget as forget_remembered_counts

DATABASES = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _url(kind: str, tmp_path) -> str:
    if kind == "sqlite":
        # A file, not :memory:, so that threads and processes in concurrency tests share it.
        return f"sqlite:///{tmp_path / 'test.db'}"
    return _postgres_url()


@functools.cache
def _postgres_url() -> str:
    """TEST_DATABASE_URL; under pytest-xdist each worker gets its own database beside it (created once)."""
    url = make_url(os.environ["TEST_DATABASE_URL"])
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker:
        return url.render_as_string(hide_password=False)
    own = url.set(database=f"{url.database}_{worker}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": own.database}).first()
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    engine.dispose()
    return own.render_as_string(hide_password=False)


@pytest.fixture(params=DATABASES)
def db_url(request, tmp_path):
    return _url(request.param, tmp_path)


@pytest.fixture
def app(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    app = create_app("test")

    def forget_cached_user():
        # Tests keep one app context open across requests, so `g` would carry the previous
        # request's user; in production every request has a fresh app context. First, before the
        # access check reads the user.
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_cached_user)

    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        forget_remembered_counts()  # a new database with the same ids as the last test's
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    clock.set_now(None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def notify_callback_token(request):
    """Sets NOTIFY_CALLBACK_TOKEN and freezes the clock for tests that use the app; pure tests run once."""
    if "app" not in request.fixturenames:
        yield None
        return
    token = request.module.TOKEN
    request.getfixturevalue("app").config["NOTIFY_CALLBACK_TOKEN"] = token
    with clock.frozen(request.module.NOW):
        yield token


def pytest_sessionstart(session):
    # CI sets these so that PostgreSQL and browser tests can never be skipped silently.
    if os.environ.get("REQUIRE_POSTGRES") and not os.environ.get("TEST_DATABASE_URL"):
        raise pytest.UsageError("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not")
    if os.environ.get("REQUIRE_BROWSER") and not os.path.exists("/usr/bin/chromium"):
        raise pytest.UsageError("REQUIRE_BROWSER is set but /usr/bin/chromium is missing")
