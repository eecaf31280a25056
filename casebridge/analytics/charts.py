"""Trend lines as SVG geometry for the dashboard's templates: a small one beside each figure,
and a larger one with axes on an indicator's page. Gaps (suppressed or undefined values)
break the line rather than dropping to nought."""

from collections.abc import Sequence
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
    segments: list[str] = []
    points: list[Point] = []
    run: list[str] = []
    for index, value in enumerate(values):
        x = margin + index * step
        if value is None:
            segments += [" ".join(run)] if run else []
            run = []
            continue
        y = baseline - value / top * (height - 2 * margin)
        run.append(f"{x:.1f},{y:.1f}")
        points.append(Point(round(x, 1), round(y, 1), labels[index], shown[index]))
    segments += [" ".join(run)] if run else []
    ticks = [(round(margin + index * step, 1), label) for index, label in enumerate(labels)]
    top_label = f"{top:,.1f}".removesuffix(".0")
    return TrendChart(width, height, segments, points, ticks, top_label, baseline)
