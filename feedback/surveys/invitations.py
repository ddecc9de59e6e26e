"""Creating invitations and building their links."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, select
from sqlalchemy.exc import DBAPIError

from feedback.core.extensions import db
from feedback.core.tokens import hash_token, survey_token
from feedback.models import Child, Contact, Invitation, InvitationStatus, Response
from feedback.surveys.definitions import SURVEYS


def token_for(invitation: Invitation) -> str:
    return survey_token(current_app.config["SECRET_KEY"], invitation.public_id)


def survey_link(invitation: Invitation) -> str:
    return f"{current_app.config['PUBLIC_BASE_URL']}/s/{token_for(invitation)}"


def stop_link(invitation: Invitation) -> str:
    return f"{survey_link(invitation)}/stop"


def link_identity(secret_key: str, public_id: str | None = None) -> dict[str, str]:
    """The public id and token hash of a new invitation (for bulk inserts as well as new_invitation)."""
    public_id = public_id or str(uuid.uuid4())
    return {"public_id": public_id, "token_hash": hash_token(survey_token(secret_key, public_id))}


def new_invitation(child: Child, contact: Contact, survey_key: str, event_date: date, **fields) -> Invitation:
    """A new invitation with its token hash set; the caller adds and commits it."""
    if survey_key not in SURVEYS:
        raise ValueError(f"unknown survey {survey_key!r}")
    return Invitation(
        child=child,
        contact=contact,
        survey_key=survey_key,
        event_date=event_date,
        **link_identity(current_app.config["SECRET_KEY"]),
        **fields,
    )


def find_by_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


@dataclass(frozen=True)
class SurveyLink:
    """What the survey page needs of an invitation, read without loading the ORM object."""

    id: int
    survey_key: str
    event_date: date
    status: InvitationStatus
    closes_at: datetime | None
    answered: bool


@cache
def _link_query():
    # Built once: making the statement anew each request cost more than running it.
    answered = select(Response.id).where(Response.invitation_id == Invitation.id).exists()
    columns = [getattr(Invitation, f.name) for f in fields(SurveyLink) if f.name != "answered"]
    return select(*columns, answered).where(Invitation.token_hash == bindparam("token_hash"))


def find_link(token: str) -> SurveyLink | None:
    """The invitation of a survey link and whether it already has a response: one query on the unique
    token_hash index (the survey page's whole database work on a GET)."""
    if not token or len(token) > 100:
        return None
    # On a connection of its own in autocommit: a read of one row needs no BEGIN and ROLLBACK, which were
    # two of the four round trips of a family's GET. The pool does not ping before lending a connection
    # (config.py), so a connection the database dropped (a restart) is met here: the read is retried once.
    for attempt in (1, 2):
        try:
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                row = conn.execute(_link_query(), {"token_hash": hash_token(token)}).first()
            break
        except DBAPIError as error:
            if attempt == 2 or not error.connection_invalidated:
                raise
    return None if row is None else SurveyLink(*row[:-1], answered=bool(row[-1]))
