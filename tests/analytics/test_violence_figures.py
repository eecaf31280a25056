"""Knife-enabled offences, serious youth violence, SIRMs, the Serious Adult Violence panel and
the Victim Coordinator, computed from hand-built records with hand-counted answers."""

from datetime import date

import pytest

from casebridge.analytics.periods import parse_period
from casebridge.analytics.registry import registry
from casebridge.incidents.models import Incident
from casebridge.panels.models import Meeting
from casebridge.violence.models import SirmProposal
from tests.analytics.fixtures import at, engine_for
from tests.analytics.violence_fixtures import (
    incident,
    meeting,
    on_agenda,
    sav_referral,
    sirm_proposal,
    victim_referral,
    youth_on,
)
from tests.casework.factories import ServiceReferralFactory
from tests.factories import AgencyFactory, PersonFactory

pytestmark = pytest.mark.django_db
Q1, Q2 = parse_period("Q1 22/23"), parse_period("Q2 22/23")
VIOLENCE = Incident.Category.VIOLENCE_WITH_INJURY
ROBBERY = Incident.Category.ROBBERY
AUGUST = date(2022, 8, 10)


def figure(engine, indicator, period=Q2):
    return engine.figure(registry()[indicator], period)


def value(engine, indicator, period=Q2):
    return figure(engine, indicator, period).value


# --- knife-enabled offences ------------------------------------------------------------------


def test_a_knife_robbery_counts_as_knife_enabled(tmp_path):
    incident(at(2022, 8, 10), category=ROBBERY, weapon="knife")
    engine = engine_for(tmp_path)
    assert value(engine, "knife-enabled-offences") == 1


def test_possessing_a_knife_or_using_another_weapon_is_not_knife_enabled(tmp_path):
    incident(at(2022, 8, 10), category=Incident.Category.WEAPON_POSSESSION, weapon="knife")
    incident(at(2022, 8, 11), category=VIOLENCE, weapon="other")
    incident(
        at(2022, 8, 12), category=VIOLENCE, weapon="knife", reporter=AgencyFactory(kind="health")
    )
    engine = engine_for(tmp_path)
    assert value(engine, "knife-enabled-offences") == 0


def test_knife_enabled_injury_rate_counts_any_injury(tmp_path):
    for injury in ("injury", "serious", "none", ""):
        incident(at(2022, 9, 1), weapon="knife", injury=injury)
    engine = engine_for(tmp_path)
    found = figure(engine, "knife-enabled-offences-injury-rate")
    assert (found.numerator, found.denominator, found.value) == (2, 4, 50.0)


def test_knife_enabled_offences_break_down_by_ward_for_hotspots(tmp_path):
    for ward in ("Burnt Oak", "Burnt Oak", "Colindale", ""):
        incident(at(2022, 7, 5), weapon="knife", ward=ward)
    engine = engine_for(tmp_path)
    wards = {
        f.category: f.numerator
        for f in engine.breakdown(registry()["knife-enabled-offences"], Q2, "ward")
    }
    assert wards == {"Burnt Oak": 2, "Colindale": 1, None: 1}  # None: not recorded


# --- serious youth violence ------------------------------------------------------------------


def test_a_victim_aged_19_on_the_day_is_serious_youth_violence_and_20_is_not(tmp_path):
    incident(at(2022, 8, 10), weapon="knife", victim_born=youth_on(AUGUST, 19))
    incident(at(2022, 8, 10), weapon="knife", victim_born=youth_on(AUGUST, 20))
    engine = engine_for(tmp_path)
    assert value(engine, "serious-youth-violence-incidents") == 1


def test_a_19_year_old_whose_20th_birthday_is_the_next_day_still_counts(tmp_path):
    born = date(2002, 8, 11)  # 19 on 10 August 2022, 20 the day after
    incident(at(2022, 8, 10), weapon="knife", victim_born=born)
    incident(at(2022, 8, 11), weapon="knife", victim_born=born)
    engine = engine_for(tmp_path)
    assert value(engine, "serious-youth-violence-incidents") == 1


