"""The SIRM criteria as sirm.yaml states them, checked against incidents' recorded facts.

The incidents are not saved: the engine reads what the police recorded, nothing else.
"""

import copy
import random
from datetime import UTC, date, datetime

import pytest
import yaml

from casebridge.incidents.models import Incident
from casebridge.pathways.definitions import DEFINITIONS_DIR
from casebridge.pathways.models import Pathway
from casebridge.people.models import Person
from casebridge.violence import services
from casebridge.violence.checks import incident_rule_facts_known
from casebridge.violence.criteria import (
    FACT_FIELDS,
    FACTS,
    incident_rule_may_be_met,
    incident_rule_met,
)

SIRM = yaml.safe_load((DEFINITIONS_DIR / "sirm.yaml").read_text())
RULE = SIRM["incident_rule"]
DAY = datetime(2022, 8, 3, 21, 30, tzinfo=UTC)
ADULT = date(1990, 1, 1)


def born_years_before(years: int, *, care_experienced: bool = False) -> Person:
    """Someone whose birthday of ``years`` is the day after the incident (so ``years - 1``)."""
    return Person(date_of_birth=date(DAY.year - years, 8, 4), care_experienced=care_experienced)


def incident(*, victim=None, suspect=None, **facts) -> Incident:
    details = {"weapon": Incident.Weapon.KNIFE, "gang_related": True} | facts
    return Incident(
        reference="01/1234",
        category=Incident.Category.VIOLENCE_WITH_INJURY,
        occurred_at=DAY,
        victim=victim or Person(date_of_birth=ADULT),
        suspect=suspect,
        **details,
    )


def met(incident, rule=RULE) -> bool:
    return incident_rule_met(incident=incident, rule=rule).met


def test_a_victim_aged_18_meets_it_with_the_evidence():
    result = incident_rule_met(incident=incident(victim=born_years_before(19)), rule=RULE)

    assert result.met
    assert result.as_json() == [
        {"label": "A weapon was used", "evidence": "Knife or sharp instrument"},
        {
            "label": "Potentially linked to gangs or exploitation",
            "evidence": "Recorded as potentially linked to gangs or exploitation",
        },
        {
            "label": "Victim or suspect under 19 (under 25 if care-experienced)",
            "evidence": "Victim aged 18 on 3 Aug 2022",
        },
    ]


def test_a_victim_19_on_the_day_does_not_meet_it():
    nineteen = Person(date_of_birth=date(2003, 8, 3))

    assert not met(incident(victim=nineteen))


def test_a_care_experienced_victim_aged_24_meets_it():
    assert met(incident(victim=born_years_before(25, care_experienced=True)))


def test_a_care_experienced_victim_aged_25_does_not():
    twenty_five = Person(date_of_birth=date(1997, 8, 3), care_experienced=True)

    assert not met(incident(victim=twenty_five))


def test_a_young_suspect_meets_it_for_an_adult_victim():
    result = incident_rule_met(incident=incident(suspect=born_years_before(17)), rule=RULE)

    assert result.met
    assert "Suspect aged 16 on 3 Aug 2022" in [c.evidence for c in result.conditions]


@pytest.mark.parametrize("household", ["child_in_victim_household", "child_in_suspect_household"])
def test_a_child_in_either_household_meets_it_for_adults(household):
    adults = {"victim": Person(date_of_birth=ADULT), "suspect": Person(date_of_birth=ADULT)}

    assert not met(incident(**adults))
    assert met(incident(**adults, **{household: True}))


def test_without_a_weapon_kidnapping_or_serious_assault_it_is_not_met():
    young = born_years_before(16)

    assert not met(incident(victim=young, weapon="", injury=Incident.Injury.INJURY))
    assert met(incident(victim=young, weapon="", kidnapping=True))
    assert met(incident(victim=young, weapon="", injury=Incident.Injury.FATAL))
    assert met(incident(victim=young, weapon=Incident.Weapon.FIREARM, firearm_discharged=True))


def test_not_gang_related_is_not_met():
    assert not met(incident(victim=born_years_before(16), gang_related=False))


