"""The officer's pages at scale: `python bench/bench_insight.py` (run by `make bench`).

On PostgreSQL, with a generated financial year of about 1,000,000 invitations and 300,000 responses
(bench/big_year.py: built once, about two minutes, then reused), times:

- the dashboard for that whole year: the full HTTP request through the Flask test client, signed in,
  and the figure functions alone (insight.figures.dashboard.dashboard_figures);
- the responses list's first page: the full request, and its count and page queries alone;

each the median of several runs after one warm-up, and prints the EXPLAIN ANALYZE plans of the main
queries. Exits 1 if the dashboard takes a second or more, or the list's first page 200 ms or more.

The database: BENCH_DATABASE_URL, or else a database beside TEST_DATABASE_URL's named `<it>_big_year`
(created when missing). Without either, or without a PostgreSQL server, it says so and exits 0.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DASHBOARD_CEILING = 1.0  # seconds, the whole year's dashboard
LIST_CEILING = 0.2  # seconds, the responses list's first page


def bench_database_url() -> str | None:
    """BENCH_DATABASE_URL, or `<TEST_DATABASE_URL's database>_big_year` on the same server (created if needed)."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if url:
        return url
    test_url = os.environ.get("TEST_DATABASE_URL")
    if not test_url:
        return None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from config import database_url

    base = make_url(database_url(test_url))
    name = f"{base.database}_big_year"
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first():
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def median_time(action, runs: int) -> float:
    action()  # warm-up: caches, compiled templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def sign_in(client, user_id: int) -> None:
    """The benchmark's officer signed in as a real sign-in leaves them: two factors set up and a server-side
    session named by the cookie (feedback/accounts/sessions.py)."""
    import pyotp

    from feedback.accounts.sessions import start_session
    from feedback.core import clock
    from feedback.core.extensions import db
    from feedback.models import User

    user = db.session.get(User, user_id)
    if not (user.mfa_secret and user.mfa_confirmed_at):  # every officer has two factors; the generated one too
        user.mfa_secret, user.mfa_confirmed_at = pyotp.random_base32(), clock.now()
    token = start_session(user_id)
    db.session.commit()
    with client.session_transaction() as session:
        session.update({"_user_id": str(user_id), "_fresh": True, "sid": token})


def explain(db, statement) -> list[str]:
    compiled = statement.compile(dialect=db.engine.dialect, compile_kwargs={"render_postcompile": True})
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params)
        return [row[0] for row in rows]


def afresh(action):
    """`action` with the counts kept for a few minutes (representation.remembered) forgotten first: the
    weighted column's cohort by survey and ethnicity is counted again, as on the first view."""
    from feedback.representation.remembered import forget

    def run():
        forget()
        action()

    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (the median is reported)")
    parser.add_argument("--no-plans", action="store_true", help="do not print the query plans")
    args = parser.parse_args()
    try:
        url = bench_database_url()
    except Exception as error:  # noqa: BLE001 - no server, no rights: the benchmark is skipped, not failed
        print(f"bench_insight: skipped, PostgreSQL is not reachable ({error.__class__.__name__})")
        return 0
    if not url:
        print("bench_insight: skipped, set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL database")
        return 0

    from big_year import BENCH_NOW, BENCH_USER_EMAIL, ensure_big_year

    summary = ensure_big_year(url)
    how = "reused" if summary["reused"] else f"built in {summary['build_seconds']:.0f} s"
    print(
        f"Big year {summary['year']} ({how}): {summary['invitation']:,} invitations, {summary['response']:,} "
        f"responses, {summary['answer']:,} answers, {summary['message']:,} messages, "
        f"{summary['response_theme']:,} themes, {summary['follow_up']:,} follow-ups"
    )

    os.environ["DATABASE_URL"] = url
    from sqlalchemy import select

    from feedback import create_app
    from feedback.core import clock
    from feedback.core.extensions import db
    from feedback.insight.figures.counts import invitation_counts_query, response_counts_query, statement_counts_query
    from feedback.insight.figures.dashboard import dashboard_figures
    from feedback.insight.periods import Period
    from feedback.insight.response_list import (
        ResponseFilters,
        count_query,
        count_responses,
        newest_first,
        page_of_responses,
    )
    from feedback.models import User

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

        dashboard_url = f"/officer/?year={year.year_label}&quarter="
        results = {
            "dashboard, whole year (HTTP)": median_time(get(dashboard_url), args.runs),
            "dashboard, whole year (HTTP, weighting's cohort counted afresh)": median_time(
                afresh(get(dashboard_url)), args.runs
            ),
            "dashboard, whole year (figures alone)": median_time(lambda: dashboard_figures(year), args.runs),
            "dashboard, one quarter (HTTP)": median_time(get(f"/officer/?year={year.year_label}&quarter=3"), args.runs),
            "responses list, first page (HTTP)": median_time(get("/officer/responses"), args.runs),
            "responses list, first page (queries alone)": median_time(
                lambda: (count_responses(ResponseFilters()), page_of_responses(ResponseFilters(), 1)),
                args.runs,
            ),
            "responses list, one quarter and a theme (HTTP)": median_time(
                get(f"/officer/responses?year={year.year_label}&quarter=2&theme=transport"), args.runs
            ),
        }
        width = max(len(name) for name in results)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"\nMedian of {args.runs} runs (after a warm-up), {os.cpu_count()} CPUs, load average {load}:")
        for name, seconds in results.items():
            print(f"  {name.ljust(width)}  {seconds * 1000:7.0f} ms")
        dashboard_ok = results["dashboard, whole year (HTTP)"] < DASHBOARD_CEILING
        list_ok = results["responses list, first page (HTTP)"] < LIST_CEILING
        print(f"\nDashboard under {DASHBOARD_CEILING:.0f} s: {'yes' if dashboard_ok else 'NO'}; "
              f"responses list under {LIST_CEILING * 1000:.0f} ms: {'yes' if list_ok else 'NO'}")  # fmt: skip

        if not args.no_plans:
            quarters = [q for y in year.years_back(3) for q in y.quarters()]
            plans = {
                "Invitations and the chase funnel, by survey (invitation_counts)": invitation_counts_query(year),
                "Responses by survey and channel (response_counts)": response_counts_query(year),
                "Answers by quarter, survey, statement and choice (statement_counts)": statement_counts_query(quarters),
                "Responses list: the count": count_query(ResponseFilters()),
                "Responses list: the first page": newest_first(ResponseFilters()).limit(50),
            }
            for title, statement in plans.items():
                print(f"\n-- {title}")
                for line in explain(db, statement):
                    print(f"   {line}")
    return 0 if dashboard_ok and list_ok else 1


if __name__ == "__main__":
    sys.exit(main())