def test_serious_youth_violence_is_weapon_enabled_or_most_serious(tmp_path):
    young = youth_on(AUGUST, 16)
    incident(at(2022, 8, 10), category=ROBBERY, weapon="firearm", victim_born=young)
    incident(at(2022, 8, 10), injury="serious", victim_born=young)
    incident(at(2022, 8, 10), injury="fatal", victim_born=young)
    incident(at(2022, 8, 10), kidnapping=True, victim_born=young)
    # Not serious enough: an assault with an injury but no weapon; and not violence at all.
    incident(at(2022, 8, 10), injury="injury", victim_born=young)
    incident(at(2022, 8, 10), category=Incident.Category.OTHER, weapon="knife", victim_born=young)
    engine = engine_for(tmp_path)
    assert value(engine, "serious-youth-violence-incidents") == 4


def test_serious_youth_violence_injury_rate_and_outside_the_borough(tmp_path):
    young = youth_on(AUGUST, 17)
    incident(at(2022, 8, 10), weapon="knife", injury="injury", victim_born=young)
    incident(
        at(2022, 8, 11), weapon="knife", injury="none", victim_born=young, outside_borough=True
    )
    incident(at(2022, 8, 12), weapon="knife", victim_born=young, outside_borough=True)
    incident(at(2022, 8, 13), weapon="knife", injury="serious", victim_born=young)
    engine = engine_for(tmp_path)
    rate = figure(engine, "serious-youth-violence-injury-rate")
    assert (rate.numerator, rate.denominator, rate.value) == (2, 4, 50.0)
    assert value(engine, "serious-youth-violence-outside-borough") == 2


def test_serious_youth_violence_breaks_down_by_the_victims_age_band_and_sex(tmp_path):
    for years in (13, 16, 16, 18):
        incident(at(2022, 8, 10), weapon="knife", victim_born=youth_on(AUGUST, years))
    girl = PersonFactory(date_of_birth=youth_on(AUGUST, 15), sex="female")
    incident(at(2022, 8, 10), weapon="knife", victim=girl)
    engine = engine_for(tmp_path)
    syv = registry()["serious-youth-violence-incidents"]
    bands = {f.category: f.numerator for f in engine.breakdown(syv, Q2, "victim_age_band")}
    assert bands == {"10-14": 1, "15-17": 3, "18-19": 1}
    sexes = {f.category: f.numerator for f in engine.breakdown(syv, Q2, "victim_sex")}
    assert sexes == {"female": 1, "male": 4}


# --- SIRMs -----------------------------------------------------------------------------------


def test_every_proposal_counts_whatever_was_decided(tmp_path):
    sirm_proposal(at(2022, 7, 2))
    sirm_proposal(at(2022, 7, 3), status=SirmProposal.Status.CONVENED)
    sirm_proposal(at(2022, 7, 4), status=SirmProposal.Status.NOT_NEEDED)
    sirm_proposal(at(2022, 6, 30))  # Q1
    engine = engine_for(tmp_path)
    assert value(engine, "sirm-proposals") == 3
    assert value(engine, "sirm-proposals", Q1) == 1


def test_a_cancelled_sirm_is_not_held_and_a_closed_one_was(tmp_path):
    meeting("sirm", at(2022, 7, 4), status=Meeting.Status.HELD)
    meeting("sirm", at(2022, 7, 5), status=Meeting.Status.CLOSED)
    meeting("sirm", at(2022, 7, 6), status=Meeting.Status.CANCELLED)
    meeting("sirm", at(2022, 9, 29), status=Meeting.Status.PLANNED)
    meeting("sav", at(2022, 7, 7))  # another panel's
    engine = engine_for(tmp_path)
    assert value(engine, "sirms-held") == 2


