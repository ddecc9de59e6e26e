"""`flask --app wsgi demo`: fill an empty database with the demo council and print how to try it."""

import click
import pyotp
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from feedback.core.extensions import db
from feedback.demo.loader import DatabaseNotEmpty, child_count, demo_sign_ins, is_demo_database, load_demo, open_links
from feedback.surveys.definitions import get_survey


def _print_links(links: dict[str, str]) -> None:
    click.echo("Survey links (open invitations nobody has answered yet):")
    for key, link in links.items():
        click.echo(f"  {get_survey(key).title} ({key}):")
        click.echo(f"    {link}")


def _print_sign_ins(sign_ins: list[tuple[str, str, str | None, str | None]]) -> None:
    """Demo accounts only: their passwords and two-factor keys (add the key to an authenticator app, or
    get a code with `python -c "import pyotp; print(pyotp.TOTP('KEY').now())"`)."""
    config = current_app.config
    click.echo(f"Officer sign-in: {config['PUBLIC_BASE_URL']}/officer/sign-in")
    for email, role, password, secret in sign_ins:
        shown = password or "(changed since the demo set it)"
        click.echo(f"  {role:<8} {email:<22} password: {shown}")
        if secret:
            uri = pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=config["SERVICE_NAME"])
            click.echo(f"  {'':<8} {'':<22} two-factor key: {secret}")
            click.echo(f"  {'':<8} {'':<22} {uri}")
        else:
            click.echo(f"  {'':<8} {'':<22} two-factor key: (set up again since the demo set it)")


@click.command("demo")
@click.option(
    "--seed", default=2026, show_default=True, type=int, help="Random seed: the same seed gives the same council."
)
@with_appcontext
def demo_command(seed: int) -> None:
    """Fill an EMPTY database with a synthetic council (about 1,500 children) to try the service."""
    existing = child_count()
    if existing:
        click.echo(
            f"The database already has {existing:,} children, so nothing was loaded (the demo fills only empty ones)."
        )
        if is_demo_database():  # only ever reprint links for the demo's own synthetic families
            click.echo("It holds the demo council.")
            _print_links(open_links())
            _print_sign_ins(demo_sign_ins())
        return
    try:
        summary = load_demo(seed)
    except (DatabaseNotEmpty, IntegrityError):  # another process loaded it between our check and the load
        db.session.rollback()
        click.echo("The database is no longer empty, so nothing was loaded.")
        return
    click.echo(
        f"Loaded the demo council in {summary.seconds:.1f} s: {summary.children:,} children, "
        f"{summary.contacts:,} contacts, {summary.invitations:,} invitations, {summary.messages:,} messages, "
        f"{summary.responses:,} responses, {summary.calls:,} calls; analysed: {summary.follow_ups:,} follow-ups "
        f"opened, {summary.alerts:,} safeguarding alerts recorded (not emailed: demo history)."
    )
    _print_links(summary.links)
    _print_sign_ins(summary.sign_ins)


def register(app: Flask) -> None:
    app.cli.add_command(demo_command)
