"""The built assets: no GOV.UK crown or GDS Transport, and the survey page within its weight budget."""

from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parents[1] / "feedback" / "static"


def test_no_crown_or_gds_transport_in_built_assets():
    files = [p for p in STATIC.rglob("*") if p.is_file()]
    # Besides CSS and JS: their Brotli and gzip copies and the build's manifest (issue 11).
    assert {p.suffix for p in files} <= {".css", ".js", ".br", ".gz", ".json"}, "no GOV.UK images or fonts are shipped"
    for path in (p for p in files if p.suffix in {".css", ".js"}):
        text = path.read_text(errors="ignore")
        assert "GDS Transport" not in text, path
        assert "crown" not in text.lower(), path


@pytest.mark.usefixtures("app")
def test_templates_never_use_the_govuk_header_or_footer_macros():
    templates = Path(__file__).resolve().parents[1] / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text()
        assert "govukHeader" not in text and "govukFooter" not in text, path


def test_survey_page_weight_is_within_budget(capsys):
    from bench.bench_page_weight import main

    assert main() == 0
    assert "Heaviest survey page" in capsys.readouterr().out
