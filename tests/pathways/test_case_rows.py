"""A case's timeline shows what was typed as text, never run as markup; its people are listed
as the template listed them."""

import uuid
from datetime import UTC, datetime

import pytest
from django.template import Context, Template

from casebridge.pathways.models import CaseEvent, CasePerson
from casebridge.pathways.selectors import _attach_names
from casebridge.pathways.templatetags.case_rows import case_people_list, case_timeline_rows
from casebridge.people.models import Person, PersonName


def test_a_note_typed_with_markup_is_shown_as_text():
    event = CaseEvent(
        occurred_at=datetime(2022, 7, 1, 9, 5, tzinfo=UTC),
        kind=CaseEvent.Kind.NOTE,
        text='<img src=x onerror="alert(1)"> & more',
    )
    row = case_timeline_rows([event])
    assert "Note: &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; more" in row
    assert "1 Jul 2022 10:05" in row  # London's summer time, as the date filter writes it
    assert "<img" not in row


# The case page's other people as its template wrote them, before ``case_people_list``.
PEOPLE_TEMPLATE = Template(
    '{% load govuk %}{% if people %}<ul class="govuk-list">{% for link in people %}<li>'
    '{{ link.get_role_display }}: <a class="govuk-link" href="{% url \'people:detail\' '
    'person_id=link.person_id %}">{{ link.person.primary_name.full_name|default:"(no name)" }}'
    "</a></li>{% endfor %}</ul>{% else %}None recorded{% endif %}"
)


def _person(*names: PersonName) -> Person:
    person = Person(id=uuid.uuid4())
    for name in names:
        name.person_id = person.pk
    _attach_names([person], list(names))  # as the case page's statement leaves them
    return person


@pytest.mark.parametrize(
    "people",
    [
        [],
        [
            CasePerson(
                person=_person(
                    PersonName(kind="alias", given_name="Al", family_name="Ias"),
                    PersonName(kind="primary", given_name="<b>Jo</b>", family_name="O'Neill & Co"),
                ),
                role=CasePerson.Role.PERPETRATOR,
            ),
            CasePerson(person=_person(), role=CasePerson.Role.CHILD),  # no name
            CasePerson(
                person=_person(PersonName(kind="alias", given_name="Only", family_name="Alias")),
                role=CasePerson.Role.OTHER,
            ),
        ],
    ],
)
def test_the_people_are_listed_as_their_template_listed_them(people):
    for link in people:
        link.person_id = link.person.pk
    expected = PEOPLE_TEMPLATE.render(Context({"people": people}))
    assert case_people_list(people) == expected
