"""`flask chase`: chase families through GOV.UK Notify (run it from cron every 15 minutes), and
`flask notify-templates`: print the template wording to paste into Notify."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app

from feedback.core import clock
from feedback.notify.service import NotifyConfigError
from feedback.notify.templates import ALL_TEMPLATE_KEYS, SMS_FRAGMENT, longest_sms, template_text


def parse_now(text: str) -> datetime:
    """ISO-8601 to an aware UTC datetime; without an offset the time is London time."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO-8601 date and time, e.g. 2026-11-09T10:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=clock.LONDON)
    return moment.astimezone(UTC)


def register(app: Flask) -> None:
    @app.cli.command("chase")
    @click.option(
        "--now",
        "now_text",
        metavar="ISO-8601",
        help="Run as if it were this moment (testing and back-filling), e.g. 2026-11-09T10:00 "
        "(London time unless it has an offset). Default: the real clock.",
    )
    @click.option("--dry-run", is_flag=True, help="Print what would be done; send nothing and change nothing.")
    def chase(now_text: str | None, dry_run: bool) -> None:
        """Send due invitations and reminders, fill the call list, close old invitations."""
        from feedback.chasing.runner import run_chase

        moment = parse_now(now_text) if now_text else None
        try:
            if moment is None:
                report = run_chase(dry_run=dry_run)
            else:
                with clock.frozen(moment):  # every timestamp of the run, not only its decisions
                    report = run_chase(now=moment, dry_run=dry_run)
        except NotifyConfigError as error:
            raise click.ClickException(str(error)) from None
        local = clock.london(report.now)
        click.echo(f"Chase at {local:%Y-%m-%d %H:%M} Europe/London{' (dry run)' if dry_run else ''}")
        for line in report.lines():
            click.echo(line)
        if not dry_run:  # safeguarding alerts and digests whose sending was left unknown (timeout, 5xx)
            from feedback.insight.casework.digest import staff_email_personalisation
            from feedback.notify.staff import settle_staff_messages

            settled = settle_staff_messages(staff_email_personalisation)
            if settled:
                click.echo(f"Staff emails settled after an unknown outcome: {settled}")
        length = longest_sms(current_app.config["COUNCIL_NAME"], current_app.config["PUBLIC_BASE_URL"])
        if length > SMS_FRAGMENT:
            click.echo(f"Warning: a text message is {length} characters, more than one text ({SMS_FRAGMENT}).")
        if report.auth_failed:
            raise SystemExit(1)

    @app.cli.command("notify-templates")
    def notify_templates() -> None:
        """Print the wording of every Notify template, with this council's name, for pasting into Notify."""
        council = current_app.config["COUNCIL_NAME"]
        for key in ALL_TEMPLATE_KEYS:
            text = template_text(key, council)
            click.echo(f"=== {key}")
            if text.subject:
                click.echo(f"Subject: {text.subject}\n")
            click.echo(text.body + "\n")
