"""`flask representation`: whose voice is it? Respondents against the cohort by ethnic group (or another
attribute) for a period, for the board pack: the officer's page's table, from the same functions."""

from __future__ import annotations

import click
from flask import Flask

from feedback.cli.insight import QUARTER_HELP, YEAR_HELP, parse_period
from feedback.core.csv_safe import csv_lines
from feedback.representation.attributes import ATTRIBUTES
from feedback.representation.statistics import percent_text
from feedback.representation.table import CSV_COLUMNS, Representation, csv_rows, representation
from feedback.surveys.definitions import SURVEYS

COHORT_SURVEYS = [key for key, survey in SURVEYS.items() if not survey.open]


def _table(rep: Representation) -> list[str]:
    heads = ("Group", "Cohort", "Share", "Respondents", "Share", "Response rate", "Ratio", "95% interval",
             "Under-represented")  # fmt: skip
    lines = [
        (
            row.label,
            str(row.cohort),
            percent_text(row.cohort_share) if row.known else "not in shares",
            str(row.respondents),
            percent_text(row.respondent_share) if row.known else "not in shares",
            percent_text(row.response_rate),
            row.ratio_text(),
            row.ci_text(),
            ("yes" if row.under_represented else "no") if row.known else "–",
        )
        for row in rep.rows
    ]
    widths = [max(len(cell) for cell in column) for column in zip(heads, *lines, strict=False)]
    return ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
            for line in (heads, *lines)]  # fmt: skip


def register(app: Flask) -> None:
    @app.cli.command("representation")
    @click.option("--year", required=True, help=YEAR_HELP)
    @click.option("--quarter", type=click.IntRange(1, 4), default=None, help=QUARTER_HELP)
    @click.option(
        "--survey",
        type=click.Choice(COHORT_SURVEYS),
        default=None,
        help="Only this survey (its key): " + ", ".join(COHORT_SURVEYS) + ". Default: every survey.",
    )
    @click.option(
        "--by",
        type=click.Choice(list(ATTRIBUTES)),
        default="ethnicity",
        show_default=True,
        help="Compare respondents and cohort by this attribute.",
    )
    @click.option("--csv", "as_csv", is_flag=True, help="CSV, one row per group with exact values.")
    def representation_command(year: str, quarter: int | None, survey: str | None, by: str, as_csv: bool) -> None:
        """Whose voice is it? Respondents against the cohort (every survey event in the period) by group: counts,
        shares, response rate, representation ratio, 95% Wilson interval and the under-represented flag, with
        the minority-ethnic headline and a chi-square test."""
        period = parse_period(year, quarter)
        rep = representation(period, survey_key=survey, by=by, with_trend=False)
        if as_csv:
            rows = ([row[c] for c in CSV_COLUMNS] for row in csv_rows(rep))
            for line in csv_lines(CSV_COLUMNS, rows):
                click.echo(line, nl=False)
            return
        scope = SURVEYS[survey].title if survey else "all surveys"
        click.echo(f"Whose voice is it? {period.label} ({period.months}), {scope}, by {rep.attribute.label.lower()}")
        if rep.headline:
            click.echo(rep.headline.sentence())
        click.echo("Respondents: events with at least one response (two parents answering about one child count once).")
        for line in _table(rep):
            click.echo(line)
        click.echo(rep.test.words())
        if rep.test.warning():
            click.echo("Warning: " + rep.test.warning())
