"""The text box and date components written in Python give the templates' markup, byte for byte."""

import pytest
from django.template.loader import render_to_string

from casebridge.people.forms import PersonSearchForm
from casebridge.ui.templatetags.govuk import date_input, text_input

FORMS = {
    "empty": PersonSearchForm(),
    "typed": PersonSearchForm(
        {
            "family_name": "O'Brien <b>& Sons</b>",
            "given_name": 'Ann "Nan"',
            "date_of_birth_day": "27",
            "date_of_birth_month": "3",
            "date_of_birth_year": "1985",
        }
    ),
    "refused": PersonSearchForm(
        {
            "family_name": "",
            "given_name": "x" * 101,
            "date_of_birth_day": "31",
            "date_of_birth_month": "2",
            "date_of_birth_year": "<1985>",
        }
    ),
    "a date part missing": PersonSearchForm(
        {"family_name": "Smith", "date_of_birth_day": "4", "date_of_birth_year": "1990"}
    ),
}


@pytest.mark.parametrize("state", FORMS)
@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("family_name", {"width": "govuk-input--width-20", "autocomplete": "off"}),
        ("given_name", {"width": "govuk-input--width-20", "autocomplete": "off"}),
        ("given_name", {}),
    ],
)
def test_text_input_is_the_templates_markup(state: str, name: str, options: dict[str, str]):
    form = FORMS[state]
    if form.is_bound:
        form.is_valid()  # the errors, as a view would have them
    field = form[name]

    assert text_input(field, **options) == render_to_string(
        "components/input.html", {"field": field, **options}
    )


@pytest.mark.parametrize("state", FORMS)
def test_date_input_is_the_templates_markup(state: str):
    form = FORMS[state]
    if form.is_bound:
        form.is_valid()
    field = form["date_of_birth"]

    assert date_input(field) == render_to_string("components/date.html", {"field": field})


def test_the_refused_form_shows_its_errors():
    form = FORMS["refused"]
    form.is_valid()

    assert "govuk-form-group--error" in text_input(form["family_name"])
    assert "govuk-input--error" in date_input(form["date_of_birth"])
