"""Demo data: `load_demo()` fills an empty database with a believable synthetic council.

About 1,500 children of the fictional Northshire with events over the last three financial years,
their parents, carers and young people, invitations chased by the rules of DESIGN section 6, and
responses at rates that differ by ethnic group. Synthetic people only: example.org addresses and
mobiles from Ofcom's drama range 07700 900000-900999. Everything is drawn from random.Random(seed)
and clock.now(), so a seed gives the same council on the same day. Rows go in with bulk inserts:
the whole load takes seconds.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import time as timer
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, insert, select

from feedback.core import clock
from feedback.core.extensions import db
from feedback.core.passwords import hash_password, verify_password
from feedback.demo.casework import add_worries, analyse_demo
from feedback.demo.council import LINK_SURVEYS, REF_PREFIX, Council
from feedback.demo.entries import add_demo_entries
from feedback.models import (
    Answer,
    CallRecord,
    Child,
    Contact,
    Invitation,
    InvitationStatus,
    Message,
    Response,
    Role,
    User,
)
from feedback.surveys.invitations import survey_link

CHILDREN = 1500
DEMO_USERS = (
    ("officer@example.org", "Demo officer", Role.OFFICER),
    ("admin@example.org", "Demo administrator", Role.ADMIN),
)


class DatabaseNotEmpty(Exception):
    """The demo only fills an empty database."""


@dataclass
class DemoSummary:
    children: int
    contacts: int
    invitations: int
    messages: int
    responses: int
    calls: int
    follow_ups: int
    alerts: int
    links: dict[str, str]  # survey key -> a link to an open, unanswered invitation
    # (email, role, password, two-factor key): None where it is no longer the one the demo set
    sign_ins: list[tuple[str, str, str | None, str | None]]
    seconds: float


def child_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Child)) or 0


def is_demo_database() -> bool:
    """True when the database holds children and every one of them came from the demo."""
    total = child_count()
    demo = db.session.scalar(select(func.count()).select_from(Child).where(Child.ref.startswith(REF_PREFIX)))
    return total > 0 and total == demo


def demo_password(email: str) -> str:
    """The demo account's password: derived from SECRET_KEY, so it can be shown again but not guessed."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"demo-user:{email}".encode(), hashlib.sha256)
    text = base64.b32encode(digest.digest()).decode().lower()[:16]
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


def demo_totp_secret(email: str) -> str:
    """The demo account's two-factor key (base32), derived like its password so `make run` can show it."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"demo-totp:{email}".encode(), hashlib.sha256)
    return base64.b32encode(digest.digest()[:20]).decode()


def open_links() -> dict[str, str]:
    """For each survey, a link to the most recently sent invitation that is open and unanswered."""
    links = {}
    for key in LINK_SURVEYS:
        invitation = db.session.scalar(
            select(Invitation)
            .join(Child)
            .where(
                Invitation.survey_key == key,
                Invitation.status == InvitationStatus.OPEN,
                Invitation.closes_at > clock.now(),
                Invitation.responded_at.is_(None),
                Child.ref.startswith(REF_PREFIX),
            )
            .order_by(Invitation.first_sent_at.desc(), Invitation.id.desc())
            .limit(1)
        )
        if invitation is not None:
            links[key] = survey_link(invitation)
    return links


def demo_sign_ins() -> list[tuple[str, str, str | None, str | None]]:
    """The demo accounts that exist, with their password and two-factor key while they are still the demo's."""
    rows = []
    for email, _, _ in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            password, secret = demo_password(email), demo_totp_secret(email)
            rows.append(
                (
                    email,
                    user.role.value,
                    password if verify_password(user.password_hash, password) else None,
                    secret if user.mfa_secret == secret and user.mfa_confirmed_at else None,
                )
            )
    return rows


