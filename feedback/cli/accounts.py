"""Foundation CLI commands."""

import secrets

import click
from flask import Flask
from sqlalchemy import func, select

from feedback.core.extensions import db
from feedback.core.passwords import hash_password
from feedback.models import Role, User


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
@click.option("--password", default=None, help="Password; without it one is generated and printed once.")
def create_user(email: str, role: str, name: str | None, password: str | None) -> None:
    """Create an officer account."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("enter an email address", param_hint="EMAIL")
    if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise click.ClickException(f"A user with email {email} already exists")
    if password is not None and len(password) < 8:
        raise click.BadParameter("must be at least 8 characters", param_hint="--password")
    generated = password is None
    password = password or secrets.token_urlsafe(12)
    user = User(email=email, name=name or email.split("@")[0], password_hash=hash_password(password), role=Role(role))
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created {role} {email}")
    if generated:
        click.echo(f"Password (shown once): {password}")


def register(app: Flask) -> None:
    app.cli.add_command(create_user)
