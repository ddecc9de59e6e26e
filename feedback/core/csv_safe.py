"""CSV that a spreadsheet opens safely: every text cell that would start a formula is neutralised.

A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return can be run as a formula by Excel,
LibreOffice or Google Sheets (CSV injection, OWASP). Such a text cell gets a leading single quote, which
spreadsheets show as text and never run. Numbers we produce ourselves (a count, a polarity of -0.35) are
written as numbers, so that they stay numbers when the file is opened: only text can carry a formula.

Used by the web layer's downloads (feedback/web/csv_download.py) and by the CLI's --csv output alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """One cell as text: None is empty, numbers and dates as they are, text neutralised if it could run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        return format(value, "g") if isinstance(value, float) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """The header line, then one line per row (CRLF, as RFC 4180 and Excel expect), each cell made safe.

    A generator: rows are read one at a time, so a large export never sits in memory whole.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in cells])
        return buffer.getvalue()

    yield line(header)
    for row in rows:
        yield line(row)
