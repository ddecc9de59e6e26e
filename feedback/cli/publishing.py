"""`flask publish-due`: publish the "You said, we did" entries whose date has come and send the update messages
waiting for civil hours (run it from cron every 15 minutes)."""

from __future__ import annotations

import click
from flask import Flask

from feedback.cli.chasing import parse_now
from feedback.core import clock
from feedback.notify.service import NotifyConfigError


def register(app: Flask) -> None:
    @app.cli.command("publish-due")
    @click.option(
        "--now",
        "now_text",
        metavar="ISO-8601",
        help="Run as if it were this moment, e.g. 2027-03-01T10:00 (London time unless it has an offset). "
        "Default: the real clock.",
    )
    @click.option("--dry-run", is_flag=True, help="Print what would be published and sent; change nothing.")
    def publish_due_command(now_text: str | None, dry_run: bool) -> None:
        """Publish scheduled entries that are due, then send queued update messages (inside civil hours)."""
        from feedback.publishing.lifecycle import publish_due
        from feedback.publishing.updates import deliver_updates

        moment = parse_now(now_text) if now_text else clock.now()
        with clock.frozen(moment):
            due = publish_due(moment, dry_run=dry_run)
            try:
                report = deliver_updates(moment, dry_run=dry_run)
            except NotifyConfigError as error:
                raise click.ClickException(str(error)) from None
        verb = "Would publish" if dry_run else "Published"
        suffix = " (dry run)" if dry_run else ""
        click.echo(f"Publish-due at {clock.london(moment):%Y-%m-%d %H:%M} Europe/London{suffix}")
        queued = sum(p.queued for p in due.published)
        click.echo(f"{verb}: {len(due.published)} entries ({queued} update messages queued)")
        if due.held:
            ids = ", ".join(str(i) for i in due.held)
            click.echo(f"Held: {len(due.held)} due entries hold names or details to check first (entries {ids})")
        if report.skipped:
            click.echo(f"Updates: nothing sent: {report.skipped}.")
        else:
            where = " to the outbox (no NOTIFY_API_KEY)" if report.outbox else ""
            click.echo(
                f"Updates {'that would be sent' if dry_run else 'sent'}{where}: email {report.sent['email']}, "
                f"sms {report.sent['sms']}; waiting for civil hours {report.deferred}; cancelled {report.cancelled}"
            )
            click.echo(
                f"Failed: rejected by Notify {report.rejected}; outcome unknown {report.unknown} (asked by reference "
                f"next run); earlier unknown outcomes found at Notify {report.recovered}, sent now {report.resent}"
            )
        if report.stopped:
            click.echo(f"Stopped sending early: {report.stopped}")
        if report.auth_failed:
            raise SystemExit(1)
