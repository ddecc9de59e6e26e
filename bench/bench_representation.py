"""Whose voice is it? at scale: `python bench/bench_representation.py` (run by `make bench`).

On PostgreSQL, with the dashboard's generated financial year of about 1,000,000 invitations (bench/big_year.py,
built once and reused), times:

- the representation page for that whole year by ethnic group (the full HTTP request through the Flask test
  client, signed in, with the trend over three financial years), and its figures alone
  (representation.table.representation);
- the same for one quarter, and the whole year by primary need;
- the weighted % agree the dashboard shows beside the raw figure (representation.weighted), alone, and the
  call list on a day of the year's last quarter (which counts that quarter's flagged groups): each counted
  afresh and with the counts kept from the run before (representation.remembered);

each the median of several runs after one warm-up, and prints the EXPLAIN ANALYZE plan of the counting query.
Exits 1 if the whole year's page takes a second or more.

The database: BENCH_DATABASE_URL, or else a database beside TEST_DATABASE_URL's named `<it>_big_year` (as
bench/bench_insight.py). Without either, or without a PostgreSQL server, it says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

CEILING = 1.0  # seconds, the whole year's representation page
IN_LAST_QUARTER = datetime(2026, 2, 16, 10, 0, tzinfo=UTC)  # the call list's quarter: the big year's last


def afresh(action):
    """`action` with the counts kept for a few minutes (representation.remembered) forgotten first."""
    from feedback.representation.remembered import forget

    def run():
        forget()
        action()

    return run


def on_day_in_last_quarter(action):
    """`action` on a day of the big year's last quarter: BENCH_NOW's quarter has no events to count."""
    from feedback.core import clock

    def run():
        with clock.frozen(IN_LAST_QUARTER):
            action()

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (the median is reported)")
    parser.add_argument("--no-plans", action="store_true", help="do not print the query plan")
    args = parser.parse_args()

    from bench_insight import bench_database_url, median_time, sign_in

    try:
        url = bench_database_url()
    except Exception as error:  # noqa: BLE001 - no server, no rights: the benchmark is skipped, not failed
        print(f"bench_representation: skipped, PostgreSQL is not reachable ({error.__class__.__name__})")
        return 0
    if not url:
        print("bench_representation: skipped, set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database")
        return 0

    from big_year import BENCH_NOW, BENCH_USER_EMAIL, ensure_big_year

    summary = ensure_big_year(url)
    how = "reused" if summary["reused"] else f"built in {summary['build_seconds']:.0f} s"
    print(f"Big year {summary['year']} ({how}): {summary['invitation']:,} invitations, {summary['child']:,} children, "
          f"{summary['response']:,} responses")  # fmt: skip

    os.environ["DATABASE_URL"] = url
    from sqlalchemy import select, text

    from feedback import create_app
    from feedback.core import clock
    from feedback.core.extensions import db
    from feedback.insight.periods import Period
    from feedback.models import User
    from feedback.representation.attributes import ATTRIBUTES
    from feedback.representation.counts import group_counts_query
    from feedback.representation.table import representation
    from feedback.representation.weighted import weighted_figures
    from feedback.surveys.definitions import SURVEYS

    app = create_app("test")
    year = Period.parse(summary["year"])
    with app.app_context(), clock.frozen(BENCH_NOW):
        user_id = db.session.scalar(select(User.id).where(User.email == BENCH_USER_EMAIL))
        client = app.test_client()
        sign_in(client, user_id)

        def get(path: str):
            def fetch():
                reply = client.get(path)
                assert reply.status_code == 200, (path, reply.status_code)
                db.session.remove()

            return fetch

        def alone(action):
            def run():
                action()
                db.session.remove()

            return run

        calls = get("/officer/call-list")
        page = f"/officer/representation?year={year.year_label}&quarter="
        results = {
            "representation, whole year by ethnic group (HTTP)": median_time(get(page), args.runs),
            "representation, whole year (figures alone)": median_time(alone(lambda: representation(year)), args.runs),
            "representation, one quarter (HTTP)": median_time(
                get(f"/officer/representation?year={year.year_label}&quarter=3"), args.runs
            ),
            "representation, whole year by primary need (HTTP)": median_time(get(page + "&by=primary_need"), args.runs),
            "weighted % agree for the dashboard, whole year (alone, counted afresh)": median_time(
                afresh(alone(lambda: weighted_figures(year, list(SURVEYS)))), args.runs
            ),
            "weighted % agree for the dashboard, whole year (alone, remembered)": median_time(
                alone(lambda: weighted_figures(year, list(SURVEYS))), args.runs
            ),
            "call list, a day in the year's last quarter (HTTP, counted afresh)": median_time(
                on_day_in_last_quarter(afresh(calls)), args.runs
            ),
            "call list, a day in the year's last quarter (HTTP, remembered)": median_time(
                on_day_in_last_quarter(calls), args.runs
            ),
        }
        width = max(len(name) for name in results)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nMedian of {args.runs} runs (after a warm-up), {os.cpu_count()} CPUs, load average {load}:")
        for name, seconds in results.items():
            print(f"  {name.ljust(width)}  {seconds * 1000:7.0f} ms")
        ok = results["representation, whole year by ethnic group (HTTP)"] < CEILING
        print(f"\nRepresentation page for the whole year under {CEILING:.0f} s: {'yes' if ok else 'NO'}")

        if not args.no_plans:
            quarters = [q for y in year.years_back(3) for q in y.quarters()]
            statement = group_counts_query(quarters, ATTRIBUTES["ethnicity"])
            compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
            with db.engine.begin() as conn:  # with the settings the query runs under (counts._plan_for_streaming)
                conn.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
                conn.execute(text("SET LOCAL jit = off"))
                rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params)
                print("\n-- Events by quarter and ethnic group, three financial years (group_counts)")
                for row in rows:
                    print(f"   {row[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
