"""Chart shapes drawn as SVG on the server by ``templates/admin/charts.html``: no script and
no chart library, so the charts work on a panti's LAN without internet, under the CSP, and
in print. Colours are CSS classes (``static/css/dashboard.css``), never style attributes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field


def axis(maximum: float, steps: int = 4) -> list[int]:
    """Gridline values from 0 in round steps (1, 2 or 5 times a power of ten) up to at least
    ``maximum``: whole numbers, as the charts count people."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)))
    return list(range(0, math.ceil(maximum / step) * step + 1, step))


@dataclass
class Segment:
    """A coloured part of a column (``css``: its colour class), with its hover text."""

    css: str
    value: float
    title: str


@dataclass
class Column:
    """One category on the x axis (a month): stacks side by side, each built bottom up."""

    label: str
    stacks: list[list[Segment]]
    sublabel: str = ""  # a second line under the label (the year)


@dataclass
class ColumnChart:
    columns: list[Column]
    line: float | None = None  # a reference line across the chart (the capacity)
    line_label: str = ""
    ticks: list[int] = field(init=False)

    def __post_init__(self) -> None:
        highest = max((sum(s.value for s in stack) for column in self.columns
                       for stack in column.stacks), default=0)
        self.ticks = axis(max(highest, self.line or 0))

    @property
    def top(self) -> int:
        return self.ticks[-1]


@dataclass
class Bar:
    """A horizontal bar: its value, the text after it, an optional capacity behind it and
    an optional link (bar and label both open it)."""

    label: str
    value: float
    text: str
    css: str
    url: str | None = None
    track: float | None = None
    title: str = ""


@dataclass
class BarChart:
    bars: list[Bar]
    ticks: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.ticks = axis(max((max(bar.value, bar.track or 0) for bar in self.bars),
                              default=0))

    @property
    def top(self) -> int:
        return self.ticks[-1]


@dataclass
class Cell:
    """One square of a heat map: its text, its shade class, hover text and link."""

    text: str
    css: str
    title: str
    url: str | None = None


@dataclass
class HeatRow:
    label: str
    cells: list[Cell]


@dataclass
class Heatmap:
    columns: list[str]
    rows: list[HeatRow]


SHADES = 5  # heat-0 … heat-4: each a fifth of 0–100 %


def shade(percent: float | None) -> str:
    """The heat map class of a percentage (``heat-none``: nothing recorded)."""
    if percent is None:
        return "heat-none"
    return f"heat-{min(int(percent * SHADES // 100), SHADES - 1)}"
