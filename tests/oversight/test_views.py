import pytest
from django.urls import reverse

from casebridge.audit.models import AuditEvent
from casebridge.audit.services import audit_record
from tests.factories import BreakGlassFactory
from tests.web.test_matrix import project_url_names
from tests.world import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _break_glass(world):
    return BreakGlassFactory(user=world.coordinator, person=world.person)


def test_auditor_searches_the_log_and_the_search_is_audited(world, signed_in_client):
    client = signed_in_client(world.practitioner_a)
    client.get(reverse("people:detail", args=[world.person.pk]))

    response = signed_in_client(world.auditor).get(
        reverse("audit:search"), {"username": world.practitioner_a.username, "action": "view"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Viewed person record" in content
    assert str(world.person.pk) in content
    search = AuditEvent.objects.get(actor=world.auditor, action="search")
    assert search.changes == {"username": world.practitioner_a.username, "action": "view"}


def test_audit_filters_by_date(world, signed_in_client):
    client = signed_in_client(world.auditor)
    response = client.get(
        reverse("audit:search"),
        {"date_to_day": "1", "date_to_month": "1", "date_to_year": "2000"},
    )
    assert "No entries match" in response.content.decode()


def test_audit_search_rejects_an_end_before_the_start(world, signed_in_client):
    response = signed_in_client(world.auditor).get(
        reverse("audit:search"),
        {
            "date_from_day": "2",
            "date_from_month": "1",
            "date_from_year": "2025",
            "date_to_day": "1",
            "date_to_month": "1",
            "date_to_year": "2025",
        },
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_audit_log_pages_at_fifty(world, signed_in_client):
    for n in range(55):
        audit_record(actor=world.practitioner_a, action="view", summary=f"Entry {n}")
    client = signed_in_client(world.auditor)
    assert "Page 1 of 2" in client.get(reverse("audit:search")).content.decode()
    assert "Page 2 of 2" in client.get(reverse("audit:search"), {"page": "2"}).content.decode()


@pytest.mark.parametrize(
    "role_name", ["practitioner_a", "panel_coordinator", "manager", "sysadmin"]
)
def test_other_roles_cannot_see_the_audit_log(world, signed_in_client, role_name):
    client = signed_in_client(world.users()[role_name])
    assert client.get(reverse("audit:search")).status_code == 404
    assert client.get(reverse("audit:break_glass")).status_code == 404


def test_auditor_reviews_a_break_glass_use(world, signed_in_client):
    access = _break_glass(world)
    client = signed_in_client(world.auditor)
    assert access.reason in client.get(reverse("audit:break_glass")).content.decode()

    response = client.post(
        reverse("audit:break_glass_review", args=[access.pk]),
        {"note": "Justified: call-out logged by police."},
    )

    access.refresh_from_db()
    assert response.status_code == 302
    assert access.reviewed_by == world.auditor
    assert "There is nothing to review" in client.get(reverse("audit:break_glass")).content.decode()


def test_review_needs_a_note(world, signed_in_client):
    access = _break_glass(world)
    response = signed_in_client(world.auditor).post(
        reverse("audit:break_glass_review", args=[access.pk]), {"note": ""}
    )
    access.refresh_from_db()
    assert response.status_code == 400
    assert "Record what the review found" in response.content.decode()
    assert access.reviewed_at is None


def test_no_audit_url_edits_an_entry():
    """The audit pages are a search, a list and a review of break-glass uses; nothing else."""
    audit_urls = {name for name in project_url_names() if name.startswith("audit:")}
    assert audit_urls == {"audit:search", "audit:break_glass", "audit:break_glass_review"}
