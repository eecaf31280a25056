"""Planning an IOM member's casework (no database): the tier set at adoption and re-scored at
each six-monthly review, the needs identified and their outcomes, the services those needs lead
to, and the contacts of the last weeks before the demo's "now".

Need outcomes follow the source report's 6.9. Contacts are planned only for the last eight weeks
(daily for red and amber, every three days for green): four years of daily contacts would be too
many rows. A few members' contacts stop some days early, so the caseload shows who is overdue.
"""

import random
from datetime import date, datetime, timedelta

from casebridge.demo.calendar import AS_OF, PERIOD_END, at_office_time
from casebridge.demo.offenders import LAST_DAY, POSITIVE, PlannedNeed, PlannedService
from casebridge.demo.population import weighted

TIERS = {"red": 20, "amber": 48, "green": 32}
TIER_REVIEW_DAYS = 182
CONTACT_WEEKS = 8
OVERDUE_SHARE = 0.08
HOME_VISIT_SHARE = 0.1

# Need areas: how often a member has one, and the outcomes recorded for it (6.9: 75-90%
# housed, 75-85% into employment or training, 45-60% in drug and alcohol treatment).
IOM_NEEDS: dict[str, tuple[float, dict[str, float], str]] = {
    "accommodation": (0.6, {"housed": 82, "not_housed": 18}, "Referred to housing support."),
    "drugs_alcohol": (
        0.65,
        {"in_treatment": 57, "declined_treatment": 43},
        "Referred to the drug and alcohol service (Change, Grow, Live).",
    ),
    "mental_health": (
        0.4,
        {"in_treatment": 60, "declined_treatment": 40},
        "Referred to the community mental health team.",
    ),
    "finance_employment": (
        0.7,
        {"employment_training": 73, "education": 8, "benefits_in_place": 9, "not_achieved": 10},
        "Referred to the DWP work coach for benefits and employment support.",
    ),
    "thinking_behaviour": (
        0.55,
        {"programme_completed": 60, "not_completed": 40},
        "Booked onto a thinking skills programme.",
    ),
    "lifestyle": (0.5, {"improved": 60, "not_improved": 40}, "Positive activities agreed."),
    "attitudes": (0.45, {"improved": 55, "not_improved": 45}, "One-to-one work on attitudes."),
    "emotional_wellbeing": (
        0.35,
        {"improved": 60, "not_improved": 40},
        "Key-worker sessions on well-being.",
    ),
    "relationships": (
        0.35,
        {"improved": 55, "not_improved": 45},
        "Family work and relationship support.",
    ),
}
NEED_SERVICES = {
    "accommodation": "housing_support",
    "drugs_alcohol": "drug_alcohol_service",
    "finance_employment": "employment_support",
}


def plan_tiers(rng: random.Random, adopted: date, ended_on: date | None) -> list[tuple[date, str]]:
    """The member's tier from adoption, and from each review on: (since, tier)."""
    tiers: list[tuple[date, str]] = []
    last = ended_on or AS_OF.date()
    tier, day = weighted(rng, TIERS), adopted
    while day < last:
        tiers.append((day, tier))
        day += timedelta(days=TIER_REVIEW_DAYS + rng.randint(-20, 20))
        # A review re-scores risk and vulnerability; a third of the time it moves.
        if rng.random() < 0.35:
            tier = weighted(rng, TIERS)
    return tiers


def plan_needs(
    rng: random.Random, adopted: date, ended_on: date | None
) -> tuple[list[PlannedNeed], list[PlannedService]]:
    """The member's needs, each with its outcome once known, and the services they lead to."""
    needs: list[PlannedNeed] = []
    services: list[PlannedService] = []
    # Casework stops the day before removal.
    last = min((ended_on or PERIOD_END) - timedelta(days=1), LAST_DAY)
    for area, (share, outcomes, support) in IOM_NEEDS.items():
        if rng.random() >= share:
            continue
        identified = min(adopted + timedelta(days=rng.randint(0, 21)), last)
        outcome_on = identified + timedelta(days=rng.randint(30, 240))
        outcome = weighted(rng, outcomes) if outcome_on <= last else ""
        needs.append(
            PlannedNeed(area, identified, support, outcome, outcome_on if outcome else None)
        )
        service = NEED_SERVICES.get(area)
        if service:
            services.append(_service_for(rng, service, identified, outcome, outcome_on, last))
    return needs, services


def _service_for(
    rng: random.Random, service: str, identified: date, outcome: str, outcome_on: date, last: date
) -> PlannedService:
    referred = identified + timedelta(days=rng.randint(0, 7))
    if referred > last or (not outcome and rng.random() < 0.3):
        return PlannedService(service, min(referred, last))
    started = referred + timedelta(days=rng.randint(3, 28))
    if started > last:
        return PlannedService(service, referred)
    if not outcome:
        return PlannedService(service, referred, started)
    ended = max(outcome_on, started + timedelta(days=1))
    return PlannedService(service, referred, started, ended, outcome in POSITIVE)


def recent_contacts(rng: random.Random, adopted: date, tier: str) -> list[tuple[datetime, str]]:
    """The contacts of the last eight weeks with a member on the cohort today: (when, activity)."""
    today = AS_OF.date()
    contacts: list[tuple[datetime, str]] = []
    first = max(adopted + timedelta(days=1), today - timedelta(weeks=CONTACT_WEEKS))
    every = 3 if tier == "green" else 1
    last = today
    if rng.random() < OVERDUE_SHARE:
        last = today - timedelta(days=every + rng.randint(2, 6))
    day = first
    while day <= last:
        moment = at_office_time(rng, day, earliest=8, latest=17 if day < today else 16)
        kind = "home_visit" if rng.random() < HOME_VISIT_SHARE else "contact"
        contacts.append((moment, kind))
        day += timedelta(days=every)
    return contacts
