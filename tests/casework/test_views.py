"""Casework pages: the case page's sections, their forms, and the contacts-due list."""

from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone

from casebridge.audit.models import AuditEvent
from casebridge.pathways.services import case_activity_record
from tests.casework.factories import (
    IomCaseFactory,
    NeedFactory,
    ServiceReferralFactory,
    TierAssignmentFactory,
)
from tests.factories import AgencyFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = date(2022, 4, 4)


def dated(field: str, day: date) -> dict:
    return {f"{field}_day": day.day, f"{field}_month": day.month, f"{field}_year": day.year}


def case_url(case) -> str:
    return reverse("pathways:case_detail", args=[case.pk])


def url(name: str, case, **ids) -> str:
    return reverse(f"casework:{name}", kwargs={"case_id": case.pk, **ids})


# --- the case page -------------------------------------------------------------------------


def test_the_case_page_shows_casework_and_offers_the_forms(signed_in_client, officer, iom_case):
    TierAssignmentFactory(case=iom_case, tier="red")
    need = NeedFactory(case=iom_case, area="accommodation")
    referral = ServiceReferralFactory(case=iom_case, started_on=DAY)
    page = signed_in_client(officer).get(case_url(iom_case)).content.decode()
    assert "Red: high risk and vulnerability" in page
    assert "Fitness and mentoring academy" in page
    for action in (
        url("tier_set", iom_case),
        url("need_new", iom_case),
        url("need_edit", iom_case, need_id=need.pk),
        url("service_new", iom_case),
        url("service_end", iom_case, referral_id=referral.pk),
    ):
        assert action in page


def test_a_viewer_sees_the_records_but_no_forms(signed_in_client, womens_case):
    NeedFactory(case=womens_case, area="poverty")
    # The police officer who referred her sees the case; only the women's centre works it.
    referrer = UserFactory(agency=AgencyFactory(kind="police"))
    womens_case.referring_agency = referrer.agency
    womens_case.save()
    page = signed_in_client(referrer).get(case_url(womens_case)).content.decode()
    assert "Poverty and debt" in page
    assert url("need_new", womens_case) not in page
    assert "Record the support and outcome" not in page


def test_a_pathway_without_tiers_has_no_tier_section(signed_in_client, key_worker, womens_case):
    page = signed_in_client(key_worker).get(case_url(womens_case)).content.decode()
    assert url("need_new", womens_case) in page
    assert url("tier_set", womens_case) not in page
    assert 'id="tier"' not in page


# --- the forms -----------------------------------------------------------------------------


def test_setting_the_tier_returns_to_the_case(signed_in_client, officer, iom_case):
    response = signed_in_client(officer).post(
        url("tier_set", iom_case),
        {"tier": "green", **dated("assigned_on", DAY), "reason": "Stable"},
    )
    assert response.status_code == 302
    assert response.url == case_url(iom_case) + "#tier"
    assert iom_case.tier_assignments.get().tier == "green"


