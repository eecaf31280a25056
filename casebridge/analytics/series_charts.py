"""Line and bar charts as SVG geometry for the board report's template: any number of periods,
several series, both axes labelled (the periods along, the unit up from nought), and a sentence
under the chart for each series with values not shown, saying which periods and why. A line
breaks at a value not shown; a known value between two gaps is a marker on its own."""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from casebridge.analytics.charts import Point, known_runs

# GOV.UK's colours, in the order its guidance on data visualisation uses them.
PALETTE = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#28a197")
# A line's pattern as well as its colour, so that the series are told apart in grey print; the
# legend's swatch is a border of the matching style.
DASHES = (("", "solid"), ("7 4", "dashed"), ("2 3", "dotted"))
LINE, BAR = "line", "bar"


@dataclass(frozen=True)
class Series:
    """One line, or one bar a period: the values (None where not shown) and each as printed."""

    label: str
    values: Sequence[float | None]
    shown: Sequence[str]


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float  # nought: the bar is drawn as a rule on the axis
    label: str
    value: str

    @property
    def right(self) -> float:
        return round(self.x + self.width, 1)


@dataclass(frozen=True)
class DrawnSeries:
    label: str
    colour: str
    dash: str  # SVG stroke-dasharray of its line; "" solid
    border: str  # the CSS border style that matches it, for a legend's swatch
    segments: list[str]  # polyline "points" of each run of two or more known points
    markers: list[Point]  # every known point of a line (a lone one is only a marker)
    bars: list[Bar]


@dataclass(frozen=True)
class SeriesChart:
    kind: str  # LINE or BAR
    width: int
    height: int
    left: float  # the plot area
    top: float
    right: float
    bottom: float  # y of nought
    x_title: str
    y_title: str
    x_ticks: list[float]  # each period's x
    x_labels: list[Label]  # the periods' labels, a line each (some skipped where crowded)
    y_ticks: list[tuple[float, str]]  # each tick's y and label, nought first
    series: list[DrawnSeries]
    hidden: list[str]  # a sentence a series with values not shown: which periods and why
    summary: str  # what the chart shows, in a sentence: the start of its text alternative
    description: str  # the summary and every value as printed: the SVG's <desc>

    @property
    def empty(self) -> bool:
        """Nothing is known to draw: the chart is replaced by a sentence saying so."""
        return not any(s.markers or s.bars for s in self.series)

    @property
    def x_title_y(self) -> float:
        """Under the periods' labels, one line or two."""
        return max((label.y for label in self.x_labels), default=self.bottom) + 18

    @property
    def middle(self) -> tuple[float, float]:
        """The centre of the plot area, under which and beside which the axes' titles go."""
        return round((self.left + self.right) / 2, 1), round((self.top + self.bottom) / 2, 1)


CHAR_WIDTH = 6.2  # a character of 11px Arial, on average (an estimate is enough for labels)
LINE_HEIGHT = 13
TICKS = 4  # about this many steps up the value axis
LARGEST = 1e15  # beyond any figure a partnership counts: the value axis's labels stay short


def _scale(largest: float, *, whole: bool) -> tuple[float, float, int]:
    """A value axis from nought: its top, its step and the decimals its labels need."""
    if largest < 1e-9:  # noughts only: an axis from 0 to 1
        largest = 1.0
    magnitude = 10.0 ** math.floor(math.log10(largest / TICKS))
    for multiple in (1, 2, 2.5, 5, 10):
        step = multiple * magnitude
        if whole and step != round(step):
            continue
        if step * TICKS >= largest:
            break
    step = max(step, 1.0) if whole else step
    decimals = 0 if whole else max(0, -math.floor(math.log10(step) + 1e-9))
    decimals += 1 if not whole and multiple == 2.5 and step < 10 else 0
    return step * math.ceil(largest / step - 1e-9), step, min(decimals, 9)


def _spans(indexes: list[int], periods: Sequence[str]) -> str:
    """The periods at ``indexes`` in words, a run of three or more as one span: "Q1 21/22,
    Q3 21/22 to Q1 22/23 and Q3 22/23"."""
    runs: list[list[int]] = []
    for index in indexes:
        if runs and index == runs[-1][-1] + 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    named: list[str] = []
    for run in runs:
        if len(run) > 2:
            named.append(f"{periods[run[0]]} to {periods[run[-1]]}")
        else:
            named += [periods[index] for index in run]
    return _listed(named)


def _listed(words: list[str]) -> str:
    """Words in a list, as a sentence gives them: A; A and B; A, B and C."""
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _hidden_sentences(
    series: Sequence[Series], periods: Sequence[str], reasons: Mapping[str, str]
) -> list[str]:
    """A sentence for each series with values not shown: which periods, and why."""
    sentences = []
    for row in series:
        by_reason: dict[str, list[int]] = {}
        for index, value in enumerate(row.values):
            if value is None:
                reason = reasons.get(row.shown[index], "not shown")
                by_reason.setdefault(reason, []).append(index)
        if by_reason:
            parts = [f"{_spans(indexes, periods)} {why}" for why, indexes in by_reason.items()]
            sentences.append(f"{row.label}: {'; '.join(parts)}.")
    return sentences


