"""`flask report`: % agree for each survey and statement in a period, for the board pack (the dashboard's
figures, from the same functions); `flask export-responses`: every response of a period as CSV (audited)."""

from __future__ import annotations

import sys

import click
from flask import Flask

from feedback.core.audit import record_audit
from feedback.core.csv_safe import csv_lines
from feedback.core.extensions import db
from feedback.insight.figures.dashboard import REPORT_COLUMNS, dashboard_figures, report_rows
from feedback.insight.periods import Period, PeriodError
from feedback.insight.response_export import export_header, export_rows
from feedback.insight.response_list import ResponseFilters, count_responses, describe
from feedback.representation.weighted import weighted_figures
from feedback.surveys.definitions import SURVEYS

YEAR_HELP = "Financial year, e.g. 2026/27 (April 2026 to March 2027)."
QUARTER_HELP = "Quarter of that year: 1 April–June, 2 July–September, 3 October–December, 4 January–March. Default: the whole year."  # noqa: E501
SURVEY_HELP = "Only this survey (its key): " + ", ".join(SURVEYS) + ". Default: every survey."


def parse_period(year: str, quarter: int | None) -> Period:
    try:
        return Period.parse(year, quarter)
    except PeriodError as error:
        raise click.BadParameter(str(error), param_hint="--year") from None


def _surveys(survey: str | None) -> list[str]:
    return [survey] if survey else list(SURVEYS)


def _table(rows: list[dict]) -> list[str]:
    """The report as aligned text: period, survey, statement, % agree (n/N) and the changes in words."""
    heads = ("Period", "Survey", "Statement", "% agree (n/N)", "Since the previous period", "Since last year")
    lines = [
        (
            row["period"],
            row["survey"],
            row["statement"],
            f"{row['percent']:.0f}% ({row['agree']}/{row['answered']})" if row["answered"] else "no answers (0/0)",
            row["change_since_previous"],
            row["change_since_last_year"],
        )
        for row in rows
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(heads, *lines, strict=False)]
    return ["  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in (heads, *lines)]  # fmt: skip


def register(app: Flask) -> None:
    @app.cli.command("report")
    @click.option("--year", required=True, help=YEAR_HELP)
    @click.option("--quarter", type=click.IntRange(1, 4), default=None, help=QUARTER_HELP)
    @click.option("--survey", type=click.Choice(list(SURVEYS)), default=None, help=SURVEY_HELP)
    @click.option("--csv", "as_csv", is_flag=True, help="CSV (for a spreadsheet) instead of a readable table.")
    def report(year: str, quarter: int | None, survey: str | None, as_csv: bool) -> None:
        """% agree (n/N) for each survey and statement in a period, with the changes since the previous
        period and the same period last year: the dashboard's figures, for the board pack."""
        period = parse_period(year, quarter)
        figures = dashboard_figures(period, survey_keys=_surveys(survey), with_funnel=False)
        rows = list(report_rows(figures, weighted_figures(period, _surveys(survey))))
        if as_csv:
            for line in csv_lines(REPORT_COLUMNS, ([row[c] for c in REPORT_COLUMNS] for row in rows)):
                click.echo(line, nl=False)
            return
        click.echo(f"Family feedback, {period.label} ({period.months}): % agree for events in the period")
        for line in _table(rows):
            click.echo(line)

    @app.cli.command("export-responses")
    @click.option("--year", required=True, help=YEAR_HELP)
    @click.option("--quarter", type=click.IntRange(1, 4), default=None, help=QUARTER_HELP)
    @click.option("--survey", type=click.Choice(list(SURVEYS)), default=None, help=SURVEY_HELP)
    @click.option("--csv", "as_csv", is_flag=True, help="Write CSV (the only format; say so to confirm).")
    @click.option(
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        default=None,
        help="Write to this file instead of the standard output.",
    )
    def export_responses(year: str, quarter: int | None, survey: str | None, as_csv: bool, output: str | None):
        """Every response for events in a period, one row each, as CSV: choices, free text, sentiment, concern,
        themes, safeguarding and follow-up. No names, references or contact details. Recorded in the audit log."""
        if not as_csv:
            raise click.UsageError("export-responses writes CSV: add --csv")
        period = parse_period(year, quarter)
        keys = _surveys(survey)
        filters = ResponseFilters(survey=survey, period=period)
        total = count_responses(filters)
        record_audit("export_responses", "response", None, detail=f"command line: {describe(filters)}; {total} rows")
        db.session.commit()
        stream = open(output, "w", encoding="utf-8", newline="") if output else None  # noqa: SIM115
        try:
            write = stream.write if stream else (lambda text: click.echo(text, nl=False))
            for line in csv_lines(export_header(keys), export_rows(filters, keys)):
                write(line)
        finally:
            if stream:
                stream.close()
        if output:
            click.echo(f"{total:,} responses for {period.label} written to {output}", err=True)
        sys.stdout.flush()
