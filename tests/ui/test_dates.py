"""Dates on long lists read exactly as Django's ``date`` filter writes them: the day, month
and time a practitioner reads must not change with how the page was written."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Context, Template

from casebridge.ui.dates import date_text

FORMATS = ["j M Y H:i", "j F Y", "j M Y", "d/m/y", "Y-m-d H:i", "\\Wee\\k j", "l j F Y"]


def _as_a_template_writes_it(value: date | datetime, format_string: str) -> str:
    return Template("{{ value|date:format }}").render(
        Context({"value": value, "format": format_string}, autoescape=False)
    )


# Every month, both sides of both clock changes in London, midnight and the last minute.
MOMENTS = [
    *(
        datetime(2022, month, day, hour, minute, tzinfo=UTC)
        for month in range(1, 13)
        for day, hour, minute in [(1, 0, 0), (9, 23, 59)]
    ),
    *(datetime(2023, 3, 26, 0, 30, tzinfo=UTC) + timedelta(minutes=30 * n) for n in range(4)),
    *(datetime(2023, 10, 29, 0, 30, tzinfo=UTC) + timedelta(minutes=30 * n) for n in range(4)),
]


@pytest.mark.parametrize("format_string", FORMATS)
def test_a_time_reads_as_the_date_filter_writes_it_in_local_time(format_string):
    for moment in MOMENTS:
        assert date_text(moment, format_string) == _as_a_template_writes_it(moment, format_string)


@pytest.mark.parametrize("format_string", ["j F Y", "j M Y", "d/m/y"])
def test_a_date_reads_as_the_date_filter_writes_it(format_string):
    for day in [date(1931, 2, 3), date(2004, 12, 25), date(2024, 2, 29)]:
        assert date_text(day, format_string) == _as_a_template_writes_it(day, format_string)


def test_no_date_is_written_as_nothing():
    assert date_text(None, "j F Y") == ""


def test_a_value_a_page_does_not_have_is_written_as_nothing():
    page = Template('{% load govuk %}[{{ missing.decided_on|day:"j M Y" }}]')
    assert page.render(Context({})) == "[]"