def _x_labels(periods: Sequence[str], xs: list[float], slot: float, top: float) -> list[Label]:
    """Each period's label under its x, split at its last space where it is wider than its
    slot, and only every n-th label where even that is too wide; ``top``: the first line's y."""
    lines = [
        label.rsplit(" ", 1) if len(label) * CHAR_WIDTH > slot * 0.95 and " " in label else [label]
        for label in periods
    ]
    widest = max((len(line) * CHAR_WIDTH for label in lines for line in label), default=0)
    every = max(1, math.ceil(widest / max(slot * 0.95, 1)))
    return [
        Label(round(x, 1), top + LINE_HEIGHT * number, line)
        for index, (x, label) in enumerate(zip(xs, lines, strict=True))
        if index % every == 0
        for number, line in enumerate(label)
    ]


def series_chart(
    *,
    kind: str,
    periods: Sequence[str],
    series: Sequence[Series],
    x_title: str,
    y_title: str,
    whole: bool = True,
    suffix: str = "",
    reasons: Mapping[str, str] | None = None,
    width: int = 640,
    height: int = 260,
) -> SeriesChart:
    """A line or bar chart of ``series`` over ``periods`` (oldest first), nought at the bottom.

    Args:
        kind: LINE or BAR.
        periods: each column's label, e.g. "Q4 22/23", as the x axis names it.
        series: the lines or bars, a value (from 0 to ``LARGEST``) or None for each period.
        x_title, y_title: what the axes measure, e.g. "Quarter" and "Number".
        whole: the values are counts: the value axis steps in whole numbers.
        suffix: printed after each value axis label, e.g. "%".
        reasons: why a value is not shown, by how it is printed (e.g. "[c]": "hidden ([c])").
        width, height: of the SVG, in pixels.

    Raises:
        ValueError: a series lacks a value for a period, or has one out of range.
    """
    for row in series:
        if not len(row.values) == len(row.shown) == len(periods):
            raise ValueError(f"{row.label}: a value and its printed form for each period")
        if any(value is not None and not 0 <= value <= LARGEST for value in row.values):
            raise ValueError(f"{row.label}: a figure is from 0 to {LARGEST:,.0f}")
    known = [value for row in series for value in row.values if value is not None]
    top_value, step, decimals = _scale(max(known, default=0), whole=whole)
    tick_values = [step * n for n in range(round(top_value / step) + 1)]
    y_labels = [f"{value:,.{decimals}f}{suffix}" for value in tick_values]
    # Room for the value axis's title (turned on its side) and its widest label.
    left = min(28 + CHAR_WIDTH * max(map(len, y_labels)), width / 3)
    top, right = 12.0, width - 12.0
    slot = (right - left) / max(len(periods), 1)
    xs = [left + slot * (index + 0.5) for index in range(len(periods))]
    # Under the plot: the periods' labels (one line or two), then the axis's title.
    labels = _x_labels(periods, xs, slot, 0.0)
    bottom = height - 32.0 - LINE_HEIGHT - max((label.y for label in labels), default=0)
    x_labels = [Label(label.x, round(bottom + 16 + label.y, 1), label.text) for label in labels]

    def y_of(value: float) -> float:
        return bottom - min(value / top_value, 1.0) * (bottom - top)

    bar_width = slot * 0.8 / max(len(series), 1)
    drawn = []
    for number, row in enumerate(series):
        dash, border = DASHES[number % len(DASHES)] if kind == LINE else DASHES[0]
        markers = [
            Point(round(xs[i], 1), round(y_of(value), 1), periods[i], row.shown[i])
            for i, value in enumerate(row.values)
            if value is not None
        ]
        bars = [
            Bar(
                x=round(xs[i] - slot * 0.4 + bar_width * number, 1),
                y=round(y_of(value), 1),
                width=round(bar_width, 1),
                height=round(bottom - y_of(value), 1),
                label=periods[i],
                value=row.shown[i],
            )
            for i, value in enumerate(row.values)
            if value is not None
        ]
        segments = [
            " ".join(f"{xs[i]:.1f},{y_of(row.values[i] or 0):.1f}" for i in run)
            for run in known_runs(row.values)
            if len(run) > 1
        ]
        drawn.append(
            DrawnSeries(
                label=row.label,
                colour=PALETTE[number % len(PALETTE)],
                dash=dash,
                border=border,
                segments=segments if kind == LINE else [],
                markers=markers if kind == LINE else [],
                bars=bars if kind == BAR else [],
            )
        )
    hidden = _hidden_sentences(series, periods, reasons or {})
    summary = _summary(kind, periods, series, y_title)
    return SeriesChart(
        kind=kind,
        width=width,
        height=height,
        left=round(left, 1),
        top=top,
        right=right,
        bottom=bottom,
        x_title=x_title,
        y_title=y_title,
        x_ticks=[round(x, 1) for x in xs],
        x_labels=x_labels,
        y_ticks=[
            (round(y_of(value), 1), label)
            for value, label in zip(tick_values, y_labels, strict=True)
        ],
        series=drawn,
        hidden=hidden,
        summary=summary,
        description=_description(summary, periods, series),
    )


def _summary(kind: str, periods: Sequence[str], series: Sequence[Series], y_title: str) -> str:
    listed = _listed([row.label for row in series])
    span = f"{periods[0]} to {periods[-1]}" if periods else "no periods"
    return f"{kind.capitalize()} chart of {listed or 'nothing'}, {span} ({y_title.lower()})."


def _description(summary: str, periods: Sequence[str], series: Sequence[Series]) -> str:
    """The summary, then every value as printed."""
    values = [
        f"{row.label}: "
        + ", ".join(f"{label} {shown}" for label, shown in zip(periods, row.shown, strict=True))
        + "."
        for row in series
    ]
    return " ".join([summary, *values])
