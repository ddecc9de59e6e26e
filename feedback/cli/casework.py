"""`flask analyse`: recompute every stored response's sentiment, themes, concern and safeguarding after a
word list changes; `flask digest`: the weekly email of open and overdue follow-ups to each owner."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from feedback.core.clock import today_london
from feedback.insight.casework.digest import send_digests, staff_email_personalisation
from feedback.insight.casework.findings import reanalyse
from feedback.notify.staff import settle_staff_messages


@click.command("analyse")
@click.option(
    "--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000), help="Responses per transaction."
)
@click.option(
    "--no-alert-emails",
    is_flag=True,
    help="Record new safeguarding alerts (and show them on the banner) without emailing them.",
)
@with_appcontext
def analyse_command(batch_size: int, no_alert_emails: bool) -> None:
    """Analyse every stored response again with the current word lists (safe to run again).

    Opens missing follow-ups for responses of the last FOLLOW_UP_BACKFILL_DAYS days and raises a
    safeguarding alert (emailed at once) for each response the lists now flag that has none; a response
    alerted before is never alerted again."""
    report = reanalyse(
        batch_size=batch_size,
        send_alerts=not no_alert_emails,
        backfill_days=current_app.config["FOLLOW_UP_BACKFILL_DAYS"],
    )
    for line in report.lines():
        click.echo(line)


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Email each owner (education, health, social care) their open and overdue follow-ups: once a week,
    however often it runs (run it from cron on Monday mornings)."""
    settled = settle_staff_messages(staff_email_personalisation)
    if settled:
        click.echo(f"Staff emails settled after an unknown outcome: {settled}")
    for line in send_digests(today_london()).lines():
        click.echo(line)


def register(app: Flask) -> None:
    app.cli.add_command(analyse_command)
    app.cli.add_command(digest_command)
