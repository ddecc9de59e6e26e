"""Assets and pages go out compressed and cacheable (issue 11): WhiteNoise serves the build's Brotli and gzip
copies under content-hashed names with a one-year immutable cache; pages are compressed on the fly."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import brotli
import pytest

from feedback import create_app
from feedback.web.assets import ONE_YEAR_IMMUTABLE

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "feedback" / "static"
MANIFEST = json.loads((STATIC / "manifest.json").read_text())


@pytest.fixture(scope="module")
def client():
    # No database: assets and the accessibility statement need none.
    return create_app("test").test_client()


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_an_asset_answers_compressed_with_a_one_year_immutable_cache(client, encoding):
    for logical, hashed in MANIFEST.items():
        reply = client.get(f"/assets/{hashed}", headers={"Accept-Encoding": f"{encoding}, identity"})
        assert reply.status_code == 200, logical
        assert reply.headers["Content-Encoding"] == encoding
        assert reply.headers["Cache-Control"] == ONE_YEAR_IMMUTABLE
        assert "Accept-Encoding" in reply.headers["Vary"]
        assert reply.headers["X-Content-Type-Options"] == "nosniff"
        decompress = brotli.decompress if encoding == "br" else gzip.decompress
        assert decompress(reply.data) == (STATIC / hashed).read_bytes(), logical


def test_an_asset_answers_plainly_to_a_client_without_compression(client):
    reply = client.get(f"/assets/{MANIFEST['css/app.css']}")
    assert "Content-Encoding" not in reply.headers
    assert reply.data == (STATIC / MANIFEST["css/app.css"]).read_bytes()


def test_every_asset_name_carries_its_content_hash():
    """So a changed file cannot keep its URL: the name is made from the bytes."""
    for logical, hashed in MANIFEST.items():
        body = (STATIC / hashed).read_bytes()
        stem, ext = logical.rsplit(".", 1)
        assert hashed == f"{stem}.{hashlib.sha256(body).hexdigest()[:12]}.{ext}"


def test_a_changed_asset_gets_a_new_url(tmp_path):
    """The build's own fingerprinting step, run on a changed copy of the stylesheet and the JS modules."""
    if not shutil.which("node"):
        pytest.skip("node is needed for the asset build")
    source = tmp_path / "app.css"
    gf = tmp_path / "gf.js"
    gf.write_bytes((STATIC / MANIFEST["js/govuk-frontend.min.js"]).read_bytes())
    init = tmp_path / "init.js"
    init.write_text("import { initAll } from './govuk-frontend.min.js'\ninitAll()\n")

    def build(css: str) -> dict[str, str]:
        source.write_text(css)
        out = tmp_path / "out"
        files = [f"css/app.css={source}", f"js/govuk-frontend.min.js={gf}", f"js/init.js={init}"]
        subprocess.run(["node", str(ROOT / "assets" / "fingerprint.mjs"), str(out), *files], check=True)
        manifest = json.loads((out / "manifest.json").read_text())
        for name in manifest.values():
            assert (out / f"{name}.br").exists() and (out / f"{name}.gz").exists()
        imported = re.search(r"from '\./([^']+)'", (out / manifest["js/init.js"]).read_text()).group(1)
        assert imported == Path(manifest["js/govuk-frontend.min.js"]).name, "init.js imports the hashed module"
        return manifest

    before = build("body{color:#0b0c0c}")
    after = build("body{color:#000}")
    assert before["css/app.css"] != after["css/app.css"]
    assert before["js/init.js"] == after["js/init.js"]


def test_pages_reach_assets_through_the_manifest(client):
    html = client.get("/accessibility").get_data(as_text=True)
    assert f'href="/assets/{MANIFEST["css/app.css"]}"' in html
    assert f'src="/assets/{MANIFEST["js/init.js"]}"' in html
    for path in (ROOT / "templates").rglob("*.html"):
        assert "url_for('static'" not in path.read_text(), f"{path.name}: use asset_url()"


def test_pages_are_compressed_when_the_client_accepts_it_and_keep_their_nonce(client):
    plain = client.get("/accessibility")
    assert "Content-Encoding" not in plain.headers
    for encoding, decompress in [("br", brotli.decompress), ("gzip", gzip.decompress)]:
        reply = client.get("/accessibility", headers={"Accept-Encoding": encoding})
        assert reply.headers["Content-Encoding"] == encoding
        html = decompress(reply.data).decode()
        nonce = re.search(r"'nonce-([^']+)'", reply.headers["Content-Security-Policy"]).group(1)
        assert f'nonce="{nonce}"' in html
        # A conditional request for the same version still gets 304 Not Modified (issue 9).
        again = client.get(
            "/accessibility", headers={"Accept-Encoding": encoding, "If-None-Match": reply.headers["ETag"]}
        )
        assert again.status_code == 304
