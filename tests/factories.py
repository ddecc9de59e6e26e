"""Helpers that build what they need: create_invitation() makes a child and contact when none is given."""

from __future__ import annotations

import itertools
from datetime import date, datetime

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


def create_user(email: str = "officer@example.org", password: str = "correct horse battery", **fields) -> User:
    user = User(
        email=email,
        name=fields.pop("name", "Olivia Officer"),
        password_hash=hash_password(password),
        role=fields.pop("role", Role.OFFICER),
        **fields,
    )
    db.session.add(user)
    db.session.commit()
    return user


def sign_in(client, role: Role | str = Role.OFFICER, **fields) -> User:
    """Create a user with `role` and sign the test client in as them (no form, no second factor)."""
    role = Role(role)
    user = create_user(email=fields.pop("email", f"{role.value}-{next(_seq)}@example.org"), role=role, **fields)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return user
