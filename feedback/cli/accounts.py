"""Account and personal-data commands: create-user (an invitation, never a printed password), purge
(retention), erase and subject-access (one child's data on request). Every one is audited."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app

from feedback.accounts import erasure, retention
from feedback.accounts.invitations import InvitationError, invite
from feedback.core.extensions import db
from feedback.models import Role
from feedback.notify.staff import send_account_invitation


@click.command("create-user")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    default="officer",
    show_default=True,
    help="admin manages users; officer works the cases; viewer only reads.",
)
@click.option("--name", default=None, help="Full name shown in the audit log (default: the part before @).")
@click.option(
    "--print-link",
    is_flag=True,
    help="Also print the invitation link (for the first admin, before email works). It works once, for 24 hours.",
)
def create_user(email: str, role: str, name: str | None, print_link: bool) -> None:
    """Invite an officer: they get an email with a single-use link to choose their own password."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("enter an email address", param_hint="EMAIL")
    try:
        invitation, token = invite(email, name or email.split("@")[0], Role(role), None)
    except InvitationError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    config = current_app.config
    link = f"{config['PUBLIC_BASE_URL']}/officer/invitation/{token}"
    send_account_invitation(invitation, link)
    click.echo(f"Invited {role} {email}: the link expires in {config['ACCOUNT_INVITATION_HOURS']} hours")
    if print_link:
        click.echo(f"Invitation link (works once): {link}")


@click.command("purge")
def purge() -> None:
    """Remove contact details RETENTION_CONTACT_DAYS after an invitation closed and free text
    RETENTION_TEXT_DAYS after it was written (run daily). Choices and figures stay."""
    result = retention.purge()
    click.echo(
        f"Removed the contact details of {result.contacts} contact(s), the text of {result.answers} answer(s) "
        f"and {result.other_text} other text(s)"
    )


@click.command("erase")
@click.argument("child_ref")
@click.option("--yes", is_flag=True, help="Do not ask to confirm.")
def erase(child_ref: str, yes: bool) -> None:
    """Remove one child's personal data on request (their answers stay as anonymous choices)."""
    if not yes:
        click.confirm(f"Erase everything held about {child_ref} and their contacts? This cannot be undone", abort=True)
    try:
        counts = erasure.erase(child_ref)
    except erasure.NoSuchChild:
        raise click.ClickException(f"No child with reference {child_ref}") from None
    click.echo(f"Erased: {counts['contacts']} contact(s) removed, {counts['responses']} response(s) anonymised")


@click.command("subject-access")
@click.argument("child_ref")
@click.option("--output", type=click.File("w"), default=None, help="Write to this file instead of the screen.")
def subject_access(child_ref: str, output) -> None:
    """Everything held about one child and their contacts, as JSON (a subject access request)."""
    try:
        data = erasure.subject_access(child_ref)
    except erasure.NoSuchChild:
        raise click.ClickException(f"No child with reference {child_ref}") from None
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if output is None:
        click.echo(text)
    else:
        output.write(text + "\n")


def register(app: Flask) -> None:
    for command in (create_user, purge, erase, subject_access):
        app.cli.add_command(command)
