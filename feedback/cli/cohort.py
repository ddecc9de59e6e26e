"""CLI: import-cohort FILE.csv, and the events API's tokens (create-api-token, revoke-api-token)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import select

from feedback.cohort.importer import CohortError, import_csv, plural
from feedback.core import clock
from feedback.core.audit import record_audit
from feedback.core.extensions import db
from feedback.core.tokens import hash_token, new_api_token
from feedback.models import ApiToken


def describe(problem) -> str:
    """'Row 5, contact_email: ...' (file-level problems have no column)."""
    where = f"Row {problem.row}" if problem.row else "The file"
    return f"{where}, {problem.column}: {problem.reason}" if problem.column else f"{where}: {problem.reason}"


@click.command("import-cohort")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, readable=True))
def import_cohort(path: str) -> None:
    """Import survey events from a CSV file: every row or none (exit code 1 with the reasons)."""
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        result = import_csv(data, source="cli")
    except CohortError as error:
        rows = len({p.row for p in error.problems})
        click.echo(
            f"Nothing was imported: {plural(len(error.problems), 'problem')} in {plural(rows, 'row')}.", err=True
        )
        for problem in error.problems:
            click.echo(describe(problem), err=True)
        raise SystemExit(1) from None
    click.echo("Imported.")
    for line in result.summary_lines(current_app.config["CHASE_MAX_EVENT_AGE_DAYS"]):
        click.echo(line)


@click.command("create-api-token")
@click.argument("name")
def create_api_token(name: str) -> None:
    """Create a token for the events API; it is printed once and only its SHA-256 hash is kept."""
    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("give a name of 1 to 100 characters, like case-system", param_hint="NAME")
    if db.session.scalar(select(ApiToken.id).where(ApiToken.name == name)):
        raise click.ClickException(f"A token named {name!r} already exists: choose another name")
    token = new_api_token()
    api_token = ApiToken(name=name, token_hash=hash_token(token))
    db.session.add(api_token)
    db.session.flush()
    record_audit("api_token.create", "api_token", api_token.id)
    db.session.commit()
    click.echo(f"Created API token {name!r}. Copy it now: it cannot be shown again.")
    click.echo(token)


@click.command("revoke-api-token")
@click.argument("name")
def revoke_api_token(name: str) -> None:
    """Revoke an events API token: requests using it are refused from now on."""
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.name == name.strip()))
    if api_token is None:
        raise click.ClickException(f"There is no token named {name!r}")
    if api_token.revoked_at is None:
        api_token.revoked_at = clock.now()
        record_audit("api_token.revoke", "api_token", api_token.id)
        db.session.commit()
    click.echo(f"Revoked API token {name!r}.")


def register(app: Flask) -> None:
    for command in (import_cohort, create_api_token, revoke_api_token):
        app.cli.add_command(command)
