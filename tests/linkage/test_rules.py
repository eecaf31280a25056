"""Hard rules: what keeps two records apart whatever the model scores them, in automatic
linking, in the queue and when an analyst confirms a pair."""

from datetime import date

import pytest
from django.utils import timezone

from casebridge.core.errors import ApplicationError
from casebridge.imports.models import ImportBatch, LoadedRow, PartnerEvent
from casebridge.incidents.models import Incident
from casebridge.linkage.models import MatchReview, PersonMerge
from casebridge.linkage.rules import HardRules, kept_apart_reasons
from casebridge.linkage.services import match_confirm, people_link
from casebridge.pathways.models import CasePerson
from casebridge.people.models import Identifier, Person, Relationship
from tests.factories import AgencyFactory, CaseFactory
from tests.linkage.factories import (
    analyst,
    current_model,
    merge_of,
    pending_review,
    person,
    undated_class_model,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def actor():
    return analyst()


def twin_records() -> tuple[Person, Person]:
    """Two records with the same details: the model would link them automatically."""
    return person(), person(family="Hussein")


def identify(someone: Person, scheme: str, value: str) -> None:
    Identifier.objects.create(person=someone, scheme=scheme, value=value)


def reason(one: Person, other: Person) -> str | None:
    return HardRules.load(person_ids={str(one.pk), str(other.pk)}).reason(
        str(one.pk), str(other.pk)
    )


@pytest.mark.parametrize(
    ("scheme", "words"),
    [
        ("pnc", "Police National Computer IDs"),
        ("nhs", "NHS numbers"),
        ("probation", "Probation case reference (CRN)s"),
    ],
)
def test_different_identifiers_of_one_scheme_keep_two_records_apart(scheme, words):
    one, other = twin_records()
    identify(one, scheme, "A1")
    identify(other, scheme, "B2")
    assert reason(one, other) == f"They have different {words}."


def test_identifiers_of_different_schemes_do_not_keep_records_apart():
    one, other = twin_records()
    identify(one, "pnc", "A1")
    identify(other, "nhs", "B2")
    assert reason(one, other) is None


def test_two_people_one_extract_records_with_their_own_references_stay_apart(actor):
    one, other = twin_records()
    identify(one, "council", "SC-1")
    identify(other, "council", "SC-2")
    council = AgencyFactory()
    batch = ImportBatch.objects.create(
        kind="social-care-episodes",
        supplied_by=council,
        imported_by=actor,
        file_name="care.csv",
        file_sha256="0" * 64,
        file_size=1,
        imported_by_agency=actor.agency,
    )
    for line, recorded in enumerate([one, other], start=2):
        event = PartnerEvent.objects.create(
            kind=batch.kind,
            supplied_by=council,
            reference=f"E{line}",
            occurred_on=date(2026, 1, 5),
            person=recorded,
            details={},
        )
        LoadedRow.objects.create(
            batch=batch,
            line_number=line,
            kind=batch.kind,
            supplied_by=council,
            reference=event.reference,
            digest="0" * 64,
            stable_digest="0" * 64,
            event=event,
            recorded_subject=True,
        )
    assert reason(one, other) == (
        "One partner extract records them as two people, each with a reference."
    )


def test_known_different_sexes_keep_records_apart_and_not_known_does_not():
    woman, man, unknown = person(), person(sex="male"), person(sex="not_known")
    assert reason(woman, man) == "One is recorded as female and the other as male."
    assert reason(woman, unknown) is None


def test_a_victim_and_the_alleged_perpetrator_of_one_case_are_never_one_person():
    victim, perpetrator = twin_records()
    case = CaseFactory(subject=victim)
    CasePerson.objects.create(case=case, person=perpetrator, role=CasePerson.Role.PERPETRATOR)
    assert "named together in one case" in reason(victim, perpetrator)


def test_the_victim_and_the_suspect_of_one_incident_are_never_one_person():
    victim, suspect = twin_records()
    Incident.objects.create(
        reporting_agency=AgencyFactory(),
        reference="01/1/26",
        category="violence_with_injury",
        occurred_at=timezone.now(),
        victim=victim,
        suspect=suspect,
    )
    assert reason(victim, suspect) == "They are the victim and the suspect of one incident."


def test_two_people_with_a_recorded_relationship_are_never_one_person():
    mother, daughter = twin_records()
    Relationship.objects.create(person=mother, related_person=daughter, kind="parent")
    assert "relationship is recorded" in reason(daughter, mother)


def test_a_rule_looks_at_every_record_merged_into_either_side(actor):
    victim, perpetrator, perpetrators_other_record = person(), person(), person()
    merge_of(perpetrators_other_record, perpetrator, by=actor)
    case = CaseFactory(subject=victim)
    CasePerson.objects.create(
        case=case, person=perpetrators_other_record, role=CasePerson.Role.PERPETRATOR
    )
    assert "named together" in reason(victim, perpetrator)


def test_automatic_linking_keeps_apart_what_a_rule_separates_and_says_why(actor):
    current_model()
    held, arrived = person(), person(family="Hussein", born=date(1991, 3, 8))
    identify(held, "pnc", "A1")
    identify(arrived, "pnc", "B2")

    summary = people_link(actor=actor, person_ids=[arrived.pk], source="import batch 12")

    assert (summary.automatic, summary.queued, summary.new, summary.kept_apart) == (0, 0, 1, 1)
    assert not PersonMerge.objects.exists()
    review = MatchReview.objects.get()
    assert review.status == MatchReview.Status.REJECTED
    assert review.decision_reason == (
        "Kept apart by a rule: They have different Police National Computer IDs."
    )


def test_an_analyst_cannot_confirm_a_pair_a_rule_keeps_apart(actor):
    woman, man = person(), person(sex="male")
    review = pending_review(woman, man)

    with pytest.raises(ApplicationError, match="recorded as female and the other as male"):
        match_confirm(actor=actor, review=review)
    review.refresh_from_db()
    assert review.status == MatchReview.Status.PENDING


def test_the_queue_learns_which_pending_pairs_a_rule_now_stops_and_why():
    victim, perpetrator, stranger = person(), person(), person()
    blocked, open_pair = pending_review(victim, perpetrator), pending_review(stranger, victim)
    case = CaseFactory(subject=victim)
    CasePerson.objects.create(case=case, person=perpetrator, role=CasePerson.Role.PERPETRATOR)

    reasons = kept_apart_reasons(reviews=[blocked, open_pair])

    assert list(reasons) == [blocked.pk] and "named together" in reasons[blocked.pk]


def recorded_by(someone: Person, kind: str, day: date) -> None:
    """An event of a partner extract of ``kind`` about ``someone``, on ``day``."""
    PartnerEvent.objects.create(
        kind=kind,
        supplied_by=AgencyFactory(),
        reference=str(someone.pk),
        occurred_on=day,
        person=someone,
        details={},
    )


def father_and_son() -> tuple[Person, Person]:
    """A father with his date of birth, and his same-named son's record without one, at one
    address: nothing the model compares tells them apart."""
    father = person("David", "Okafor", date(1971, 5, 2), sex=Person.Sex.MALE, postcode="E8 3PL")
    son = person("David", "Okafor", None, sex=Person.Sex.MALE, postcode="E8 3PL")
    return father, son


def test_a_childs_school_record_without_a_date_of_birth_is_never_merged_with_an_adults(actor):
    # The undated class links automatically here: only the school's ages keep them apart.
    undated_class_model(one_person=1.0)
    father, son = father_and_son()
    recorded_by(son, "school-exclusions", date(2022, 3, 7))

    summary = people_link(actor=actor, person_ids=[son.pk], source="import batch 12")

    assert (summary.automatic, summary.kept_apart) == (0, 1)
    assert not PersonMerge.objects.exists()
    review = MatchReview.objects.get()
    assert review.existing_id == father.pk
    assert review.decision_reason == (
        "Kept apart by a rule: One has no date of birth but comes from School suspensions and "
        "permanent exclusions, which holds people aged 4 to 19; the other's date of birth makes "
        "them 50 on 7 Mar 2022."
    )


def test_a_school_record_without_a_date_of_birth_still_links_to_a_pupil_of_that_age(actor):
    undated_class_model(one_person=1.0)
    pupil = person("David", "Okafor", date(2008, 5, 2), sex=Person.Sex.MALE, postcode="E8 3PL")
    exclusion = person("David", "Okafor", None, sex=Person.Sex.MALE, postcode="E8 3PL")
    recorded_by(exclusion, "school-exclusions", date(2022, 3, 7))

    summary = people_link(actor=actor, person_ids=[exclusion.pk], source="import batch 12")

    assert (summary.automatic, summary.kept_apart) == (1, 0)
    assert PersonMerge.objects.get().survivor == pupil


def test_an_adults_extract_keeps_its_undated_record_apart_from_a_child():
    child = person("David", "Okafor", date(2012, 5, 2), sex=Person.Sex.MALE)
    supervised = person("David", "Okafor", None, sex=Person.Sex.MALE)
    recorded_by(supervised, "probation-events", date(2022, 9, 1))
    assert "aged 18 or over; the other's date of birth makes them 10" in reason(child, supervised)


def test_the_extracts_ages_allow_a_mistyped_year_and_stand_in_only_for_a_missing_date():
    undated = person("David", "Okafor", None, sex=Person.Sex.MALE)
    recorded_by(undated, "school-exclusions", date(2022, 3, 7))
    # 20 on the day: a year past the school's oldest, within a mistyped year.
    assert reason(person(born=date(2001, 9, 1), sex=Person.Sex.MALE), undated) is None
    dated_pupil = person("David", "Okafor", date(1971, 5, 2), sex=Person.Sex.MALE)
    recorded_by(dated_pupil, "school-exclusions", date(2022, 3, 7))
    assert reason(person(born=date(1971, 5, 2), sex=Person.Sex.MALE), dated_pupil) is None
