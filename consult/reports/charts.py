"""Horizontal bar charts drawn on the server as SVG: no JavaScript, no style attribute (the CSP
forbids inline styles), colours from classes in reports.css. Each chart is an image with a title and
a description that reads out its figures; the page shows the same figures in a table beside it."""
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
ROW = 26
BAR = 18
LABEL_WIDTH = 280
VALUE_WIDTH = 70
TOP = 6
LABEL_CHARS = 34


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    # What is written after the bar ("12", "75 %"); the value itself when empty.
    shown: str = ""

    @property
    def text(self) -> str:
        if self.shown:
            return self.shown
        return f"{self.value:g}"


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def describe(bars: list[Bar]) -> str:
    """The figures in words, for the chart's description."""
    return "; ".join(f"{bar.label}: {bar.text}" for bar in bars)


def bar_chart(chart_id: str, title: str, bars: list[Bar], maximum: float | None = None,
              description: str = "") -> Markup:
    """An SVG bar chart, or nothing when there is nothing to draw (the page says so instead)."""
    if not bars or all(bar.value <= 0 for bar in bars):
        return Markup("")
    top = maximum if maximum else max(bar.value for bar in bars)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + ROW * len(bars)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-labelledby="{title_id} {desc_id}" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(description or describe(bars))}</desc>',
        f'<line class="chart-axis" x1="{LABEL_WIDTH}" y1="{TOP - 2}" x2="{LABEL_WIDTH}" y2="{height - TOP + 2}"/>',
    ]
    for index, bar in enumerate(bars):
        y = TOP + index * ROW
        length = 0.0 if top <= 0 else span * max(min(bar.value / top, 1.0), 0.0)
        middle = y + ROW / 2
        parts.append(
            f'<g class="chart-row"><text class="chart-label" x="{LABEL_WIDTH - 8}" y="{_number(middle)}" '
            f'text-anchor="end" dominant-baseline="middle">{escape(_short(bar.label))}</text>'
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{_number(middle - BAR / 2)}" width="{_number(length)}" '
            f'height="{BAR}" rx="2"/>'
            f'<text class="chart-value" x="{_number(LABEL_WIDTH + length + 6)}" y="{_number(middle)}" '
            f'dominant-baseline="middle">{escape(bar.text)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
