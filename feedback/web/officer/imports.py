"""Officer upload of who to survey: /officer/import (a CSV file, imported all or nothing)."""

from __future__ import annotations

from flask import Response, current_app, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from feedback.cohort.importer import COLUMNS, CohortError, import_csv, plural
from feedback.web.officer import officer_bp
from feedback.web.officer.auth import add_nav_item

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # 50,000 rows are about 8 MB
MAX_SHOWN = 200  # problems listed on the page; the total is always given
IMPORTERS = ("admin", "officer")

add_nav_item("officer.import_cohort", "Import")

EXAMPLE_ROWS = (
    "C000123,new_plan,2026-11-02,WBRI,parent_carer,Alex Example,alex@example.org,07700 900123,English,"
    "12/03/2015,ASD,Primary,North,Sam",
    "C000456,annual_review,02/11/2026,AIND,young_person,Jo Example,,07700900456,,2009-05-30,SLCN,Post-16,South,Jo",
)


class ImportForm(FlaskForm):
    file = FileField(
        "Upload a CSV file",
        description="One row per survey event, with a header row. At most 20 MB.",
        validators=[FileRequired(message="Select a CSV file to upload")],
        widget=GovFileInput(),
    )
    submit = SubmitField("Import", widget=GovSubmitInput())


def _too_large() -> bool:
    return request.content_length is not None and request.content_length > MAX_UPLOAD_BYTES + 64 * 1024


@officer_bp.route("/import", methods=["GET", "POST"])
def import_cohort():
    """GET: the upload form (and the last import's summary); POST: import the file or list its problems."""
    form = ImportForm()
    context = {"form": form, "columns": COLUMNS, "max_age": current_app.config["CHASE_MAX_EVENT_AGE_DAYS"]}
    if request.method == "GET":
        return render_template("officer/import.html", imported=session.pop("cohort_import", None), **context)
    if _too_large():
        form.file.errors = ["The file must be smaller than 20 MB: split it into smaller files"]
        return render_template("officer/import.html", **context), 413
    if not form.validate_on_submit():
        return render_template("officer/import.html", **context), 400
    data = form.file.data.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        form.file.errors.append("The file must be smaller than 20 MB: split it into smaller files")
        return render_template("officer/import.html", **context), 413
    try:
        result = import_csv(data, source="upload")
    except CohortError as error:
        rows = len({p.row for p in error.problems})
        form.file.errors.append(
            f"The file has {plural(len(error.problems), 'problem')} in {plural(rows, 'row')}. "
            "Nothing has been imported: correct the file and upload it again"
        )
        return render_template(
            "officer/import.html", problems=error.problems[:MAX_SHOWN], total=len(error.problems), **context
        ), 422
    session["cohort_import"] = {"lines": result.summary_lines(context["max_age"]), "counts": result.counts()}
    return redirect(url_for("officer.import_cohort"))


@officer_bp.get("/import/example.csv")
def import_example():
    """A CSV with the header and two synthetic rows, to show the format."""
    body = ",".join(COLUMNS) + "\r\n" + "\r\n".join(EXAMPLE_ROWS) + "\r\n"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="who-to-survey-example.csv"'},
    )
