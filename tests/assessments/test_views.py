"""The assessment pages: completing one, reading one, and who gets a 404."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from casebridge.assessments.models import Assessment
from casebridge.audit.models import AuditEvent
from tests.assessments.factories import CHECKLIST, AssessmentFactory, answers_with
from tests.world import make_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("instruments")]


@pytest.fixture
def world():
    return make_world()


def new_url(world) -> str:
    return reverse("assessments:new", args=[world.person.pk, CHECKLIST])


def dated(day: date) -> dict:
    return {
        "assessed_at_day": day.day,
        "assessed_at_month": day.month,
        "assessed_at_year": day.year,
    }


def form_data(yes: int, **extra) -> dict:
    answers = {f"answer_{code}": value for code, value in answers_with(yes).items()}
    return answers | dated(timezone.localdate()) | extra


def test_the_form_shows_every_question_as_yes_no_not_known_radios(world, signed_in_client):
    content = signed_in_client(world.practitioner_a).get(new_url(world)).content.decode()
    assert content.count('type="radio"') == 27 * 3
    assert "1. Were you physically hurt in what happened this time?" in content
    assert 'name="answer_strangulation" type="radio" value="not_known"' in content
    assert "Raise the risk level on professional judgement" in content
    assert "<details" in content and '<details class="govuk-details" open' not in content


def test_a_complete_form_saves_and_shows_the_assessment(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    response = client.post(new_url(world), form_data(14, case=str(world.case.pk)))
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:detail", args=[assessment.pk])
    assert (assessment.score, assessment.final_band, assessment.case) == (14, "high", world.case)
    content = client.get(response["Location"]).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">High risk</strong>' in content
    assert "14 (out of 27)" in content
    assert "Domestic abuse risk checklist, version 1" in content
    assert "Visible high risk" in content  # the MARAC criterion label, from the pathway
    assert world.practitioner_a.display_name in content


def test_missing_answers_are_shown_per_question_and_typed_answers_kept(world, signed_in_client):
    data = form_data(12)
    del data["answer_separation"], data["answer_weapon"]
    response = signed_in_client(world.practitioner_a).post(new_url(world), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Select yes, no or not known for question 6" in content
    assert "Select yes, no or not known for question 15" in content
    assert 'href="#id_answer_separation_0"' in content  # the error summary points at it
    assert re.search(r'name="answer_current_injury" type="radio" value="yes" checked', content)
    assert re.search(r'name="answer_criminal_history" type="radio" value="no" checked', content)
    assert not Assessment.objects.exists()


def test_lowering_on_judgement_is_refused_on_the_form_with_the_reason_kept(world, signed_in_client):
    data = form_data(14, judgement_band="medium", judgement_reason="She says it is calmer now.")
    content = signed_in_client(world.practitioner_a).post(new_url(world), data).content.decode()
    assert "can only raise the risk level" in content
    assert 'href="#id_judgement_band"' in content
    assert '<details class="govuk-details" open>' in content
    assert 'value="medium" selected' in content
    assert "She says it is calmer now.</textarea>" in content
    assert not Assessment.objects.exists()


def test_raising_on_judgement_from_the_form(world, signed_in_client):
    data = form_data(4, judgement_band="high", judgement_reason="Recent threats with a knife.")
    response = signed_in_client(world.practitioner_a).post(new_url(world), data)
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert (assessment.computed_band, assessment.final_band) == ("standard", "high")


# --- the date of the assessment -------------------------------------------------------------


def test_the_date_of_the_assessment_is_offered_and_defaults_to_today(world, signed_in_client):
    content = signed_in_client(world.practitioner_a).get(new_url(world)).content.decode()
    today = timezone.localdate()
    assert "Date of the assessment" in content
    assert f'name="assessed_at_day" type="text" inputmode="numeric" value="{today.day}"' in content
    assert (
        f'name="assessed_at_year" type="text" inputmode="numeric" value="{today.year}"' in content
    )


def test_an_assessment_dated_today_is_stamped_with_the_time_it_is_saved(world, signed_in_client):
    before = timezone.now()
    signed_in_client(world.practitioner_a).post(new_url(world), form_data(3))
    assert before <= Assessment.objects.get().assessed_at <= timezone.now()


def test_an_earlier_date_is_kept_as_the_start_of_that_day(world, signed_in_client):
    day = timezone.localdate() - timedelta(days=12)
    client = signed_in_client(world.practitioner_a)
    response = client.post(new_url(world), form_data(3) | dated(day))
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert assessment.assessed_at == timezone.make_aware(datetime.combine(day, time.min))
    content = client.get(response["Location"]).content.decode()
    assert f"{day.day} {day:%B %Y}" in content


def test_a_future_date_is_refused_on_the_field_with_what_was_typed_kept(world, signed_in_client):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = form_data(14, judgement_reason="") | dated(tomorrow)
    response = signed_in_client(world.practitioner_a).post(new_url(world), data)
    content = response.content.decode()
    assert "The date of the assessment must be today or in the past" in content
    assert 'href="#id_assessed_at_day"' in content  # the error summary points at the day box
    assert 'id="id_assessed_at-error"' in content
    assert (
        f'name="assessed_at_day" type="text" inputmode="numeric" value="{tomorrow.day}"' in content
    )
    assert re.search(r'name="answer_current_injury" type="radio" value="yes" checked', content)
    assert not Assessment.objects.exists()


def test_a_date_before_the_person_was_born_is_refused(world, signed_in_client):
    data = form_data(3) | dated(date(1989, 1, 2))  # born 17 May 1990
    content = signed_in_client(world.practitioner_a).post(new_url(world), data).content.decode()
    assert "on or after the person&#x27;s date of birth (17 May 1990)" in content
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"assessed_at_day": "", "assessed_at_month": "", "assessed_at_year": ""}, "Enter date"),
        ({"assessed_at_day": "31", "assessed_at_month": "2"}, "must be a real date"),
        ({"assessed_at_month": ""}, "must include a day, month and year"),
    ],
)
def test_a_missing_or_impossible_date_is_refused(world, signed_in_client, parts, message):
    content = (
        signed_in_client(world.practitioner_a)
        .post(new_url(world), form_data(3) | parts)
        .content.decode()
    )
    assert message in content
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("page", ["new", "detail"])
def test_another_agency_gets_404_and_a_denied_entry(world, signed_in_client, page):
    assessment = AssessmentFactory(person=world.person)
    url = new_url(world) if page == "new" else reverse("assessments:detail", args=[assessment.pk])
    client = signed_in_client(world.practitioner_b)
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(14)).status_code == 404
    denied = AuditEvent.objects.filter(actor=world.practitioner_b, action="denied")
    assert denied.count() == 2
    assert Assessment.objects.count() == 1


def test_an_unknown_instrument_is_404(world, signed_in_client):
    url = reverse("assessments:new", args=[world.person.pk, "no-such-instrument"])
    assert signed_in_client(world.practitioner_a).get(url).status_code == 404


def test_signed_out_users_are_sent_to_sign_in(world):
    assert Client().get(new_url(world)).status_code == 302


def test_each_page_view_is_audited(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    assessment = AssessmentFactory(person=world.person)
    client.get(new_url(world))
    client.get(reverse("assessments:detail", args=[assessment.pk]))
    views = AuditEvent.objects.filter(actor=world.practitioner_a, action="view")
    assert views.filter(object_type="person", object_id=str(world.person.pk)).count() == 1
    assert views.filter(object_type="assessment", object_id=str(assessment.pk)).count() == 1


def test_the_person_page_lists_assessments_and_offers_a_new_one(world, signed_in_client):
    assessment = AssessmentFactory(person=world.person, yes=11)
    content = (
        signed_in_client(world.practitioner_a)
        .get(reverse("people:detail", args=[world.person.pk]))
        .content.decode()
    )
    assert "Risk assessments" in content
    assert reverse("assessments:detail", args=[assessment.pk]) in content
    assert '<strong class="govuk-tag govuk-tag--yellow">Medium risk</strong>' in content
    assert new_url(world) in content and "Complete a risk assessment" in content


# The rows these pages need in tests/web/test_matrix.py (that file is shared; until they are
# added there, this holds the same table for these two pages).
#            anon  pracA pracB coord audit mgr
MATRIX = {
    "assessments:new": (302, 200, 404, 200, 404, 404),
    "assessments:detail": (302, 200, 404, 200, 404, 404),
}
ROLES = ["anonymous", "practitioner_a", "practitioner_b", "panel_coordinator", "auditor", "manager"]


@pytest.mark.parametrize("url_name", sorted(MATRIX))
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_authorisation_matrix_for_assessment_pages(url_name, role_index, signed_in_client):
    world = make_world()
    assessment = AssessmentFactory(person=world.person)
    url = (
        new_url(world) if url_name == "assessments:new" else reverse(url_name, args=[assessment.pk])
    )
    role_name = ROLES[role_index]
    client = Client() if role_name == "anonymous" else signed_in_client(world.users()[role_name])
    assert client.get(url).status_code == MATRIX[url_name][role_index], (url_name, role_name)
