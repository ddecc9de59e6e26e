"""The one CSV download helper: type, name, byte order mark, neutralised cells, streamed."""

from __future__ import annotations

from feedback.web.csv_download import csv_download, csv_filename


def test_a_download_is_utf8_csv_with_a_bom_and_a_named_attachment(app):
    with app.test_request_context():
        reply = csv_download("figures-2026-27-q3.csv", ["name", "value"], [["café", -1], ["=2+2", None]])
        body = reply.get_data().decode("utf-8")
    assert reply.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert reply.headers["Content-Disposition"] == 'attachment; filename="figures-2026-27-q3.csv"'
    assert reply.headers["Cache-Control"] == "no-store"
    assert body.startswith("\ufeffname,value\r\n")
    assert "café,-1\r\n" in body and "'=2+2,\r\n" in body


def test_file_names_are_safe_and_say_the_period():
    assert csv_filename("family-feedback", "statements", "new_plan", "2026/27 Q3") == (
        "family-feedback-statements-new-plan-2026-27-q3.csv"
    )
    assert csv_filename("responses", None, "") == "responses.csv"
    assert csv_filename('a"b/../c') == "a-b-c.csv"