def test_an_unknown_date_of_birth_does_not_meet_the_age_condition():
    result = incident_rule_met(incident=incident(victim=Person(date_of_birth=None)), rule=RULE)

    assert not result.met
    assert [c.label for c in result.conditions] == [
        "A weapon was used",
        "Potentially linked to gangs or exploitation",
    ]


def test_the_rule_is_the_definition_s_changing_the_age_changes_the_result():
    seventeen_year_old = incident(victim=born_years_before(18))
    stricter = copy.deepcopy(RULE)
    stricter["when"]["all"][2]["any"][0]["under_age"]["years"] = 17

    assert met(seventeen_year_old)
    assert not met(seventeen_year_old, rule=stricter)


def test_a_rule_naming_an_unknown_fact_stops_start_up(monkeypatch):
    from casebridge.violence import checks

    assert incident_rule_facts_known(None) == []
    broken = copy.deepcopy(SIRM)
    broken["incident_rule"]["when"]["all"][1] = {"fact": "knife_crime"}
    monkeypatch.setattr(
        "casebridge.pathways.definitions.read_definitions", lambda: [broken], raising=True
    )

    (error,) = checks.incident_rule_facts_known(None)
    assert error.id == "casebridge.E040" and "'knife_crime'" in error.msg


@pytest.mark.parametrize(
    "facts",
    [
        {"victim": born_years_before(16)},
        {"victim": born_years_before(16), "weapon": "", "kidnapping": True},
        {"victim": Person(date_of_birth=ADULT), "child_in_victim_household": True},
        {"victim": born_years_before(16), "gang_related": False},
        {"victim": born_years_before(16), "weapon": "", "injury": Incident.Injury.INJURY},
    ],
)
def test_the_sift_never_drops_an_incident_the_rule_meets(facts):
    case = incident(**facts)

    assert incident_rule_may_be_met(incident=case, rule=RULE) or not met(case)


def test_the_sift_drops_an_incident_that_fails_the_rule_whatever_the_ages():
    young = born_years_before(16)

    assert not incident_rule_may_be_met(incident=incident(victim=young, weapon=""), rule=RULE)
    assert not incident_rule_may_be_met(incident=incident(gang_related=False), rule=RULE)
    adult = incident(victim=Person(date_of_birth=ADULT))
    assert incident_rule_may_be_met(incident=adult, rule=RULE)


def random_incident_fields(rng: random.Random) -> dict[str, object]:
    """Every field a fact could read, and some no fact does, at random."""
    flags = ["firearm_discharged", "kidnapping", "gang_related", "outside_borough"]
    flags += ["child_in_victim_household", "child_in_suspect_household", "domestic_abuse"]
    return {
        "weapon": rng.choice(["", *Incident.Weapon.values]),
        "injury": rng.choice(["", *Incident.Injury.values]),
        "ward": rng.choice(["", "Peckham"]),
        "category": rng.choice(Incident.Category.values),
        "victim_id": rng.choice([None, 1, 2]),
        "suspect_id": rng.choice([None, 3]),
    } | {flag: rng.random() < 0.5 for flag in flags}


@pytest.mark.parametrize("fact", sorted(FACTS))
def test_each_fact_reads_only_the_fields_it_names(fact):
    rng = random.Random(fact)
    for _ in range(300):
        fields = random_incident_fields(rng)
        named = {field: fields[field] for field in FACT_FIELDS[fact]}

        assert FACTS[fact](Incident(**fields)) == FACTS[fact](Incident(**named))


@pytest.mark.django_db
def test_the_sift_judges_each_incident_as_the_rule_does(monkeypatch):
    monkeypatch.setattr(services, "_sirm_pathway", lambda: Pathway(definition=SIRM))
    rng = random.Random(7)
    incidents = [random_incident_fields(rng) for _ in range(2_000)]
    columns = {name: [fields[name] for fields in incidents] for name in incidents[0]}
    columns["id"] = list(range(len(incidents)))
    sift = services.SirmSift()

    sift.sift(columns=columns)

    may = [
        n
        for n, f in enumerate(incidents)
        if incident_rule_may_be_met(incident=Incident(**f), rule=RULE)
    ]
    assert sift._chunks == [may] and 0 < len(may) < len(incidents)
