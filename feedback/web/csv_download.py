"""Every table's "Download CSV": one helper, so that every download is named, encoded and neutralised alike.

UTF-8 with a byte order mark, so that Excel opens names and free text with accents correctly; every text
cell that could start a formula neutralised (feedback/core/csv_safe.py); streamed row by row, so a large
export never sits in memory; never cached.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from flask import Response, stream_with_context

from feedback.core.csv_safe import csv_lines

BOM = "\ufeff"


def csv_filename(*parts: object) -> str:
    """A safe file name from its parts: csv_filename("figures", "2026/27 Q3") -> 'figures-2026-27-q3.csv'."""
    words = [re.sub(r"[^a-z0-9]+", "-", str(part).lower()).strip("-") for part in parts if part not in (None, "")]
    stem = "-".join(word for word in words if word) or "download"
    return f"{stem[:120]}.csv"


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A CSV attachment: `text/csv; charset=utf-8`, a byte order mark, then the header and the rows."""

    def body():
        yield BOM
        yield from csv_lines(header, rows)

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
