"""The GP programme and training pages: who gets them, what they write, what they re-show."""

import uuid
from datetime import date

import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.training.models import Engagement, GPSurgery, SessionAttendance, TrainingSession
from casebridge.training.services import surgery_status_change
from tests.training.factories import CourseFactory, GPSurgeryFactory, TrainingSessionFactory

pytestmark = pytest.mark.django_db


def _date(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def test_a_coordinator_lists_a_surgery_and_is_taken_to_its_page(team, signed_in_client):
    client = signed_in_client(team.coordinator)
    response = client.post(
        reverse("training:surgery_create"),
        {"name": "Station Road Surgery", "practice_code": "e83001", "agency": team.health.pk}
        | _date("known_from", date(2021, 4, 1)),
    )
    surgery = GPSurgery.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("training:surgery_detail", args=[surgery.pk])
    page = client.get(response.url).content.decode()
    assert "Station Road Surgery" in page and "Not engaged" in page
    assert "North Primary Care Network" in page


def test_a_refused_surgery_re_shows_what_was_typed(team, signed_in_client):
    GPSurgeryFactory(practice_code="E83001")
    response = signed_in_client(team.analyst).post(
        reverse("training:surgery_create"),
        {"name": "Typed Name Surgery", "practice_code": "E83001"}
        | _date("known_from", date(2021, 4, 1)),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "already listed" in page
    assert 'value="Typed Name Surgery"' in page and 'value="2021"' in page


def test_a_status_change_before_the_previous_one_is_refused_on_the_page(team, signed_in_client):
    surgery = GPSurgeryFactory()
    surgery_status_change(
        actor=team.analyst,
        surgery=surgery,
        status=Engagement.ENGAGED,
        effective_on=date(2022, 1, 10),
    )
    url = reverse("training:surgery_status", args=[surgery.pk])
    client = signed_in_client(team.coordinator)
    response = client.post(
        url,
        {"status": "fully_trained", "note": "All clinicians trained"}
        | _date("effective_on", date(2022, 1, 9)),
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "on or after 10 January 2022" in page and "All clinicians trained" in page
    response = client.post(
        url, {"status": "fully_trained"} | _date("effective_on", date(2022, 2, 1))
    )
    assert response.status_code == 302
    assert surgery.status_changes.count() == 3


def test_referrals_are_recorded_from_the_surgery_page(team, signed_in_client):
    surgery = GPSurgeryFactory()
    surgery_status_change(
        actor=team.analyst, surgery=surgery, status="engaged", effective_on=date(2022, 1, 10)
    )
    client = signed_in_client(team.analyst)
    url = reverse("training:referral_record", args=[surgery.pk])
    refused = client.post(url, {"count": "0"} | _date("referred_on", date(2022, 3, 1)))
    assert refused.status_code == 400 and 'value="0"' in refused.content.decode()
    assert (
        client.post(url, {"count": "2"} | _date("referred_on", date(2022, 3, 1))).status_code == 302
    )
    assert surgery.referrals.get().count == 2


def test_a_session_is_recorded_then_attendance_added_and_a_negative_count_refused(
    team, signed_in_client
):
    course = CourseFactory(title="MARAC: identifying high risk")
    client = signed_in_client(team.coordinator)
    missing_course = client.post(
        reverse("training:session_create"),
        {"trainer": "MARAC coordinator"} | _date("delivered_on", date(2022, 9, 1)),
    )
    assert missing_course.status_code == 400
    assert "Select the course" in missing_course.content.decode()
    assert 'value="MARAC coordinator"' in missing_course.content.decode()
    response = client.post(
        reverse("training:session_create"),
        {"course": course.pk, "trainer": "MARAC coordinator"}
        | _date("delivered_on", date(2022, 9, 1)),
    )
    session = TrainingSession.objects.get()
    assert response.url == reverse("training:session_detail", args=[session.pk])
    url = reverse("training:attendance_record", args=[session.pk])
    negative = client.post(url, {"agency": team.police.pk, "attendees": "-2"})
    assert negative.status_code == 400 and "cannot be negative" in negative.content.decode()
    assert 'value="-2"' in negative.content.decode()
    assert client.post(url, {"agency": team.police.pk, "attendees": "7"}).status_code == 302
    assert SessionAttendance.objects.get().attendees == 7


def test_managers_read_but_do_not_record(team, signed_in_client):
    surgery = GPSurgeryFactory()
    session = TrainingSessionFactory()
    client = signed_in_client(team.manager)
    assert client.get(reverse("training:surgery_detail", args=[surgery.pk])).status_code == 200
    assert client.get(reverse("training:session_detail", args=[session.pk])).status_code == 200
    page = client.get(reverse("training:surgery_detail", args=[surgery.pk])).content.decode()
    assert "Record a change of status" not in page
    for url in (
        reverse("training:surgery_status", args=[surgery.pk]),
        reverse("training:referral_record", args=[surgery.pk]),
        reverse("training:surgery_create"),
        reverse("training:session_create"),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("training:attendance_record", args=[session.pk]),
        {"agency": team.police.pk, "attendees": "3"},
    )
    assert response.status_code == 404
    assert not SessionAttendance.objects.exists()


@pytest.mark.parametrize("who", ["practitioner", "auditor"])
def test_the_wrong_role_gets_404_and_a_denied_entry(team, signed_in_client, who):
    surgery = GPSurgeryFactory(name="Hidden Lane Surgery")
    client = signed_in_client(getattr(team, who))
    response = client.get(reverse("training:surgery_detail", args=[surgery.pk]))
    assert response.status_code == 404 and b"Hidden Lane" not in response.content
    denied = AuditEvent.objects.get(actor=getattr(team, who), action="denied")
    assert denied.object_type == "training" and denied.object_id == str(surgery.pk)
    assert client.get(reverse("training:surgery_list")).status_code == 404


@pytest.mark.parametrize(
    "name", ["surgery_detail", "surgery_status", "referral_record", "session_detail"]
)
def test_a_guessed_id_gets_404(team, signed_in_client, name):
    response = signed_in_client(team.coordinator).get(
        reverse(f"training:{name}", args=[uuid.uuid4()])
    )
    assert response.status_code == 404


def test_figures_pages_take_a_period_and_refuse_a_backwards_one(team, signed_in_client):
    client = signed_in_client(team.manager)
    period = _date("start", date(2022, 4, 1)) | _date("end", date(2022, 6, 30))
    for name in ("programme_report", "training_report"):
        assert client.get(reverse(f"training:{name}"), period).status_code == 200
        backwards = _date("start", date(2022, 6, 30)) | _date("end", date(2022, 4, 1))
        response = client.get(reverse(f"training:{name}"), backwards)
        assert response.status_code == 400
        assert "on or after its start" in response.content.decode()


def test_the_navigation_link_is_only_for_those_who_may_see_it(team, signed_in_client):
    link = reverse("training:surgery_list")
    for user, shown in [
        (team.coordinator, True),
        (team.analyst, True),
        (team.manager, True),
        (team.practitioner, False),
        (team.auditor, False),
    ]:
        page = signed_in_client(user).get(reverse("web:home")).content.decode()
        assert (f'href="{link}"' in page) is shown, user.role_codes
