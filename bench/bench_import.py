"""Times the cohort import of a synthetic 50,000-row CSV: first import and re-import, on SQLite and (when
BENCH_DATABASE_URL or TEST_DATABASE_URL is set) PostgreSQL. As a floor, the time csv.DictReader alone
takes to read the same file in the same run. Run: python bench/bench_import.py [--rows N]

The PostgreSQL database named by those variables is emptied (drop_all/create_all): use a test database.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
CODES = ["WBRI"] * 13 + "WOTH WSCO WIRI MWBC MWAS AIND APKN ABAN BAFR BCRB CHNE OARA".split() + [""]
COLUMNS = (
    "child_ref,event,event_date,ethnicity,contact_role,contact_name,contact_email,contact_mobile,language,"
    "date_of_birth,primary_need,school_phase,locality,child_first_name"
)


def synthetic_csv(rows: int, seed: int = 7) -> bytes:
    """About 0.7 events per child: new plans, annual reviews, some young people; synthetic people only."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write(COLUMNS + "\r\n")
    children = int(rows * 0.7)
    for n in range(rows):
        child = rng.randrange(children)
        young = rng.random() < 0.1
        event = "annual_review" if young or rng.random() < 0.7 else "new_plan"
        day = NOW.date() - timedelta(days=rng.randrange(90))
        when = day.isoformat() if n % 2 else day.strftime("%d/%m/%Y")
        name = f"Young Person {child}" if young else f"Parent Example {child}"
        email = f"family{child}@example.org" if rng.random() < 0.9 else ""
        mobile = f"07700 900{child % 1000:03d}" if (rng.random() < 0.7 or not email) else ""
        out.write(
            f"C{child:07d},{event},{when},{rng.choice(CODES)},{'young_person' if young else 'parent_carer'},{name},"
            f"{email},{mobile},English,{day.year - 10}-05-01,ASD,Primary,Locality {child % 7},Kid\r\n"
        )
    return out.getvalue().encode()


def time_dictreader(data: bytes) -> float:
    started = time.perf_counter()
    rows = sum(1 for _ in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    elapsed = time.perf_counter() - started
    assert rows > 0
    return elapsed


def time_imports(url: str, data: bytes) -> tuple[float, float, object, object]:
    os.environ["DATABASE_URL"] = url
    from feedback import create_app
    from feedback.cohort.importer import import_csv
    from feedback.core import clock
    from feedback.core.extensions import db

    app = create_app("test")
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.create_all()
        clock.set_now(NOW)
        try:
            started = time.perf_counter()
            first = import_csv(data, source="bench")
            first_time = time.perf_counter() - started
            started = time.perf_counter()
            second = import_csv(data, source="bench")
            second_time = time.perf_counter() - started
        finally:
            clock.set_now(None)
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
    return first_time, second_time, first, second


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    data = synthetic_csv(args.rows)
    floor = time_dictreader(data)
    print(f"Cohort import benchmark: {args.rows:,} rows, {len(data) / 1024 / 1024:.1f} MB")
    print(f"  csv.DictReader alone (floor): {floor:.2f} s")
    targets = []
    with tempfile.TemporaryDirectory() as tmp:
        targets.append(("SQLite", f"sqlite:///{tmp}/bench.db"))
        postgres = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
        if postgres:
            targets.append(("PostgreSQL", postgres))
        for name, url in targets:
            first_time, second_time, first, second = time_imports(url, data)
            print(
                f"  {name}: first import {first_time:.2f} s ({first.children_created:,} children, "
                f"{first.contacts_created:,} contacts, {first.invitations_created:,} invitations, "
                f"{first.expired:,} expired); re-import {second_time:.2f} s ({second.invitations_created} new, "
                f"{second.unchanged:,} unchanged); {first_time / floor:.0f}x the DictReader floor"
            )
            assert second.invitations_created == 0
        if not postgres:
            print("  PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
