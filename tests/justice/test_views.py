"""The page recording a contact with the criminal justice system, and the case page's section."""

import uuid
from datetime import date, timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from casebridge.agencies.models import Agency
from casebridge.audit.models import AuditEvent
from casebridge.justice.models import JusticeContact
from casebridge.justice.selectors import case_justice_contacts
from tests.casework.factories import IomCaseFactory, WomensCaseFactory
from tests.factories import AgencyFactory, UserFactory, role
from tests.justice.factories import JusticeContactFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def centre():
    return AgencyFactory(kind=Agency.Kind.CHARITY)


@pytest.fixture
def key_worker(centre):
    return UserFactory(agency=centre)


@pytest.fixture
def case(centre):
    return WomensCaseFactory(owner_agency=centre)


def url(case) -> str:
    return reverse("justice:contact_create", args=[case.pk])


def dated(field: str, day: date) -> dict:
    return {f"{field}_day": day.day, f"{field}_month": day.month, f"{field}_year": day.year}


def test_the_form_lists_each_stages_outcomes_under_the_stage(key_worker, case, signed_in_client):
    response = signed_in_client(key_worker).get(url(case))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<optgroup label="Sentenced">' in page
    assert '<option value="community_order"' in page
    entry = AuditEvent.objects.filter(actor=key_worker, action="view").latest("sequence")
    assert entry.object_id == str(case.pk) and "justice contact" in entry.summary


def test_a_key_worker_records_a_contact_and_returns_to_the_case(key_worker, case, signed_in_client):
    data = {"stage": "court", "outcome": "bailed", "notes": "Supported at court"}
    data |= dated("occurred_on", date(2024, 3, 1)) | dated("offence_on", date(2024, 1, 9))
    response = signed_in_client(key_worker).post(url(case), data)
    assert response.status_code == 302
    assert response.url.endswith(f"/cases/{case.pk}/#justice-contacts")
    contact = JusticeContact.objects.get()
    assert (contact.stage, contact.outcome, contact.offence_on) == (
        "court",
        "bailed",
        date(2024, 1, 9),
    )
    assert AuditEvent.objects.filter(object_type="justice_contact", action="create").exists()


def test_an_outcome_of_another_stage_is_refused_and_the_input_re_shown(
    key_worker, case, signed_in_client
):
    data = {"stage": "sentence", "outcome": "caution", "notes": "Her words"}
    data |= dated("occurred_on", date(2024, 3, 1))
    response = signed_in_client(key_worker).post(url(case), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and "Select the outcome of the sentenced" in page
    assert 'value="sentence" checked' in page
    assert '<option value="caution" selected>' in page
    assert "Her words</textarea>" in page and 'value="2024"' in page
    assert not JusticeContact.objects.exists()


def test_a_future_date_is_shown_on_its_field(key_worker, case, signed_in_client):
    data = {"stage": "arrest"} | dated("occurred_on", timezone.localdate() + timedelta(days=1))
    response = signed_in_client(key_worker).post(url(case), data)
    assert response.status_code == 400
    assert 'href="#id_occurred_on_day"' in response.content.decode()


def test_a_missing_stage_and_date_are_reported(key_worker, case, signed_in_client):
    response = signed_in_client(key_worker).post(url(case), {})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select the contact with the criminal justice system" in page
    assert "Enter date of the contact" in page


@pytest.mark.parametrize(
    "who",
    [
        lambda centre: UserFactory(agency=AgencyFactory(kind=Agency.Kind.CHARITY)),
        lambda centre: UserFactory(agency=centre, role=role("manager")),
        lambda centre: UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE)),
    ],
    ids=["another women's centre", "a manager", "the police"],
)
def test_those_who_may_not_change_the_case_get_404_and_a_denied_entry(
    who, centre, case, signed_in_client
):
    user = who(centre)
    client = signed_in_client(user)
    assert client.get(url(case)).status_code == 404
    data = {"stage": "arrest"} | dated("occurred_on", date(2024, 3, 1))
    assert client.post(url(case), data).status_code == 404
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 2
    assert not JusticeContact.objects.exists()


def test_a_guessed_case_id_looks_missing(key_worker, signed_in_client):
    guessed = reverse("justice:contact_create", args=[uuid.uuid4()])
    assert signed_in_client(key_worker).get(guessed).status_code == 404
    assert AuditEvent.objects.filter(actor=key_worker, action="denied").exists()


def test_a_pathway_without_justice_contacts_has_no_form(signed_in_client):
    officer = UserFactory(agency=AgencyFactory(kind=Agency.Kind.POLICE))
    iom = IomCaseFactory(owner_agency=officer.agency)
    assert signed_in_client(officer).get(url(iom)).status_code == 404


def test_the_case_section_lists_contacts_and_offers_the_form_to_those_who_may_change(case):
    JusticeContactFactory(case=case, stage="out_of_court_disposal", outcome="conditional_caution")
    context = {"case": case, "justice_contacts": case_justice_contacts(case=case)}
    html = render_to_string("justice/case_section.html", context | {"may_change": True})
    assert "Out-of-court disposal" in html and "Conditional caution" in html
    assert url(case) in html
    read_only = render_to_string("justice/case_section.html", context | {"may_change": False})
    assert "Conditional caution" in read_only and url(case) not in read_only


def test_a_closed_case_offers_no_form(centre):
    closed = WomensCaseFactory(owner_agency=centre, state="closed")
    context = {"case": closed, "justice_contacts": [], "may_change": True}
    html = render_to_string("justice/case_section.html", context)
    assert "None recorded" in html and url(closed) not in html
