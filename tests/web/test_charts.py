"""SVG charts: labelled for screen readers, distinguishable without colour, values escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from feedback.web.charts import Series, bar_chart, line_chart


def test_line_chart_is_valid_svg_with_a_title_and_one_marker_per_value():
    svg = line_chart(
        "% agree <by quarter>",
        ["Q1", "Q2", "Q3", "Q4"],
        [Series("2025/26", [70, 72.5, None, 80]), Series("2026/27", [65, 75, 81, None])],
        chart_id="agree",
    )
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "agree-title agree-desc"
    assert "% agree <by quarter>" in ET.tostring(root, encoding="unicode").replace("&lt;", "<").replace("&gt;", ">")
    titles = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "2025/26, Q2: 72%" in titles or "2025/26, Q2: 73%" in titles
    assert len([t for t in titles if t.startswith("2026/27")]) == 3
    # Without colour: the two series differ in line pattern and marker shape.
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert {line.get("stroke-dasharray") for line in lines} == {None, "8 4"}
    assert root.findall("{http://www.w3.org/2000/svg}circle") and root.findall("{http://www.w3.org/2000/svg}rect")


def test_bar_chart_labels_each_bar():
    svg = str(bar_chart("Chase funnel", [("Invited", 1200), ("Answered", 300)]))
    ET.fromstring(svg)
    assert re.search(r">Invited<", svg) and ">1,200<" in svg and ">300<" in svg


def test_empty_series_draw_nothing_but_axes():
    ET.fromstring(str(line_chart("Empty", ["Q1"], [Series("none", [None])])))
