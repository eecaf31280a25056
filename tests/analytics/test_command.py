"""`casebridge indicators`: the figures as JSON or CSV, for other systems to read."""

import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.analytics.fixtures import at, marac_referral
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("indicators", *args, stdout=out)
    return out.getvalue()


def test_json_gives_each_figure_with_its_parts_and_the_snapshot_time():
    marac_referral(at(2022, 5, 1), repeat=True)
    marac_referral(at(2022, 5, 2))
    document = json.loads(run("--period", "Q1 22/23", "--indicator", "marac-repeat-rate"))
    (figure,) = document["figures"]
    assert figure | {"title": None} == {
        "indicator": "marac-repeat-rate",
        "title": None,
        "unit": "percent",
        "period": "Q1 22/23",
        "value": 50.0,
        "numerator": 1,
        "denominator": 2,
        "known_once_records_reach": None,
    }
    assert document["snapshot_taken_at"]


def test_csv_gives_four_quarters_for_a_board_report():
    marac_referral(at(2022, 1, 5))
    rows = list(
        csv.DictReader(
            StringIO(
                run(
                    "--period",
                    "Q2 22/23",
                    "--quarters",
                    "4",
                    "--format",
                    "csv",
                    "--indicator",
                    "marac-referrals",
                )
            )
        )
    )
    assert [(row["period"], row["value"]) for row in rows] == [
        ("Q3 21/22", "0"),
        ("Q4 21/22", "1"),
        ("Q1 22/23", "0"),
        ("Q2 22/23", "0"),
    ]


@pytest.mark.parametrize(
    "args", [("--period", "Q5 22/23"), ("--period", "22/23", "--indicator", "no-such-figure")]
)
def test_a_bad_period_or_indicator_is_refused(args):
    with pytest.raises(CommandError):
        run(*args)


def test_a_breakdown_gives_a_figure_per_category_with_its_category():
    police, council = AgencyFactory(kind="police"), AgencyFactory(kind="council")
    for referrer in (police, police, council):
        marac_referral(at(2022, 5, 1), referrer=referrer)
    args = ("--period", "Q1 22/23", "--breakdown", "referring_agency_kind", "--format", "csv")
    rows = list(csv.DictReader(StringIO(run(*args, "--indicator", "marac-referrals"))))
    assert [(row["category"], row["value"]) for row in rows] == [("council", "1"), ("police", "2")]
    document = json.loads(run("--period", "Q1 22/23", "--breakdown", "referring_agency_kind"))
    assert {figure["indicator"] for figure in document["figures"]} == {"marac-referrals"}


@pytest.mark.parametrize(
    "args",
    [
        ("--breakdown", "route", "--indicator", "marac-referrals"),
        ("--breakdown", "no_such_column"),
    ],
)
def test_an_undeclared_breakdown_is_refused(args):
    with pytest.raises(CommandError, match=r"route|no_such_column"):
        run("--period", "Q1 22/23", *args)


def test_a_figure_not_yet_known_says_when_it_will_be_rather_than_giving_nought():
    document = json.loads(run("--period", "Q1 22/23", "--indicator", "yj-reoffending-binary-rate"))
    (figure,) = document["figures"]
    assert (figure["value"], figure["numerator"]) == (None, None)
    assert figure["known_once_records_reach"] == "2023-12-30"
