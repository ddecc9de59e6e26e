"""Charts as inline SVG, drawn on the server: no JavaScript, no images fetched, readable without colour.

Each series has its own line pattern and marker shape as well as its own colour, and is named at the
end of its line; every point carries its value in a <title>. A chart never stands alone: the page puts
the same figures in a table beside it, and the SVG is labelled with its title and a short summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

# GOV.UK Frontend colours with a contrast of at least 3:1 on white (WCAG 1.4.11).
COLOURS = ("#1d70b8", "#0b0c0c", "#d4351c", "#00703c", "#4c2c92", "#b58840")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 2")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square")

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 150, 16, 48  # room for the axis, the series names and the labels


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None leaves a gap


def _marker(shape: str, x: float, y: float, colour: str, label: str) -> str:
    title = f"<title>{escape(label)}</title>"
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}">{title}</rect>'
    if shape == "triangle":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    if shape == "diamond":
        points = f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y:.1f} {x:.1f},{y + 5:.1f} {x - 5:.1f},{y:.1f}"
        return f'<polygon points="{points}" fill="{colour}">{title}</polygon>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{colour}">{title}</circle>'


def _open_svg(height: int, title: str, summary: str, chart_id: str) -> list[str]:
    return [
        f'<svg class="app-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary or "The same figures are in the table that follows.")}</desc>',
    ]


@dataclass(frozen=True)
class _Frame:
    """Where values land: x by position among the labels, y by value up to y_max."""

    count: int
    y_max: float

    @property
    def plot_w(self) -> float:
        return WIDTH - LEFT - RIGHT

    @property
    def plot_h(self) -> float:
        return HEIGHT - TOP - BOTTOM

    def x(self, i: int) -> float:
        return LEFT + (i * self.plot_w / (self.count - 1) if self.count > 1 else self.plot_w / 2)

    def y(self, value: float) -> float:
        return TOP + self.plot_h * (1 - min(max(value, 0.0), self.y_max) / self.y_max)


def _axes(frame: _Frame, x_labels: Sequence[str], unit: str) -> list[str]:
    parts = []
    for tick in range(5):
        value = frame.y_max * tick / 4
        y = frame.y(value)
        right = LEFT + frame.plot_w
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>')
        parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">{value:g}{unit}</text>')
    for i, label in enumerate(x_labels):
        x, y = frame.x(i), HEIGHT - BOTTOM + 20
        parts.append(f'<text x="{x:.1f}" y="{y}" text-anchor="middle" fill="#0b0c0c">{escape(label)}</text>')
    return parts


def _series(frame: _Frame, n: int, one: Series, x_labels: Sequence[str], unit: str) -> list[str]:
    colour, dash, shape = COLOURS[n % len(COLOURS)], DASHES[n % len(DASHES)], MARKERS[n % len(MARKERS)]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    parts, run = [], []
    for i, value in enumerate([*one.values, None]):  # a gap at the end closes the last run
        if value is not None:
            run.append(f"{frame.x(i):.1f},{frame.y(value):.1f}")
            continue
        if len(run) > 1:
            points = " ".join(run)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>')
        run = []
    points = [(i, v) for i, v in enumerate(one.values) if v is not None]
    for i, value in points:
        label = f"{one.name}, {x_labels[i]}: {value:.0f}{unit}"
        parts.append(_marker(shape, frame.x(i), frame.y(value), colour, label))
    return parts


LABEL_GAP = 15  # least vertical distance between the names at the end of the lines


def _end_labels(frame: _Frame, series: Sequence[Series]) -> list[str]:
    """Each series named at the end of its line, nudged apart so that no two names overlap."""
    ends = []
    for n, one in enumerate(series):
        points = [(i, v) for i, v in enumerate(one.values) if v is not None]
        if points:
            i, value = points[-1]
            ends.append([frame.y(value) + 4, frame.x(i) + 10, n, one.name])
    ends.sort()
    for k in range(1, len(ends)):  # push each name down below the one above it
        ends[k][0] = max(ends[k][0], ends[k - 1][0] + LABEL_GAP)
    overflow = ends[-1][0] - (HEIGHT - BOTTOM + 4) if ends else 0
    if overflow > 0:  # then lift them all back above the axis, keeping the gaps
        for k in range(len(ends) - 1, -1, -1):
            ends[k][0] = min(ends[k][0], HEIGHT - BOTTOM + 4 - LABEL_GAP * (len(ends) - 1 - k))
    return [
        f'<text x="{x:.1f}" y="{y:.1f}" fill="{COLOURS[n % len(COLOURS)]}" font-weight="bold">{escape(name)}</text>'
        for y, x, n, name in ends
    ]


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    summary: str = "",
    y_max: float = 100.0,
    unit: str = "%",
    chart_id: str = "chart",
) -> Markup:
    """A line chart of one or more series over the same x labels (quarters, years)."""
    frame = _Frame(len(x_labels), y_max or 1.0)
    parts = _open_svg(HEIGHT, title, summary, chart_id) + _axes(frame, x_labels, unit)
    for n, one in enumerate(series):
        parts += _series(frame, n, one, x_labels, unit)
    parts += _end_labels(frame, series)
    parts.append("</svg>")
    return Markup("".join(parts))


def bar_chart(
    title: str, bars: Sequence[tuple[str, float]], *, summary: str = "", unit: str = "", chart_id: str = "bars"
) -> Markup:
    """Horizontal bars, each labelled with its name and value (a funnel, counts by group)."""
    row, label_w, value_w = 30, 200, 70
    height = TOP + row * len(bars) + 8
    top = max((v for _, v in bars), default=0) or 1
    plot_w = WIDTH - label_w - value_w
    parts = _open_svg(height, title, summary, chart_id)
    for i, (name, value) in enumerate(bars):
        y = TOP + i * row
        width = plot_w * value / top
        parts.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" fill="#0b0c0c">{escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="18" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{label_w + width + 6:.1f}" y="{y + 17}" fill="#0b0c0c">{value:,.0f}{unit}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
