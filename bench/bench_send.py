"""Send-rate benchmark: `python bench/bench_send.py` (run by `make bench`).

Starts the fake Notify (tests/fake_notify.py) answering every call after 100 ms, fills a temporary
SQLite database with invitations all due at once, runs the chase once with the real
notifications-python-client, and prints the send rate and the most messages Notify received in any
60 seconds (from the fake's receive times). Exits 1 if the rate is under 2,700 a minute (90% of
Notify's 3,000) or any 60 seconds saw more than 3,000.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CEILING = 3000  # Notify: 3,000 messages a minute per key
FLOOR = 2700  # 90% of it
RUN_AT = datetime(2026, 11, 3, 10, tzinfo=UTC)  # a Tuesday, 10:00 in London: civil hours


def fill(db, app, count: int) -> None:
    """`count` children, contacts and invitations, recorded the evening before, inserted in bulk."""
    from feedback.core.tokens import hash_token, survey_token
    from feedback.models import Child, Contact, Invitation

    created = RUN_AT - timedelta(hours=15)
    secret = app.config["SECRET_KEY"]
    children = [{"id": n, "ref": f"B{n:06d}", "ethnicity": "WBRI", "created_at": created} for n in range(1, count + 1)]
    contacts = [
        {
            "id": n,
            "child_id": n,
            "role": "parent_carer",
            "name": f"Parent {n}",
            "name_key": f"parent {n}",
            "email": f"parent{n}@example.org",
            "mobile": f"+447700900{n % 1000:03d}",
            "created_at": created,
        }
        for n in range(1, count + 1)
    ]
    invitations = []
    for n in range(1, count + 1):
        public_id = str(uuid.uuid4())
        invitations.append(
            {
                "id": n,
                "child_id": n,
                "contact_id": n,
                "survey_key": "new_plan",
                "event_date": date(2026, 11, 1),
                "public_id": public_id,
                "token_hash": hash_token(survey_token(secret, public_id)),
                "created_at": created,
            }
        )
    for model, rows in ((Child, children), (Contact, contacts), (Invitation, invitations)):
        db.session.execute(db.insert(model), rows)
    db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3600, help="invitations due at once (default 3,600)")
    parser.add_argument("--latency", type=float, default=0.1, help="fake Notify's answer time in seconds")
    args = parser.parse_args()

    from tests.fake_notify import FakeNotify, max_in_window

    workdir = tempfile.mkdtemp(prefix="bench-send-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.db"
    from feedback import create_app
    from feedback.chasing.runner import run_chase
    from feedback.core import clock
    from feedback.core.extensions import db
    from feedback.models import Message, MessageStatus

    fake = FakeNotify(latency=args.latency).start()
    app = create_app("development")
    with app.app_context():
        db.create_all()
        fake.configure(app, timeout=10)
        fill(db, app, args.count)
        workers, limit = app.config["NOTIFY_WORKERS"], app.config["NOTIFY_RATE_PER_MINUTE"]
        print(
            f"Send rate: {args.count:,} invitations due at once; fake Notify answering in "
            f"{args.latency * 1000:.0f} ms; NOTIFY_WORKERS={workers}, NOTIFY_RATE_PER_MINUTE={limit:,}"
        )
        started = time.monotonic()
        with clock.frozen(RUN_AT):
            report = run_chase(now=RUN_AT)
        elapsed = time.monotonic() - started
        statuses = Counter(db.session.scalars(db.select(Message.status)))
    fake.stop()
    shutil.rmtree(workdir, ignore_errors=True)

    times = fake.receive_times()
    references = Counter(fake.references())
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    rate = (len(times) - 1) / span * 60 if span else 0.0
    busiest = max_in_window(times)
    print(f"  sent {report.total_sent:,} in {elapsed:.1f} s (first to last at Notify: {span:.1f} s)")
    print(f"  send rate: {rate:,.0f} a minute")
    print(f"  most sent in any 60 seconds: {busiest:,} (ceiling 3,000/min)")
    doubled = sum(1 for n in references.values() if n > 1)
    print(f"  messages recorded SENT: {statuses[MessageStatus.SENT]:,}; references sent twice: {doubled}")
    ok = rate >= FLOOR and busiest <= CEILING and doubled == 0 and statuses[MessageStatus.SENT] == args.count
    print(f"  {'OK' if ok else 'FAIL'}: at least {FLOOR:,} a minute, never over {CEILING:,} in any 60 seconds")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
