"""Migrations build the models' schema, on SQLite and on PostgreSQL (Alembic's check finds no difference)."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from feedback.core.extensions import db

pytestmark = pytest.mark.slow


def _drop_everything():
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_upgrade_matches_the_models_and_downgrades_cleanly(app):
    _drop_everything()
    upgrade()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == [], diff
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    _drop_everything()
    db.create_all()  # leave what the fixture expects to tear down
