"""Public results: headline "% agree" and response rates by survey, financial year and quarter, suppressed."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from feedback.core.clock import today_london
from feedback.insight.periods import Period, PeriodError
from feedback.publishing.results import (
    PUBLIC_NAMES,
    results_changed_at,
    results_for,
    year_counts,
    years_with_results,
)
from feedback.publishing.suppression import LOW_MAX, MIN_BASE
from feedback.web.public import public_bp
from feedback.web.public.caching import cached


@public_bp.get("/results")
def results():
    years = years_with_results()
    year = years[0] if years else Period.containing(today_london(), whole_year=True)
    if request.args.get("year"):
        try:
            year = Period.parse(request.args["year"]).financial_year()
        except PeriodError:
            return redirect(url_for("public.results"))
    counts = year_counts(year)

    def render() -> str:
        return render_template(
            "public/results.html",
            year=year,
            years=years,
            tables=results_for(counts),
            names=PUBLIC_NAMES,
            low_max=LOW_MAX,
            min_base=MIN_BASE,
        )

    return cached(counts.fingerprint, results_changed_at(), render)
