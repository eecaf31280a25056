"""Linkage test pieces: a model trained once per test run, analysts, and people with the fields
the engine compares."""

from datetime import date
from functools import cache

from django.utils import timezone

from bench.synthetic_people import generate_population
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.linkage import engine
from casebridge.linkage.models import LinkageModel, MatchReview, PersonMerge
from casebridge.people.models import Address, Person, PersonName
from casebridge.people.names import name_key
from tests.factories import AddressFactory, AgencyFactory, PersonFactory, UserFactory, role

# Thresholds the tests use, clear of where the test model scores the pairs below.
UPPER, LOWER = 20.0, 6.0


@cache
def trained_settings() -> dict:
    """A model trained on a synthetic borough of 4,000 records, once per test process: training
    on the handful of people a test records would be unstable, and slow if every test did it."""
    population = generate_population(records=4000, seed=11)
    return engine.train_model(records=population[list(engine.RECORD_COLUMNS)])


def current_model(
    *, upper: float = UPPER, lower: float = LOWER, calibrated: bool = False
) -> LinkageModel:
    """The test model in use, with the thresholds given (or, ``calibrated``, chosen by
    calibration at each run)."""
    settings = trained_settings()
    extras = {**settings[engine.MODEL_EXTRAS], "thresholds_given": not calibrated}
    return LinkageModel.objects.create(
        version=(LinkageModel.objects.count() + 1),
        settings={**settings, engine.MODEL_EXTRAS: extras},
        trained_at=timezone.now(),
        record_count=4000,
        backend="duckdb",
        upper_threshold=upper,
        lower_threshold=lower,
        is_current=True,
    )


def with_undated_evidence(
    model: LinkageModel,
    *,
    one_person: float,
    weights: range = range(-10, 41),
    agreeing: float = 40.0,
) -> LinkageModel:
    """The model's undated class as training counts it (``engine.calibration_counts``): 100
    undated pairs at each weight, and dated pairs that score each weight without their dates of
    birth, ``one_person`` of them with agreeing dates (weight ``agreeing``) and the rest with
    dates a generation apart (weight -10)."""
    extras = model.settings["casebridge"]
    extras["undated_bands"] = [[w, 100.0] for w in weights]
    extras["undated_evidence"] = [
        row
        for w in weights
        for row in ([w, agreeing, 1000.0 * one_person], [w, -10.0, 1000.0 * (1 - one_person)])
    ]
    model.save(update_fields=["settings"])
    return model


def undated_class_model(*, one_person: float) -> LinkageModel:
    """A calibrated current model whose undated class is ``one_person`` one person."""
    return with_undated_evidence(current_model(calibrated=True), one_person=one_person)


def analyst(agency: Agency | None = None) -> User:
    return UserFactory(
        role=role("analyst"), agency=agency or AgencyFactory(kind=Agency.Kind.COUNCIL)
    )


def person(
    given: str = "Amira",
    family: str = "Hussain",
    born: date | None = date(1991, 3, 8),
    *,
    sex: str = Person.Sex.FEMALE,
    postcode: str | None = "SE15 4QT",
    agency: Agency | None = None,
) -> Person:
    """A person with a primary name, date of birth, sex and (unless None) an open address."""
    someone = PersonFactory(
        name=(given, family),
        date_of_birth=born,
        sex=sex,
        **({"recorded_by_agency": agency} if agency else {}),
    )
    if postcode:
        AddressFactory(person=someone, postcode=postcode)
    return someone


def pending_review(incoming: Person, existing: Person, weight: float = 12.0) -> MatchReview:
    return MatchReview.objects.create(
        incoming=incoming,
        existing=existing,
        match_weight=weight,
        match_probability=1 - 2**-weight,
        evidence=[{"field": "date_of_birth", "label": "Exact match", "match_weight": 9.5}],
        source="import batch 1",
    )


def merge_of(duplicate: Person, survivor: Person, by: User) -> PersonMerge:
    duplicate.merged_into = survivor
    duplicate.save(update_fields=["merged_into"])
    return PersonMerge.objects.create(
        duplicate=duplicate,
        survivor=survivor,
        how=PersonMerge.How.AUTOMATIC,
        source="import batch 1",
        match_weight=25.0,
        match_probability=1.0,
        merged_by=by,
        merged_at=timezone.now(),
    )


def linkage_world(world) -> dict:
    """A review and a merge around the matrix world's person (tests/world.py)."""
    other = person("Jo", "Canarysdottir", agency=world.agency_b)
    duplicate = person("Joanne", "Canarysdottir", agency=world.agency_b)
    return {
        "review_id": pending_review(other, world.person).pk,
        "merge_id": merge_of(duplicate, world.person, by=analyst()).pk,
    }


def record_population(agency, records: int) -> None:
    """A synthetic borough's records as people, in bulk: enough for training to settle."""
    rows = generate_population(records=records, seed=3).to_dict("records")
    people = Person.objects.bulk_create(
        Person(
            date_of_birth=date.fromisoformat(row["date_of_birth"])
            if row["date_of_birth"]
            else None,
            sex=row["sex"] or Person.Sex.NOT_KNOWN,
            recorded_by_agency=agency,
        )
        for row in rows
    )
    given = [row["given_name"] or "" for row in rows]
    family = [row["family_name"] or "" for row in rows]
    PersonName.objects.bulk_create(
        PersonName(
            person=p,
            given_name=g,
            family_name=f,
            given_name_key=name_key(g),
            family_name_key=name_key(f),
            recorded_by_agency=agency,
            date_of_birth=p.date_of_birth,
        )
        for p, g, f in zip(people, given, family, strict=True)
    )
    Address.objects.bulk_create(
        Address(
            person=p,
            line_1="1 High Street",
            town="London",
            postcode=row["postcode"],
            valid_from=date(2020, 1, 1),
        )
        for p, row in zip(people, rows, strict=True)
        if row["postcode"]
    )