def load_demo(seed: int = 2026) -> DemoSummary:
    """Fill an empty database with the demo council; raises DatabaseNotEmpty when there are children."""
    started = timer.perf_counter()
    if child_count():
        raise DatabaseNotEmpty()
    officer_id = _ensure_users()
    council = Council(random.Random(seed), clock.now(), current_app.config["SECRET_KEY"], officer_id)
    council.build(CHILDREN)
    add_worries(council.responses, council.answers, random.Random(seed + 1))
    _insert_all(council)
    db.session.commit()
    casework = analyse_demo(officer_id, random.Random(seed))
    add_demo_entries(officer_id)  # "You said, we did" (feedback/demo/entries.py)
    db.session.commit()
    return DemoSummary(
        children=len(council.children),
        contacts=len(council.contacts),
        invitations=len(council.invitations),
        messages=len(council.messages),
        responses=len(council.responses),
        calls=len(council.calls),
        follow_ups=casework.follow_ups,
        alerts=casework.alerts,
        links=open_links(),
        sign_ins=demo_sign_ins(),
        seconds=timer.perf_counter() - started,
    )


def _ensure_users() -> int:
    """Creates the demo accounts that do not exist yet (an existing account is left alone)."""
    for email, name, role in DEMO_USERS:
        if db.session.scalar(select(User.id).where(User.email == email)) is None:
            db.session.add(
                User(
                    email=email,
                    name=name,
                    role=role,
                    password_hash=hash_password(demo_password(email)),
                    # Two-factor already set up with a key `make run` prints, so a person can sign in at once.
                    mfa_secret=demo_totp_secret(email),
                    mfa_confirmed_at=clock.now(),
                )
            )
    db.session.flush()
    return db.session.scalar(select(User.id).where(User.email == DEMO_USERS[0][0]))


def _insert(model, rows: list[dict], *key: str) -> list[int]:
    """Bulk insert, then the new ids in the order of `rows`, looked up by the unique `key` columns.

    (INSERT … RETURNING in row order is slow on SQLite: SQLAlchemy then inserts row by row.)
    """
    if rows:
        db.session.execute(insert(model.__table__), rows)  # Core executemany: batched on both databases
    if not key:
        return []
    columns = [getattr(model, k) for k in key]
    ids = {tuple(row[:-1]): row[-1] for row in db.session.execute(select(*columns, model.id))}
    return [ids[tuple(row[k] for k in key)] for row in rows]


SENT_STATUSES = {"sent", "outbox", "delivered", "temporary-failure", "permanent-failure", "technical-failure"}


def _chase_facts(council: Council) -> None:
    """How far the chase got with each invitation (delivered, reminded, called), as feedback.chasing records
    it on the invitation when it happens; here from the simulated messages and calls."""
    for row in council.invitations:
        row.update(delivered_at=None, reminded_at=None, called_at=None)

    def earliest(index: int, column: str, moment) -> None:
        row = council.invitations[index]
        if moment is not None and (row[column] is None or moment < row[column]):
            row[column] = moment

    for message in council.messages:
        if message["status"] == "delivered":
            earliest(message["_inv"], "delivered_at", message["status_at"] or message["sent_at"])
        if message["purpose"] == "reminder" and message["status"] in SENT_STATUSES:
            earliest(message["_inv"], "reminded_at", message["sent_at"])
    for call in council.calls:
        earliest(call["_inv"], "called_at", call["created_at"])


def _insert_all(council: Council) -> None:
    _chase_facts(council)
    child_ids = _insert(Child, council.children, "ref")
    for row in council.contacts:
        row.pop("_index")
        row["child_id"] = child_ids[row.pop("_child")]
    contact_ids = _insert(Contact, council.contacts, "child_id", "role", "name_key")
    for row in council.invitations:
        row.pop("_index")
        row["child_id"] = child_ids[row.pop("_child")]
        row["contact_id"] = contact_ids[row.pop("_contact")]
    invitation_ids = _insert(Invitation, council.invitations, "public_id")
    for rows in (council.messages, council.responses, council.calls):
        for row in rows:
            row["invitation_id"] = invitation_ids[row.pop("_inv")]
    _insert(Message, council.messages)
    response_ids = _insert(Response, council.responses, "invitation_id")
    for row in council.answers:
        response = council.responses[row["_resp"]]
        # as the ORM copies them (models.surveys.Answer.event_date)
        row.update({key: response[key] for key in ("survey_key", "event_date", "ethnicity")})
        row["response_id"] = response_ids[row.pop("_resp")]
    _insert(Answer, council.answers)
    _insert(CallRecord, council.calls)
