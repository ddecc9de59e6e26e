"""The pool does not ping before each request (config.py): a family's survey link still opens when the
database has dropped every connection since the last request, as after a restart."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from feedback.core.extensions import db
from tests.factories import create_invitation


def test_the_survey_opens_after_the_database_dropped_its_connections(app, client):
    if db.engine.dialect.name != "postgresql":
        return  # SQLite has no server to drop connections
    _, token = create_invitation("new_plan")
    db.session.commit()
    assert client.get(f"/s/{token}").status_code == 200  # the pool now holds a connection

    other = create_engine(db.engine.url, isolation_level="AUTOCOMMIT")
    with other.connect() as conn:
        dropped = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    other.dispose()
    assert dropped >= 1

    assert client.get(f"/s/{token}").status_code == 200
