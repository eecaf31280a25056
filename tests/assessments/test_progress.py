"""The progress page of a staged instrument: each area at each stage, and who gets a 404."""

import html
import re
import uuid

import pytest
from django.urls import reverse

from casebridge.assessments.services import assessment_complete
from casebridge.audit.models import AuditEvent
from tests.assessments.test_stages import AREAS, MEASURE
from tests.world import make_world

DASH = "\N{EN DASH}"  # a stage not scored yet

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]


@pytest.fixture
def world():
    return make_world()


def score(world, stage, value, **answers):
    return assessment_complete(
        actor=world.practitioner_a,
        person=world.person,
        instrument_code=MEASURE,
        answers={area: value for area in AREAS} | answers,
        stage=stage,
        case=world.case,
    )


def progress_url(person_id, instrument=MEASURE) -> str:
    return reverse("assessments:progress", args=[person_id, instrument])


def cells(content: str, area: str) -> list[str]:
    row = re.search(rf'<tr class="govuk-table__row" data-area="{area}">(.*?)</tr>', content, re.S)
    assert row, area
    found = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>|Not scored", "", cell)).strip() for cell in found]


def test_the_table_shows_each_area_at_each_stage_and_the_change(world, signed_in_client):
    score(world, "assessment", 3, accountability=2)
    score(world, "midway", 5, accountability=2, personal_wellbeing=4)
    score(world, "completion", 7, accountability=3, safe_reactions=9, personal_wellbeing=2)
    response = signed_in_client(world.practitioner_a).get(progress_url(world.person.pk))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Progress: Perpetrator programme outcome measure" in content
    assert ">At assessment<" in content and ">Midway<" in content and ">At completion<" in content
    assert cells(content, "accountability") == ["2", "2", "3", "+1"]
    assert cells(content, "safe_reactions") == ["3", "5", "9", "+6"]
    assert cells(content, "thinking_and_attitudes") == ["3", "5", "7", "+4"]
    assert cells(content, "personal_wellbeing") == ["3", "4", "2", "\N{MINUS SIGN}1"]
    viewed = AuditEvent.objects.filter(action="view", object_id=str(world.person.pk))
    entry = viewed.latest("sequence")
    assert entry.summary == "Viewed progress on Perpetrator programme outcome measure"


def test_stages_not_yet_scored_show_a_dash_and_no_change(world, signed_in_client):
    score(world, "assessment", 4)
    content = signed_in_client(world.practitioner_a).get(progress_url(world.person.pk))
    assert cells(content.content.decode(), "communication_style") == ["4", DASH, DASH, DASH]


def test_nothing_scored_says_so(world, signed_in_client):
    content = signed_in_client(world.practitioner_a).get(progress_url(world.person.pk))
    assert "has been completed at any of its stages" in content.content.decode()


def test_the_person_and_assessment_pages_link_to_it(world, signed_in_client):
    midway = score(world, "midway", 5)
    client = signed_in_client(world.practitioner_a)
    person_page = client.get(reverse("people:detail", args=[world.person.pk])).content.decode()
    assert progress_url(world.person.pk) in person_page and ": midway" in person_page
    detail = client.get(reverse("assessments:detail", args=[midway.pk])).content.decode()
    assert progress_url(world.person.pk) in detail


def test_another_agencys_user_gets_a_404(world, signed_in_client):
    score(world, "assessment", 3)
    response = signed_in_client(world.practitioner_b).get(progress_url(world.person.pk))
    assert response.status_code == 404
    assert "Canarysdottir" not in response.content.decode()


def test_a_guessed_id_an_unknown_or_unstaged_instrument_gets_a_404(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    assert client.get(progress_url(uuid.uuid4())).status_code == 404
    assert client.get(progress_url(world.person.pk, "no-such-measure")).status_code == 404
    assert client.get(progress_url(world.person.pk, "da-risk-checklist")).status_code == 404
