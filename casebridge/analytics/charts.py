"""Trend lines as SVG geometry for the dashboard's templates: a small one beside each figure,
and a larger one with axes on an indicator's page. Gaps (suppressed or undefined values)
break the line rather than dropping to nought. The board report's charts, with axes, legend and
several series, are ``series_charts``."""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: str


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    segments: list[str]  # SVG polyline "points" attributes, one per unbroken run
    points: list[Point]
    ticks: list[tuple[float, str]]  # x position and label of each period
    top: str  # the value at the top of the scale
    baseline: float  # y of nought


def known_runs(values: Sequence[float | None]) -> Iterator[list[int]]:
    """The indexes of each unbroken run of known values."""
    run: list[int] = []
    for index, value in enumerate(values):
        if value is None:
            if run:
                yield run
            run = []
        else:
            run.append(index)
    if run:
        yield run


def trend_chart(
    values: Sequence[float | None],
    *,
    labels: Sequence[str],
    shown: Sequence[str],
    width: int = 120,
    height: int = 32,
    margin: int = 4,
) -> TrendChart:
    """Scale ``values`` (oldest first) into a ``width`` x ``height`` box; nought at the bottom.

    ``shown`` is each value as printed, for the points' labels.
    """
    top = max((v for v in values if v is not None), default=0) or 1
    step = (width - 2 * margin) / max(len(values) - 1, 1)
    baseline = height - margin
    xs = [margin + index * step for index in range(len(values))]
    ys = [baseline - (value or 0) / top * (height - 2 * margin) for value in values]
    segments = [" ".join(f"{xs[i]:.1f},{ys[i]:.1f}" for i in run) for run in known_runs(values)]
    points = [
        Point(round(xs[i], 1), round(ys[i], 1), labels[i], shown[i])
        for i, value in enumerate(values)
        if value is not None
    ]
    ticks = [(round(margin + index * step, 1), label) for index, label in enumerate(labels)]
    top_label = f"{top:,.1f}".removesuffix(".0")
    return TrendChart(width, height, segments, points, ticks, top_label, baseline)
