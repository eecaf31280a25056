"""The board report's line and bar charts: any number of periods, gaps where a value is not
shown (said under the chart), axes labelled, and always valid SVG."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from hypothesis import given, settings
from hypothesis import strategies as st

from casebridge.analytics.series_charts import BAR, LARGEST, LINE, Series, series_chart

SVG = "{http://www.w3.org/2000/svg}"
QUARTERS = ["Q1 21/22", "Q2 21/22", "Q3 21/22", "Q4 21/22", "Q1 22/23", "Q2 22/23", "Q3 22/23"]
REASONS = {"[c]": "hidden ([c]: fewer than 5)", "Not yet known": "not yet known"}


def _series(label, values):
    """Values as the report prints them: None as [c]."""
    shown = ["[c]" if value is None else f"{value:g}" for value in values]
    return Series(label, values, shown)


def _chart(kind, periods, *series, **options):
    return series_chart(
        kind=kind,
        periods=periods,
        series=list(series),
        x_title="Quarter",
        y_title="Number",
        reasons=REASONS,
        **options,
    )


def _svg(chart) -> ET.Element:
    """The chart rendered by its template and parsed: a parse error fails the test. (The
    markup is the template's own, not untrusted input.)"""
    return ET.fromstring(  # noqa: S314
        render_to_string(
            "analytics/components/series_chart.html", {"chart": chart, "title": "T", "id": "c"}
        )
    )


def test_a_line_breaks_at_a_hidden_value_and_a_lone_known_value_is_a_marker():
    chart = _chart(LINE, QUARTERS[:5], _series("Referrals", [10, 12, None, 14, None]))
    (line,) = chart.series
    assert len(line.segments) == 1 and len(line.segments[0].split()) == 2  # Q1 to Q2 only
    assert [marker.label for marker in line.markers] == ["Q1 21/22", "Q2 21/22", "Q4 21/22"]
    assert chart.hidden == ["Referrals: Q3 21/22 and Q1 22/23 hidden ([c]: fewer than 5)."]


def test_the_note_names_runs_of_hidden_periods_and_each_reason():
    shown = ["[c]", "[c]", "[c]", "4", "Not yet known", "Not yet known"]
    series = Series("Reoffending", [None, None, None, 4, None, None], shown)
    chart = _chart(LINE, QUARTERS[:6], series)
    assert chart.hidden == [
        "Reoffending: Q1 21/22 to Q3 21/22 hidden ([c]: fewer than 5); "
        "Q1 22/23 and Q2 22/23 not yet known."
    ]


def test_the_value_axis_starts_at_nought_in_whole_steps_for_counts():
    chart = _chart(BAR, QUARTERS[:4], _series("Referrals", [3, 7, 0, 5]))
    labels = [label for _, label in chart.y_ticks]
    assert labels == ["0", "2", "4", "6", "8"]
    assert chart.y_ticks[0][0] == chart.bottom  # nought on the axis
    assert chart.y_title == "Number" and chart.x_title == "Quarter"


def test_a_percentage_axis_carries_its_unit():
    chart = series_chart(
        kind=LINE,
        periods=QUARTERS[:4],
        series=[_series("Rate", [12.5, 30.0, 45.0, 20.0])],
        x_title="Quarter",
        y_title="Percentage",
        whole=False,
        suffix="%",
    )
    assert [label for _, label in chart.y_ticks] == ["0%", "20%", "40%", "60%"]


def test_a_nought_bar_is_drawn_on_the_axis_and_a_hidden_one_not_at_all():
    chart = _chart(BAR, QUARTERS[:3], _series("SIRMs", [0, None, 6]))
    bars = chart.series[0].bars
    # The 6 is the top of a scale of 0, 2, 4, 6: a bar the full height of the plot.
    full = chart.bottom - chart.top
    assert [(bar.label, bar.height) for bar in bars] == [("Q1 21/22", 0), ("Q3 21/22", full)]
    svg = _svg(chart)
    assert len(svg.findall(f".//{SVG}rect")) == 1  # the 6; the nought is a rule


def test_a_chart_with_every_value_hidden_is_empty_and_says_which():
    chart = _chart(LINE, QUARTERS[:4], _series("A", [None] * 4), _series("B", [None] * 4))
    assert chart.empty
    assert chart.hidden == [
        "A: Q1 21/22 to Q4 21/22 hidden ([c]: fewer than 5).",
        "B: Q1 21/22 to Q4 21/22 hidden ([c]: fewer than 5).",
    ]


def test_eight_quarters_are_labelled_and_a_crowded_axis_splits_or_skips_labels():
    eight = [*QUARTERS, "Q4 22/23"]
    chart = _chart(LINE, eight, _series("Referrals", [1, 2, 3, 4, 5, 6, 7, 8]))
    assert [label.text for label in chart.x_labels] == eight
    narrow = _chart(LINE, eight, _series("Referrals", [1] * 8), width=300)
    assert {label.text for label in narrow.x_labels} <= {"Q1", "Q2", "Q3", "Q4", *eight} | {
        "21/22",
        "22/23",
    }
    assert len(narrow.x_labels) < 16  # some skipped rather than overlapping


def test_the_svg_has_its_title_description_and_every_value_in_words():
    chart = _chart(LINE, QUARTERS[:2], _series("Referrals", [10, None]))
    svg = _svg(chart)
    assert svg.get("role") == "img" and svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "T"
    assert svg.find(f"{SVG}desc").text == (
        "Line chart of Referrals, Q1 21/22 to Q2 21/22 (number). "
        "Referrals: Q1 21/22 10, Q2 21/22 [c]."
    )


@pytest.mark.parametrize("values", [[-1.0, 2.0], [float("nan"), 1.0], [LARGEST * 10, 1.0]])
def test_a_value_no_figure_can_have_is_refused(values):
    with pytest.raises(ValueError):
        _chart(LINE, QUARTERS[:2], _series("Bad", values))


def test_a_series_must_have_a_value_for_each_period():
    with pytest.raises(ValueError):
        _chart(LINE, QUARTERS[:3], _series("Short", [1.0, 2.0]))


# Labels as a definition or a category might spell them, markup characters included.
labels = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cn")),
    min_size=1,
    max_size=30,
)
value = st.one_of(
    st.none(),
    st.just(0.0),
    st.integers(min_value=0, max_value=100_000).map(float),
    st.floats(min_value=0, max_value=LARGEST, allow_nan=False, allow_infinity=False),
)