def test_community_impact_meetings_are_counted_apart_from_the_sirms(tmp_path):
    sirm = meeting("sirm", at(2022, 7, 4))
    meeting("sirm", at(2022, 7, 8), follows=sirm)
    meeting("sirm", at(2022, 7, 9), follows=sirm, status=Meeting.Status.CANCELLED)
    engine = engine_for(tmp_path)
    assert value(engine, "community-impact-meetings") == 1
    assert value(engine, "sirms-held") == 1


# --- the Serious Adult Violence panel --------------------------------------------------------


def test_a_sav_person_on_two_agendas_in_a_quarter_counts_once(tmp_path):
    twice, once = sav_referral(at(2022, 6, 1)), sav_referral(at(2022, 6, 2))
    july, august = meeting("sav", at(2022, 7, 14)), meeting("sav", at(2022, 8, 11))
    on_agenda(july, twice)
    on_agenda(august, twice)
    on_agenda(august, once)
    cancelled = meeting("sav", at(2022, 9, 8), status=Meeting.Status.CANCELLED)
    on_agenda(cancelled, sav_referral(at(2022, 6, 3)))
    engine = engine_for(tmp_path)
    discussed = figure(engine, "sav-individuals-discussed")
    assert (discussed.value, discussed.records) == (2, 3)  # three agenda items, two people


def test_sav_referral_shares_of_probation_ages_18_to_25_and_gang_affiliation(tmp_path):
    sav_referral(at(2022, 7, 1), age=18, gang=True)
    sav_referral(at(2022, 7, 2), age=25, referrer="police", gang=True)
    sav_referral(at(2022, 7, 3), age=26, transition=True)
    sav_referral(at(2022, 7, 4), age=40, referrer="youth_justice", transition=True)
    engine = engine_for(tmp_path)
    assert value(engine, "sav-new-referrals") == 4
    assert value(engine, "sav-referrals-by-probation-share") == 50.0
    assert value(engine, "sav-aged-18-25-share") == 50.0
    assert value(engine, "sav-gang-affiliated-share") == 50.0
    assert value(engine, "sav-youth-transitions") == 2


def test_sav_referrals_break_down_by_referring_agency_and_age_band(tmp_path):
    for age, referrer in ((19, "probation"), (24, "probation"), (33, "police"), (45, "probation")):
        sav_referral(at(2022, 8, 1), age=age, referrer=referrer)
    engine = engine_for(tmp_path)
    new = registry()["sav-new-referrals"]
    agencies = {f.category: f.numerator for f in engine.breakdown(new, Q2, "referring_agency_kind")}
    assert agencies == {"probation": 3, "police": 1}
    bands = {f.category: f.numerator for f in engine.breakdown(new, Q2, "age_band")}
    assert bands == {"18-25": 2, "31-40": 1, "41+": 1}


# --- the Victim Coordinator ------------------------------------------------------------------


def test_victim_coordinator_referrals_from_the_panels_and_from_agencies(tmp_path):
    sirm = meeting("sirm", at(2022, 9, 1))
    victim_referral(at(2022, 9, 2), from_meeting=sirm)
    victim_referral(at(2022, 9, 2), from_meeting=sirm, kind="indirect")
    victim_referral(at(2022, 9, 3))  # a housing provider's, say
    engine = engine_for(tmp_path)
    assert value(engine, "victim-coordinator-referrals") == 3
    assert value(engine, "victim-coordinator-referrals-from-panels") == 2
    by_panel = engine.breakdown(registry()["victim-coordinator-referrals"], Q2, "referred_by")
    assert {f.category: f.numerator for f in by_panel} == {"agency": 1, "sirm": 2}


def test_onward_referrals_are_the_victim_coordinators_service_referrals(tmp_path):
    supported = victim_referral(at(2022, 7, 1))
    for service in ("housing", "trauma_therapy"):
        ServiceReferralFactory(case=supported, service=service, referred_on=date(2022, 7, 20))
    ServiceReferralFactory(referred_on=date(2022, 7, 20))  # an IOM case's
    engine = engine_for(tmp_path)
    assert value(engine, "victim-coordinator-onward-referrals") == 2
