"""Helpers that build what they need: create_invitation() makes a child and contact when none is given."""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pyotp

from feedback.accounts.sessions import start_session
from feedback.core import clock
from feedback.core.extensions import db
from feedback.core.passwords import hash_password
from feedback.insight.intake import save_response
from feedback.models import Child, Contact, ContactRole, Invitation, Response, ResponseChannel, Role, User
from feedback.surveys.definitions import SURVEYS
from feedback.surveys.invitations import new_invitation, token_for

_seq = itertools.count(1)


def create_child(**fields) -> Child:
    n = next(_seq)
    child = Child(ref=fields.pop("ref", f"C{n:06d}"), ethnicity=fields.pop("ethnicity", "WBRI"), **fields)
    db.session.add(child)
    db.session.flush()
    return child


def create_contact(child: Child | None = None, **fields) -> Contact:
    child = child or create_child()
    n = next(_seq)
    name = fields.pop("name", f"Alex Example {n}")
    contact = Contact(
        child=child,
        role=fields.pop("role", ContactRole.PARENT_CARER),
        name=name,
        name_key=" ".join(name.lower().split()),
        email=fields.pop("email", f"parent{n}@example.org"),
        mobile=fields.pop("mobile", f"+447700900{n % 1000:03d}"),
        **fields,
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def create_invitation(
    survey_key: str = "new_plan", event_date: date = date(2026, 11, 2), contact: Contact | None = None, **fields
) -> tuple[Invitation, str]:
    """Returns the invitation and its link token."""
    if contact is None:
        role = ContactRole.YOUNG_PERSON if survey_key == "annual_review_young_person" else ContactRole.PARENT_CARER
        contact = create_contact(role=role)
    invitation = new_invitation(contact.child, contact, survey_key, event_date, **fields)
    db.session.add(invitation)
    db.session.commit()
    return invitation, token_for(invitation)


def create_response(
    survey_key: str = "new_plan",
    event_date: date = date(2026, 11, 2),
    choices: dict[str, str] | None = None,
    *,
    texts: dict[str, str] | None = None,
    channel: ResponseChannel = ResponseChannel.ONLINE,
    entered_by: User | None = None,
    at: datetime | None = None,
    invitation: Invitation | None = None,
    consent_contact: bool = False,
    ethnicity: str | None = "WBRI",
) -> Response:
    """A response saved as every channel saves one (insight.intake.save_response), for a new invitation
    unless one is given. `choices` maps statement keys to choice values (default: the scale's second,
    "Agree" or "Not sure"); `texts` the free-text answers; `at` when it was submitted."""
    survey = SURVEYS[survey_key]
    if invitation is None:
        role = ContactRole.YOUNG_PERSON if survey_key == "annual_review_young_person" else ContactRole.PARENT_CARER
        invitation, _ = create_invitation(
            survey_key, event_date, contact=create_contact(create_child(ethnicity=ethnicity), role=role)
        )
    data: dict[str, str | None] = {s.key: survey.scale[1].value for s in survey.statements}
    data.update(choices or {})
    data.update(texts or {})
    data.update(consent_contact="yes" if consent_contact else "no", consent_quote="no")
    with clock.frozen(at or clock.now()):
        return save_response(invitation, survey, data, channel=channel, entered_by=entered_by)


# One argon2 hash for every test user with the default password: hashing takes ~30 ms, and tests create many.
DEFAULT_PASSWORD = "correct horse battery"
_default_hash: str | None = None


def _password_hash(password: str) -> str:
    global _default_hash
    if password != DEFAULT_PASSWORD:
        return hash_password(password)
    if _default_hash is None:
        _default_hash = hash_password(DEFAULT_PASSWORD)
    return _default_hash


def create_user(
    email: str = "officer@example.org", password: str = DEFAULT_PASSWORD, *, two_factor: bool = True, **fields
) -> User:
    """A user who has set up two-factor sign-in (unless `two_factor=False`); `totp(user)` gives a code."""
    user = User(
        email=email,
        name=fields.pop("name", "Olivia Officer"),
        password_hash=_password_hash(password),
        role=fields.pop("role", Role.OFFICER),
        **fields,
    )
    if two_factor:
        user.mfa_secret = pyotp.random_base32()
        user.mfa_confirmed_at = clock.now()
    db.session.add(user)
    db.session.commit()
    return user


def totp(user: User, at: datetime | None = None) -> str:
    """The code the user's authenticator app shows (now, or at `at`)."""
    return pyotp.TOTP(user.mfa_secret).at(at or clock.now())


def sign_in_as(client, user: User) -> str:
    """Signs the test client in as `user` without the forms: a server-side session as a real sign-in makes
    (feedback/accounts/sessions.py), its id in the cookie. Returns the session id."""
    token = start_session(user.id)
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
        session["sid"] = token
    return token


def sign_in(client, role: Role | str = Role.OFFICER, **fields) -> User:
    """Create a user with `role` (two-factor set up) and sign the test client in as them (no forms)."""
    role = Role(role)
    user = create_user(email=fields.pop("email", f"{role.value}-{next(_seq)}@example.org"), role=role, **fields)
    sign_in_as(client, user)
    return user
