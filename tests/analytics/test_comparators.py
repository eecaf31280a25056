"""Other areas' published figures: read whole, with where they came from, or refused whole."""

import pytest

from casebridge.analytics.comparators import DEFAULT_COMPARATORS, read_comparators
from casebridge.core.errors import ApplicationError

HEADER = "indicator,family,area,period,value,source,published_on\n"
KNOWN = {"yj-reoffending-binary-rate"}


def _file(tmp_path, *lines):
    path = tmp_path / "comparators.csv"
    path.write_text(HEADER + "".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_each_figure_keeps_its_source_and_publication_date(tmp_path):
    path = _file(
        tmp_path, "yj-reoffending-binary-rate,YJ family,Reading,2020/21,24.6,YJB,2022-11-04"
    )
    (figure,) = read_comparators(path, known_indicators=KNOWN)
    assert (figure.area, figure.value, figure.source) == ("Reading", 24.6, "YJB")
    assert figure.published_on.isoformat() == "2022-11-04"


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("yj-unknown,YJ family,Reading,2020/21,24.6,YJB,2022-11-04", "no indicator 'yj-unknown'"),
        (
            "yj-reoffending-binary-rate,YJ family,Reading,2020/21,about 25,YJB,2022-11-04",
            "not a number",
        ),
        (
            "yj-reoffending-binary-rate,YJ family,Reading,2020/21,24.6,,2022-11-04",
            "source is empty",
        ),
        ("yj-reoffending-binary-rate,YJ family,Reading,2020/21,24.6,YJB,4/11/2022", "not a date"),
    ],
)
def test_a_wrong_line_refuses_the_whole_file_naming_the_line(tmp_path, line, problem):
    good = "yj-reoffending-binary-rate,YJ family,Bromley,2020/21,27.3,YJB,2022-11-04"
    path = _file(tmp_path, good, line)
    with pytest.raises(ApplicationError, match=f"line 3: .*{problem}"):
        read_comparators(path, known_indicators=KNOWN)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "comparators.csv"
    path.write_text("indicator,area,value\n", encoding="utf-8")
    with pytest.raises(ApplicationError, match="family, period, source, published_on"):
        read_comparators(path, known_indicators=KNOWN)


def test_the_shipped_family_is_the_source_reports(tmp_path):
    figures = read_comparators(
        DEFAULT_COMPARATORS, known_indicators={"yj-reoffending-binary-rate", "yj-fte-per-100000"}
    )
    family = {f.area: f.value for f in figures if f.indicator == "yj-reoffending-binary-rate"}
    assert len(family) == 10 and family["Kingston and Richmond"] == 32.7
