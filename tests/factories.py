"""Helpers that build what they need: create_invitation() makes a child and contact when none is given."""

from __future__ import annotations

import itertools
from datetime import date

from feedback.core.extensions import db
from feedback.core.passwords import hash_password
from feedback.models import Child, Contact, ContactRole, Invitation, Role, User
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
