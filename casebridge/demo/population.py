"""Making one synthetic resident: names, sex, age, ethnicity, addresses and identifiers."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TypeVar

from casebridge.demo.identifiers import IdentifierAllocator, home_address
from casebridge.demo.names import Pools
from casebridge.people.models import Identifier, Person
from casebridge.people.services import AddressDetails, PersonDetails

T = TypeVar("T")

Ethnicity = Person.Ethnicity
Sex = Person.Sex

# London, 2021 census, high-level ethnic groups (per cent of residents).
LONDON_ETHNICITY: dict[str, float] = {
    Ethnicity.WHITE: 53.8,
    Ethnicity.ASIAN: 20.7,
    Ethnicity.BLACK: 13.5,
    Ethnicity.MIXED: 5.7,
    Ethnicity.OTHER: 6.3,
}
NOT_RECORDED_SHARE = 0.05

# Which name pools each group's names come from.
NAME_GROUPS: dict[str, dict[str, float]] = {
    Ethnicity.WHITE: {"british": 70, "european": 24, "mediterranean": 6},
    Ethnicity.ASIAN: {"south_asian": 85, "east_asian": 15},
    Ethnicity.BLACK: {"black_african": 62, "caribbean": 38},
    Ethnicity.MIXED: {"british": 40, "caribbean": 35, "black_african": 10, "european": 15},
    Ethnicity.OTHER: {"arabic": 55, "latin": 20, "mediterranean": 15, "east_asian": 10},
}

# Age bands of the residents agencies know (lower, upper inclusive, weight).
RESIDENT_AGES: tuple[tuple[int, int, float], ...] = (
    (0, 9, 10),
    (10, 17, 12),
    (18, 24, 12),
    (25, 34, 18),
    (35, 44, 17),
    (45, 54, 13),
    (55, 64, 9),
    (65, 79, 7),
    (80, 95, 2),
)
DISABILITY = {
    Person.YesNoUnknown.YES: 14,
    Person.YesNoUnknown.NO: 66,
    Person.YesNoUnknown.NOT_KNOWN: 20,
}
ORIENTATION = {
    Person.SexualOrientation.HETEROSEXUAL: 60,
    Person.SexualOrientation.GAY_LESBIAN: 2,
    Person.SexualOrientation.BISEXUAL: 1.5,
    Person.SexualOrientation.OTHER: 0.5,
    Person.SexualOrientation.NOT_RECORDED: 36,
}
GENDER_IDENTITIES = ("Trans woman", "Trans man", "Non-binary")
NICKNAMES = {
    "Michael": "Mick",
    "Daniel": "Danny",
    "Thomas": "Tommy",
    "Jessica": "Jess",
    "Rebecca": "Becky",
    "Samuel": "Sam",
    "Christopher": "Chris",
    "Joseph": "Joe",
    "Muhammad": "Mo",
    "Mohammed": "Mo",
    "Oluwaseun": "Seun",
    "Alexandra": "Alex",
}


def weighted(rng: random.Random, weights: dict[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def age_in_band(rng: random.Random, bands: Sequence[tuple[int, int, float]]) -> int:
    low, high, _ = rng.choices(bands, weights=[band[2] for band in bands])[0]
    return rng.randint(low, high)


def birth_date(rng: random.Random, *, age: int, on: date) -> date:
    """A date of birth giving ``age`` (in whole years) on the day ``on``."""
    anchor = on - timedelta(days=1) if (on.month, on.day) == (2, 29) else on
    latest = anchor.replace(year=anchor.year - age)
    return latest - timedelta(days=rng.randint(0, 364))


@dataclass(frozen=True)
class Identity:
    """Who someone is before they are recorded: the parts relatives share."""

    ethnicity: str
    name_group: str


class PersonMaker:
    """Builds ``PersonDetails`` from one random stream, so the same seed gives the same people."""

    def __init__(self, rng: random.Random, pools: Pools, ids: IdentifierAllocator) -> None:
        self.rng = rng
        self.pools = pools
        self.ids = ids

    def identity(self, ethnicity: str | None = None) -> Identity:
        ethnicity = ethnicity or weighted(self.rng, LONDON_ETHNICITY)
        return Identity(ethnicity, weighted(self.rng, NAME_GROUPS[ethnicity]))

    def given_name(self, group: str, sex: str) -> str:
        pool = self.pools.names[group]
        if sex == Sex.NOT_KNOWN:
            sex = self.rng.choice((Sex.FEMALE, Sex.MALE))
        return self.rng.choice(pool.female if sex == Sex.FEMALE else pool.male)

    def family_name(self, group: str) -> str:
        return self.rng.choice(self.pools.names[group].family)

    def addresses(self, *, on: date, age: int) -> list[AddressDetails]:
        moved_in = on - timedelta(days=self.rng.randint(30, 365 * min(max(age, 1), 12)))
        current = home_address(self.rng, self.pools, valid_from=moved_in)
        if self.rng.random() >= 0.2 or age < 2:
            return [current]
        earlier = home_address(
            self.rng, self.pools, valid_from=moved_in - timedelta(days=self.rng.randint(200, 2500))
        )
        return [current, replace(earlier, valid_to=moved_in)]

    def make(
        self,
        *,
        sex: str,
        age: int,
        on: date,
        identity: Identity | None = None,
        family_name: str | None = None,
        nhs_chance: float = 0.75,
        police_chance: float = 0.05,
        addresses: Sequence[AddressDetails] | None = None,
    ) -> PersonDetails:
        rng = self.rng
        identity = identity or self.identity()
        given = self.given_name(identity.name_group, sex)
        family = family_name or self.family_name(identity.name_group)
        aliases: list[tuple[str, str]] = []
        if rng.random() < 0.04:
            if sex == Sex.FEMALE and age >= 25:
                aliases.append((given, self.family_name(identity.name_group)))
            else:
                aliases.append((NICKNAMES.get(given, given[:3]), family))
        identifiers: list[tuple[str, str]] = []
        if rng.random() < nhs_chance:
            identifiers.append((Identifier.Scheme.NHS, self.ids.nhs_number()))
        if age >= 10 and rng.random() < police_chance:
            identifiers.append((Identifier.Scheme.POLICE_LOCAL, self.ids.police_reference()))
        gender_identity = ""
        if age >= 16 and rng.random() < 0.005:
            gender_identity = rng.choice(GENDER_IDENTITIES)
        return PersonDetails(
            given_name=given,
            family_name=family,
            date_of_birth=birth_date(rng, age=age, on=on),
            sex=sex,
            gender_identity=gender_identity,
            ethnicity=(
                Ethnicity.NOT_RECORDED if rng.random() < NOT_RECORDED_SHARE else identity.ethnicity
            ),
            disability=weighted(rng, DISABILITY),
            sexual_orientation=(
                weighted(rng, ORIENTATION) if age >= 16 else Person.SexualOrientation.NOT_RECORDED
            ),
            aliases=tuple(aliases),
            addresses=tuple(self.addresses(on=on, age=age) if addresses is None else addresses),
            identifiers=tuple(identifiers),
        )

    def resident(self, *, on: date, nhs_chance: float, police_chance: float) -> PersonDetails:
        sex = weighted(self.rng, {Sex.FEMALE: 50.5, Sex.MALE: 48.5, Sex.NOT_KNOWN: 1})
        return self.make(
            sex=sex,
            age=age_in_band(self.rng, RESIDENT_AGES),
            on=on,
            nhs_chance=nhs_chance,
            police_chance=police_chance,
        )
