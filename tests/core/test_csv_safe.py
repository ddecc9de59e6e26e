"""CSV cells a spreadsheet never runs: text that could start a formula is neutralised; numbers stay numbers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from feedback.core.csv_safe import csv_lines, safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+44 7700 900123", "-2+3", "@SUM(A1:A2)", "\tleading tab", "\rcarriage return",
     '=HYPERLINK("http://evil.example","click")'],
)  # fmt: skip
def test_text_that_could_run_as_a_formula_is_neutralised(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["plain words", "a=b", "3 + 4", "e-mail", " =not first", "", "café"])
def test_other_text_is_left_alone(text):
    assert safe_cell(text) == text


def test_numbers_dates_booleans_and_none():
    assert safe_cell(-0.35) == "-0.35"  # a polarity: written as a number, so it stays one in a spreadsheet
    assert safe_cell(-3) == "-3" and safe_cell(12) == "12" and safe_cell(0.1) == "0.1"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "yes" and safe_cell(False) == "no"
    assert safe_cell(date(2026, 11, 2)) == "2026-11-02"
    assert safe_cell(datetime(2026, 11, 2, 9, 30, tzinfo=UTC)) == "2026-11-02T09:30:00+00:00"


def test_csv_lines_quote_commas_quotes_and_newlines_and_stream_row_by_row():
    rows = iter([["a, b", 'say "hi"', "two\nlines"], ["=cmd", 1, None]])
    lines = csv_lines(["x", "y", "z"], rows)
    assert next(lines) == "x,y,z\r\n"
    text = "".join(lines)
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed == [["a, b", 'say "hi"', "two\nlines"], ["'=cmd", "1", ""]]


def test_a_header_is_neutralised_too():
    assert next(csv_lines(["=evil"], [])) == "'=evil\r\n"
