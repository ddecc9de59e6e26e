"""What one chase run did: counts by outcome, printed by `flask chase` and logged."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class ChaseReport:
    """What one chase run did (or, with dry_run, would do)."""

    now: datetime
    dry_run: bool = False
    outbox: bool = False
    skipped: str | None = None  # why the run did nothing at all
    stopped: str | None = None  # why the run stopped sending early (Notify failing, key refused)
    sent: Counter = field(default_factory=Counter)  # channel -> n (to the outbox when outbox is True)
    purposes: Counter = field(default_factory=Counter)  # invite / reminder -> n
    call_list: Counter = field(default_factory=Counter)  # no_response / undeliverable -> n
    closed: int = 0
    expired: int = 0
    opted_out: int = 0
    rejected: int = 0  # Notify answered 400: that channel is marked failed
    unknown: int = 0  # timeout, 5xx, 429: asked about by reference next run
    deferred: int = 0  # not sent this run (Notify failing, or not yet due): tried again next run
    recovered: int = 0  # an earlier unknown message Notify turned out to have
    resent: int = 0  # an earlier unknown message Notify did not have, sent now (also in `sent`)
    cancelled: int = 0  # an earlier unknown message Notify did not have, no longer wanted
    to_recover: int = 0  # dry run: messages whose outcome would be asked about
    errors: list[str] = field(default_factory=list)
    auth_failed: bool = False  # Notify refused our key: the CLI exits 1

    def count_send(self, channel: str, purpose: str) -> None:
        self.sent[str(channel)] += 1
        self.purposes[purpose] += 1

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())

    def summary(self) -> str:
        """One line for the log."""
        return (
            f"email {self.sent['email']}, sms {self.sent['sms']}, call list {sum(self.call_list.values())}, "
            f"closed {self.closed}, expired {self.expired}, rejected {self.rejected}, unknown {self.unknown}, "
            f"deferred {self.deferred}, recovered {self.recovered}"
        )

    def lines(self) -> list[str]:
        """The report as the CLI prints it."""
        if self.skipped:
            return [f"Nothing done: {self.skipped}."]
        verb = "Would send" if self.dry_run else "Sent"
        where = " to the outbox (no NOTIFY_API_KEY)" if self.outbox else ""
        lines = [
            f"{verb}{where}: email {self.sent['email']}, sms {self.sent['sms']} "
            f"(invitations {self.purposes['invite']}, reminders {self.purposes['reminder']})",
            f"Added to the call list: {sum(self.call_list.values())} "
            f"(no response {self.call_list['no_response']}, undeliverable {self.call_list['undeliverable']})",
            f"Closed: {self.closed}; expired (event too old to survey): {self.expired}; opted out: {self.opted_out}",
            f"Failed: rejected by Notify {self.rejected} (channel marked failed); "
            f"outcome unknown {self.unknown} (asked by reference next run); not sent yet {self.deferred}",
        ]
        if self.dry_run:
            lines.append(f"Messages whose outcome would be asked of Notify: {self.to_recover}")
        else:
            lines.append(
                f"Earlier unknown outcomes: found at Notify {self.recovered}, sent now {self.resent}, "
                f"cancelled {self.cancelled}"
            )
        if self.stopped:
            lines.append(f"Stopped sending early: {self.stopped}")
        lines.extend(f"Error: {error}" for error in self.errors)
        return lines
