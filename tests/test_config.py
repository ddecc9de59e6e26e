"""Configuration: chosen by FEEDBACK_CONFIG, DATABASE_URL read at start-up, production refuses unsafe defaults."""

import pytest

from config import DEFAULT_SECRET_KEY, database_url, get_config


def test_production_refuses_default_secret_key(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example.org/feedback")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        get_config("production")
    monkeypatch.setenv("SECRET_KEY", DEFAULT_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        get_config("production")


def test_production_needs_a_database_url(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("SAFEGUARDING_EMAIL", "safeguarding@example.org")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        get_config("production")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example.org/feedback")
    assert get_config("production").__name__ == "ProductionConfig"


def test_production_needs_somewhere_to_send_safeguarding_alerts(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db.example.org/feedback")
    monkeypatch.delenv("SAFEGUARDING_EMAIL", raising=False)
    with pytest.raises(RuntimeError, match="SAFEGUARDING_EMAIL"):
        get_config("production")
    monkeypatch.setenv("SAFEGUARDING_EMAIL", "safeguarding@example.org")
    assert get_config("production").__name__ == "ProductionConfig"


def test_config_is_chosen_by_environment(monkeypatch):
    monkeypatch.setenv("FEEDBACK_CONFIG", "test")
    assert get_config().__name__ == "TestConfig"
    monkeypatch.delenv("FEEDBACK_CONFIG")
    assert get_config().__name__ == "DevelopmentConfig"
    with pytest.raises(RuntimeError, match="must be one of"):
        get_config("staging")


def test_database_url_uses_psycopg3_and_overrides_default(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert database_url("sqlite://") == "sqlite://"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@h/db")
    assert database_url("sqlite://") == "postgresql+psycopg://u@h/db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url("sqlite://") == "postgresql+psycopg://u@h/db"


def test_behind_a_proxy_the_forwarded_address_is_used(monkeypatch, tmp_path):
    from flask import request

    from feedback import create_app

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'p.db'}")
    import config

    monkeypatch.setattr(config.TestConfig, "PROXY_COUNT", 1)
    app = create_app("test")
    client = app.test_client()

    @app.get("/_ip")
    def ip():
        return request.remote_addr

    from feedback.web.access import ACCESS, ANYONE

    monkeypatch.setitem(ACCESS, "ip", ANYONE)

    reply = client.get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert reply.get_data(as_text=True) == "203.0.113.9"