def test_the_form_reshows_what_was_typed_with_the_error(signed_in_client, officer, iom_case):
    tomorrow = timezone.localdate().replace(year=timezone.localdate().year + 1)
    response = signed_in_client(officer).post(
        url("tier_set", iom_case),
        {"tier": "amber", **dated("assigned_on", tomorrow), "reason": "Typed"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "must be today or in the past" in page
    assert 'value="amber" checked' in page
    assert f'value="{tomorrow.year}"' in page
    assert ">Typed</textarea>" in page
    assert not iom_case.tier_assignments.exists()


def test_a_missing_choice_is_shown_as_an_error(signed_in_client, key_worker, womens_case):
    response = signed_in_client(key_worker).post(
        url("need_new", womens_case), {**dated("identified_on", DAY), "support": "Food bank"}
    )
    assert response.status_code == 400
    assert "Select the need" in response.content.decode()
    assert "Food bank" in response.content.decode()


def test_recording_a_need_and_its_outcome(signed_in_client, key_worker, womens_case):
    client = signed_in_client(key_worker)
    client.post(
        url("need_new", womens_case), {"area": "homelessness", **dated("identified_on", DAY)}
    )
    need = womens_case.needs.get()
    response = client.post(
        url("need_edit", womens_case, need_id=need.pk),
        {"support": "Housing options", "outcome": "housed", **dated("outcome_on", DAY)},
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.support, need.outcome, need.outcome_on) == ("Housing options", "housed", DAY)


def test_the_need_form_starts_from_what_is_recorded(signed_in_client, officer, iom_case):
    need = NeedFactory(case=iom_case, support="Bidding for a flat")
    page = signed_in_client(officer).get(url("need_edit", iom_case, need_id=need.pk))
    assert "Bidding for a flat" in page.content.decode()


def test_a_referral_starts_and_ends_through_the_forms(signed_in_client, officer, iom_case):
    client = signed_in_client(officer)
    client.post(
        url("service_new", iom_case), {"service": "fitness_academy", **dated("referred_on", DAY)}
    )
    referral = iom_case.service_referrals.get()
    client.post(url("service_start", iom_case, referral_id=referral.pk), dated("started_on", DAY))
    page = client.get(url("service_end", iom_case, referral_id=referral.pk)).content.decode()
    assert "Digital skills" in page
    response = client.post(
        url("service_end", iom_case, referral_id=referral.pk),
        {**dated("ended_on", DAY), "completed": "yes", "elements_completed": ["mentoring"]},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.completed, referral.elements_completed) == (True, ["mentoring"])


def test_an_end_before_the_start_is_shown_on_the_date(signed_in_client, officer, iom_case):
    referral = ServiceReferralFactory(
        case=iom_case, service="housing_support", referred_on=DAY, started_on=DAY
    )
    response = signed_in_client(officer).post(
        url("service_end", iom_case, referral_id=referral.pk),
        {**dated("ended_on", date(2022, 4, 1)), "completed": "no"},
    )
    assert response.status_code == 400
    assert "The end cannot be before the start" in response.content.decode()
    assert 'value="no" checked' in response.content.decode()


def test_the_form_page_is_audited(signed_in_client, officer, iom_case):
    signed_in_client(officer).get(url("tier_set", iom_case))
    assert AuditEvent.objects.filter(
        actor=officer, action="view", object_id=str(iom_case.pk), summary__contains="set the tier"
    ).exists()


# --- access --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["key_worker", "analyst"])
def test_the_wrong_agency_or_role_gets_404_and_a_denied_entry(
    signed_in_client, request, iom_case, who
):
    user = request.getfixturevalue(who)
    need = NeedFactory(case=iom_case)
    referral = ServiceReferralFactory(case=iom_case, started_on=DAY)
    client = signed_in_client(user)
    for address in (
        url("tier_set", iom_case),
        url("need_edit", iom_case, need_id=need.pk),
        url("service_end", iom_case, referral_id=referral.pk),
    ):
        assert client.get(address).status_code == 404
    assert (
        client.post(
            url("tier_set", iom_case), {"tier": "red", **dated("assigned_on", DAY)}
        ).status_code
        == 404
    )
    assert not iom_case.tier_assignments.exists()
    assert AuditEvent.objects.filter(actor=user, action="denied").count() == 4


def test_a_guessed_id_of_another_cases_record_gets_404(signed_in_client, officer, iom_case):
    elsewhere = NeedFactory(case=IomCaseFactory())
    other_referral = ServiceReferralFactory(case=IomCaseFactory())
    client = signed_in_client(officer)
    assert client.get(url("need_edit", iom_case, need_id=elsewhere.pk)).status_code == 404
    assert (
        client.get(url("service_start", iom_case, referral_id=other_referral.pk)).status_code == 404
    )
    assert AuditEvent.objects.filter(actor=officer, action="denied").count() == 2


def test_a_form_the_pathway_does_not_use_gets_404(signed_in_client, key_worker, womens_case):
    assert signed_in_client(key_worker).get(url("tier_set", womens_case)).status_code == 404


# --- contacts due --------------------------------------------------------------------------


def contacts_url(code: str = "iom") -> str:
    return reverse("casework:contacts_due", kwargs={"pathway_code": code})


def test_contacts_due_lists_the_overdue_first_with_a_tag(signed_in_client, officer):
    late = IomCaseFactory(subject=PersonFactory(name=("Len", "Late")))
    TierAssignmentFactory(case=late, tier="red", assigned_on=date(2022, 4, 1))
    fine = IomCaseFactory(subject=PersonFactory(name=("Fay", "Fine")))
    TierAssignmentFactory(case=fine, tier="green", assigned_on=date(2022, 4, 1))
    case_activity_record(
        actor=officer,
        case=fine,
        activity="contact",
        text="Seen",
        occurred_at=timezone.make_aware(datetime.combine(timezone.localdate(), time(0, 1))),
    )
    response = signed_in_client(officer).get(contacts_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Len Late") < page.index("Fay Fine")
    assert page.count("govuk-tag--red") == 1
    assert late.reference in page and "Red: high risk and vulnerability" in page
    audit = AuditEvent.objects.get(actor=officer, summary__startswith="Viewed contacts due")
    assert set(audit.changes["cases"]) == {str(late.pk), str(fine.pk)}


def test_contacts_due_is_linked_from_the_caseload(signed_in_client, officer):
    TierAssignmentFactory(case=IomCaseFactory(owner_user=officer, owner_agency=officer.agency))
    page = signed_in_client(officer).get(reverse("pathways:caseload")).content.decode()
    assert contacts_url() in page


def test_contacts_due_is_404_for_a_pathway_without_tiers(signed_in_client, key_worker):
    assert signed_in_client(key_worker).get(contacts_url("womens-whole-system")).status_code == 404
    assert signed_in_client(key_worker).get(contacts_url("no-such-pathway")).status_code == 404


def test_contacts_due_is_denied_to_the_wrong_role(signed_in_client, analyst):
    assert signed_in_client(analyst).get(contacts_url()).status_code == 404
    assert AuditEvent.objects.filter(actor=analyst, action="denied").exists()


def test_another_agency_sees_none_of_the_cohort(signed_in_client, key_worker):
    TierAssignmentFactory(case=IomCaseFactory())
    page = signed_in_client(key_worker).get(contacts_url()).content.decode()
    assert "No open cases with a tier." in page
