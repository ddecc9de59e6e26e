"""The two same-run ceilings of bench_survey_load.py: the survey page's bytes (as the app sent them, headers and
all) from a trivial WSGI app, and from a bare Flask app. Run by gunicorn as bench.ceiling_apps:trivial and
bench.ceiling_apps:flask_app, with CEILING_BODY and CEILING_HEADERS naming the files the benchmark wrote."""

from __future__ import annotations

import json
import os
from pathlib import Path

BODY = Path(os.environ["CEILING_BODY"]).read_bytes()
HEADERS = [tuple(h) for h in json.loads(Path(os.environ["CEILING_HEADERS"]).read_text())]


def trivial(environ, start_response):
    start_response("200 OK", [*HEADERS, ("Content-Length", str(len(BODY)))])
    return [BODY]


def _flask():
    from flask import Flask

    app = Flask(__name__)

    @app.get("/s/<token>")
    def page(token: str):
        return BODY, 200, HEADERS

    return app


flask_app = _flask()
