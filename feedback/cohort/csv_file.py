"""Reading a cohort CSV as an officer's spreadsheet writes it: UTF-8 with or without a BOM (Excel's
"CSV UTF-8"), UTF-16 (Excel's "Unicode text"), comma, semicolon or tab separated, blank lines and
extra columns ignored, header names in any case and spacing. Row numbers are spreadsheet rows
(the header is row 1), so an officer can find a bad row in Excel.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

MAX_ROWS = 250_000  # about 40 MB of CSV: far beyond a council's yearly events, small enough to hold in memory


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a row cannot be imported. row: spreadsheet row (header = 1), or API item index."""

    row: int
    column: str
    reason: str


_problem = Problem


def header_key(name: str) -> str:
    """'Child Ref' / ' child-ref ' / 'CHILD_REF' -> 'child_ref'."""
    return re.sub(r"[\s\-]+", "_", name.replace("\ufeff", "").strip().lower())


def decode(data: bytes):
    """Bytes -> (text, None) or (None, problem)."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        return None, _problem(
            1,
            "",
            "This is an Excel workbook, not a CSV file: in Excel choose File, Save As, and the type "
            "'CSV UTF-8 (Comma delimited)', then upload that file",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        return None, _problem(
            row,
            "",
            "The file is not saved as UTF-8 text, so some letters cannot be read (the first one is in this row): "
            "in Excel choose File, Save As, and the type 'CSV UTF-8 (Comma delimited)', then upload that file",
        )


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    if "," in first:
        return ","
    return max((";", "\t"), key=first.count) if (";" in first or "\t" in first) else ","


def read_csv(data: bytes, columns: tuple[str, ...], required: tuple[str, ...]):
    """Bytes -> ([(row number, {column: text})], [problems]); the records are empty if the file itself is unusable."""
    text, problem = decode(data)
    if problem:
        return [], [problem]
    if not text.strip():
        return [], [_problem(1, "", "The file is empty: it needs a header row and one row per survey event")]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        header = next(reader)
        positions, problems = _read_header(header, columns, required)
        if problems:
            return [], problems
        records = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= MAX_ROWS:
                return [], [
                    _problem(number, "", f"The file has more than {MAX_ROWS:,} rows: split it into smaller files")
                ]
            records.append((number, {c: cells[i] if i < len(cells) else "" for c, i in positions.items()}))
    except csv.Error as error:
        return [], [_problem(reader.line_num, "", f"This row cannot be read as CSV ({error})")]
    if not records:
        return [], [_problem(2, "", "The file has a header row but no events below it")]
    return records, []


def _read_header(header: list[str], columns: tuple[str, ...], required: tuple[str, ...]):
    positions: dict[str, int] = {}
    problems = []
    for index, name in enumerate(header):
        key = header_key(name)
        if key in columns:
            if key in positions:
                problems.append(_problem(1, key, "This column appears twice in the header row"))
            positions[key] = index
    for column in required:
        if column not in positions:
            problems.append(_problem(1, column, f"The header row has no {column} column"))
    if "contact_email" not in positions and "contact_mobile" not in positions:
        problems.append(
            _problem(
                1, "contact_email", "The header row needs a contact_email column, a contact_mobile column, or both"
            )
        )
    return positions, problems
