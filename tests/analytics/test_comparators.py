"""Other areas' published figures: read whole, with where they came from, or refused whole;
and set beside ours like for like."""

import pytest

from casebridge.analytics.comparators import (
    DEFAULT_COMPARATORS,
    comparable,
    read_comparators,
)
from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.core.errors import ApplicationError

HEADER = "indicator,family,area,period,starts_on,ends_on,value,source,published_on\n"
KNOWN = {"yj-reoffending-binary-rate"}
COHORT_20_21 = "Apr 2020 to Mar 2021,2020-04-01,2021-03-31"
COHORT_19_20 = "Apr 2019 to Mar 2020,2019-04-01,2020-03-31"


def _file(tmp_path, *lines):
    path = tmp_path / "comparators.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_each_figure_keeps_its_source_and_publication_date(tmp_path):
    path = _file(
        tmp_path, f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_20_21},24.6,YJB,2022-11-04"
    )
    (figure,) = read_comparators(path, known_indicators=KNOWN)
    assert (figure.area, figure.value, figure.source) == ("Reading", 24.6, "YJB")
    assert figure.published_on.isoformat() == "2022-11-04"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (f"yj-unknown,YJ family,Reading,{COHORT_20_21},24.6,YJB,2022-11-04", "no indicator"),
        (
            f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_20_21},about 25,YJB,2022-11-04",
            "not a number",
        ),
        (
            f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_20_21},24.6,,2022-11-04",
            "source is empty",
        ),
        (
            f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_20_21},24.6,YJB,4/11/2022",
            "published_on '4/11/2022' is not a date",
        ),
        (
            "yj-reoffending-binary-rate,YJ family,Reading,2020/21,,2021-03-31,24.6,YJB,2022-11-04",
            "starts_on '' is not a date",
        ),
        (
            "yj-reoffending-binary-rate,YJ family,Reading,2020/21,2021-03-31,2020-04-01,24.6,YJB,"
            "2022-11-04",
            "ends .* before it starts",
        ),
    ],
)
def test_a_wrong_line_refuses_the_whole_file_naming_the_line(tmp_path, line, problem):
    good = f"yj-reoffending-binary-rate,YJ family,Bromley,{COHORT_20_21},27.3,YJB,2022-11-04"
    path = _file(tmp_path, good, line)
    with pytest.raises(ApplicationError, match=f"line 3: .*{problem}"):
        read_comparators(path, known_indicators=KNOWN)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "comparators.csv"
    path.write_text("indicator,area,value\n", encoding="utf-8")
    with pytest.raises(ApplicationError, match="family, period, starts_on, ends_on, source"):
        read_comparators(path, known_indicators=KNOWN)


def test_the_shipped_family_is_the_source_reports(tmp_path):
    figures = read_comparators(
        DEFAULT_COMPARATORS, known_indicators={"yj-reoffending-binary-rate", "yj-fte-per-100000"}
    )
    family = {f.area: f.value for f in figures if f.indicator == "yj-reoffending-binary-rate"}
    assert len(family) == 10 and family["Kingston and Richmond"] == 32.7


def _family(tmp_path, *lines):
    return read_comparators(_file(tmp_path, *lines), known_indicators=KNOWN)


def _ours(*labels):
    return [parse_period(label) for label in labels]


def test_theirs_are_set_beside_our_figure_for_the_same_period(tmp_path):
    figures = _family(
        tmp_path,
        f"yj-reoffending-binary-rate,YJ family,Bromley,{COHORT_20_21},27.3,YJB,2022-11-04",
        f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_20_21},24.6,YJB,2022-11-04",
        f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_19_20},29.0,YJB,2021-11-04",
    )
    ours = _ours("12m to 2020-12", "12m to 2021-03", "12m to 2021-06")  # our latest is later
    found = comparable(
        figures, indicator="yj-reoffending-binary-rate", family="YJ family", ours=ours
    )
    assert found.period.label == "12m to 2021-03"  # theirs are for April 2020 to March 2021
    assert [(f.area, f.value) for f in found.others] == [("Reading", 24.6), ("Bromley", 27.3)]
    assert found.note == ""


def test_an_area_with_no_figure_for_our_period_is_named_not_shown_for_another(tmp_path):
    figures = _family(
        tmp_path,
        f"yj-reoffending-binary-rate,YJ family,Bromley,{COHORT_20_21},27.3,YJB,2022-11-04",
        f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_19_20},29.0,YJB,2021-11-04",
    )
    ours = _ours("12m to 2021-03")
    found = comparable(
        figures, indicator="yj-reoffending-binary-rate", family="YJ family", ours=ours
    )
    assert [f.area for f in found.others] == ["Bromley"]
    assert found.note == "Not shown: Reading, which published no figure for Apr 2020 to Mar 2021."


def test_when_none_is_for_a_period_of_ours_the_comparison_says_which_periods_are_compared(
    tmp_path,
):
    figures = _family(
        tmp_path,
        f"yj-reoffending-binary-rate,YJ family,Bromley,{COHORT_19_20},30.1,YJB,2021-11-04",
        f"yj-reoffending-binary-rate,YJ family,Bromley,{COHORT_20_21},27.3,YJB,2022-11-04",
        f"yj-reoffending-binary-rate,YJ family,Reading,{COHORT_19_20},29.0,YJB,2021-11-04",
    )
    ours = _ours("12m to 2021-06", "12m to 2021-09")
    found = comparable(
        figures, indicator="yj-reoffending-binary-rate", family="YJ family", ours=ours
    )
    assert found.period.label == "12m to 2021-09"
    assert [(f.area, f.period) for f in found.others] == [
        ("Bromley", "Apr 2020 to Mar 2021"),  # each area's latest
        ("Reading", "Apr 2019 to Mar 2020"),
    ]
    assert found.note == (
        "Not like for like: our figure is for Oct 2020 to Sep 2021, the other areas' for "
        "Apr 2019 to Mar 2020 and Apr 2020 to Mar 2021 (the latest they published)."
    )


def test_without_a_figure_of_ours_there_is_nothing_to_compare(tmp_path):
    with pytest.raises(ValueError, match="no figure of ours"):
        comparable([], indicator="yj-reoffending-binary-rate", family="YJ family", ours=[])


@pytest.mark.parametrize(
    ("indicator", "quarter", "period"),
    [
        ("yj-reoffending-binary-rate", "Q4 22/23", "12m to 2021-03"),
        ("yj-fte-per-100000", "Q4 22/23", "12m to 2022-09"),
        ("yj-fte-per-100000", "Q2 22/23", "12m to 2022-09"),
    ],
)
def test_the_shipped_family_meets_the_boards_columns_like_for_like(indicator, quarter, period):
    """The report's columns for a quarter (the indicator's basis) include the period the
    family's figures were published for, so the board sees the same period side by side."""
    figures = read_comparators(DEFAULT_COMPARATORS, known_indicators=set(registry()))
    ours = registry()[indicator].basis.columns(parse_period(quarter), 4)
    found = comparable(figures, indicator=indicator, family="Youth justice family", ours=ours)
    assert (found.period.label, found.note) == (period, "")
    assert found.others