@st.composite
def charts(draw):
    periods = draw(st.lists(labels, min_size=0, max_size=12))
    rows = draw(st.lists(st.lists(value, min_size=len(periods), max_size=len(periods)), max_size=6))
    hidden_as = st.sampled_from(["[c]", "Not yet known", "-", "<&\"'>"])
    series = [
        Series(
            draw(labels),
            row,
            [draw(hidden_as) if v is None else f"{v:,}" for v in row],
        )
        for row in rows
    ]
    return dict(
        kind=draw(st.sampled_from([LINE, BAR])),
        periods=periods,
        series=series,
        whole=draw(st.booleans()),
        width=draw(st.integers(min_value=120, max_value=1200)),
    )


@settings(max_examples=300, deadline=None)
@given(charts())
def test_any_series_with_any_gaps_draws_valid_svg_inside_its_box(spec):
    chart = series_chart(x_title="Quarter", y_title="Number", reasons=REASONS, **spec)
    svg = _svg(chart)
    known = sum(v is not None for s in spec["series"] for v in s.values)
    assert chart.empty == (known == 0)
    for drawn in chart.series:
        points = drawn.markers or drawn.bars
        for point in points:
            assert chart.left <= point.x <= chart.right and chart.top <= point.y <= chart.bottom
        for segment in drawn.segments:
            assert len(segment.split()) >= 2  # a polyline of one point is never drawn
    assert chart.y_ticks[0][1].startswith("0")
    hidden = sum(v is None for s in spec["series"] for v in s.values)
    assert bool(chart.hidden) == bool(hidden)
    assert svg.tag == f"{SVG}svg" and svg.find(f"{SVG}desc").text == chart.description
