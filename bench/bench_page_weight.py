"""Prints the survey page's weight: HTML, CSS and JS, raw and gzip, for each survey. Budget: 60 KB gzip."""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BUDGET = 60 * 1024  # bytes, gzip-compressed, page + CSS + JS


def main() -> int:
    previous = os.environ.get("DATABASE_URL")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.db"
            return _measure()
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous


def _measure() -> int:
    from feedback import create_app
    from feedback.core.extensions import db
    from feedback.models import Child, Contact, ContactRole
    from feedback.surveys.definitions import SURVEYS
    from feedback.surveys.invitations import new_invitation, token_for

    app = create_app("test")
    worst = 0
    with app.app_context():
        db.create_all()
        client = app.test_client()
        print(f"{'survey':<28} {'part':<34} {'raw':>9} {'gzip':>9}")
        for key in SURVEYS:
            child = Child(ref=f"BENCH-{key}", ethnicity="WBRI")
            contact = Contact(
                child=child,
                role=ContactRole.PARENT_CARER,
                name="Bench",
                name_key="bench",
                email="bench@example.org",
            )
            invitation = new_invitation(child, contact, key, date(2026, 11, 2))
            db.session.add(invitation)
            db.session.commit()
            html = client.get(f"/s/{token_for(invitation)}").data
            parts = [("HTML", html)]
            queue = [a.decode() for a in re.findall(rb'(?:href|src)="(/assets/[^"]+)"', html)]
            while queue:  # follow ES module imports too (init.js imports govuk-frontend.min.js)
                asset = queue.pop(0)
                body = client.get(asset).data
                parts.append((asset, body))
                if asset.endswith(".js"):
                    base = asset.rsplit("/", 1)[0]
                    queue += [f"{base}/{m.decode()[2:]}" for m in re.findall(rb"from ['\"](\./[^'\"]+)['\"]", body)]
            total_raw = total_gz = 0
            for name, body in parts:
                gz = len(gzip.compress(body, 9))
                total_raw += len(body)
                total_gz += gz
                print(f"{key:<28} {name:<34} {len(body):>9,} {gz:>9,}")
            print(f"{key:<28} {'TOTAL':<34} {total_raw:>9,} {total_gz:>9,}  (budget {BUDGET:,} gzip)")
            worst = max(worst, total_gz)
    print(f"Heaviest survey page: {worst / 1024:.1f} KB gzip of a {BUDGET / 1024:.0f} KB budget")
    return 0 if worst <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
