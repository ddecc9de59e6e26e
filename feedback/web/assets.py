"""Static assets and compression: WhiteNoise serves feedback/static/ (built by `make assets`) with content-hashed
names, pre-compressed Brotli and gzip copies and a one-year immutable cache; Flask-Compress compresses pages.

Templates reach an asset only through asset_url('css/app.css'), which returns the hashed name from the
build's manifest.json, so a changed file gets a new URL and a browser never keeps a stale copy.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Flask, url_for
from flask_compress import Compress
from whitenoise import WhiteNoise

# A name with a 12-hex-digit content hash before its extension, as assets/fingerprint.mjs writes them.
HASHED = re.compile(r"\.[0-9a-f]{12}\.\w+$")
ONE_YEAR_IMMUTABLE = "public, max-age=31536000, immutable"


def load_manifest(static_folder: str | Path) -> dict[str, str]:
    """Logical name (css/app.css) to hashed name (css/app.2dbcdd0d7d11.css); empty before the first build."""
    path = Path(static_folder) / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _is_hashed(path: str, url: str) -> bool:
    return bool(HASHED.search(url))


def _asset_headers(headers, path: str, url: str) -> None:
    headers["X-Content-Type-Options"] = "nosniff"
    if _is_hashed(path, url):
        headers["Cache-Control"] = ONE_YEAR_IMMUTABLE


def init_assets(app: Flask) -> None:
    static_folder = app.static_folder
    manifest = load_manifest(static_folder)
    # Every configuration, test included, serves assets as production does: no proxy needed in front.
    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=static_folder,
        prefix=app.static_url_path.strip("/") + "/",
        max_age=60,  # an unhashed name (only manifest.json) may change at the next deploy
        immutable_file_test=_is_hashed,
        add_headers_function=_asset_headers,
    )

    @app.template_global()
    def asset_url(name: str) -> str:
        return url_for("static", filename=manifest.get(name, name))

    # Pages, JSON and feeds; not streamed downloads (COMPRESS_STREAMS), which go out as they are.
    app.config.setdefault("COMPRESS_MIMETYPES", ["text/html", "application/json", "application/atom+xml"])
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
