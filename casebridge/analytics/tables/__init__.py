"""The snapshot's tables, each built from the operational models; each module holds the tables
of one part of the system (its Django app), ``derived`` those computed from the others."""

from casebridge.analytics.tables import (
    assessments,
    cases,
    casework,
    exploitation,
    incidents,
    justice,
    panels,
    refuges,
    victims,
    violence,
)

TABLES = {
    "cases": cases.cases,
    "case_events": cases.case_events,
    "marac_referrals": cases.marac_referrals,
    "incidents": incidents.incidents,
    "disclosure_requests": cases.disclosure_requests,
    "assessments": assessments.assessments,
    "refuge_stays": refuges.refuge_stays,
    "justice_events": justice.justice_events,
    "case_tiers": casework.case_tiers,
    "case_needs": casework.case_needs,
    "service_referrals": casework.service_referrals,
    "service_elements": casework.service_elements,
    "meetings": panels.meetings,
    "agenda_items": panels.agenda_items,
    "sirm_proposals": violence.sirm_proposals,
    "sav_referrals": violence.sav_referrals,
    "missing_episodes": exploitation.missing_episodes,
    "nrm_referrals": exploitation.nrm_referrals,
    "victim_referrals": victims.victim_referrals,
}
DERIVED_TABLES = ("case_states", "first_proven_offences", "case_starts")
