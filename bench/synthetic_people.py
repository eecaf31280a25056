"""A synthetic borough whose true identities are known, for measuring record linkage.

`generate_population(records=..., seed=...)` returns partner agencies' extracts ("police",
"probation", "hospital", "schools", "social_care") as one DataFrame: one row per record, with
`unique_id`, `source`, `true_person_id` and the engine's RECORD_COLUMNS. Each true person
appears in one to five extracts, some twice in the same extract, and each record is corrupted
independently at the rates in `CORRUPTION_RATES`, as agencies' data entry corrupts them: the
model must link through typos, nicknames, transposed dates, marriages and moves, and must
not link the people who share a household's surname and postcode (including twins).

People live in households (one surname and postcode shared by most members), names are drawn
from UK-ish lists with a long tail of rarer names, postcodes are shaped like a south London
borough's ("SE15 4QT"). Everything is vectorised numpy except the per-record typos, which touch
a few percent of rows; a million records take a few seconds. The same seed gives the same rows.
"""

import string
from dataclasses import dataclass

import numpy as np
import pandas as pd


def _words(text: str) -> list[str]:
    return text.split()


AGENCIES = ("police", "probation", "hospital", "schools", "social_care")

# Probability, per record unless marked per person, that the corruption is applied.
CORRUPTION_RATES: dict[str, float] = {
    "given_name_nickname": 0.10,  # of records whose name has a short form ("Bill" for William)
    "given_name_typo": 0.03,  # one letter inserted, deleted, substituted or transposed
    "family_name_typo": 0.04,
    "given_name_missing": 0.005,
    "family_name_missing": 0.005,
    "date_of_birth_missing": 0.05,
    "date_of_birth_transposed": 0.02,  # day and month swapped (where the day is 12 or less)
    "date_of_birth_year_off_by_one": 0.02,
    "date_of_birth_digit_typo": 0.01,  # one digit of the day wrong
    "postcode_missing": 0.06,
    "sex_missing": 0.03,
    "married_women_with_previous_surname": 0.35,  # per person: women born before 1994
    "previous_surname_used": 0.35,  # of those women's records
    "people_who_moved": 0.25,  # per person: a previous address, half in the same district
    "previous_address_used": 0.5,  # of those people's records
}
# How many of the five extracts a person appears in, and how often an agency holds them twice.
EXTRACT_COUNT_PROBABILITIES = (0.40, 0.28, 0.17, 0.10, 0.05)
DUPLICATE_WITHIN_EXTRACT = 0.08
HOUSEHOLD_SIZE_PROBABILITIES = (0.30, 0.30, 0.20, 0.15, 0.05)
OWN_SURNAME_IN_HOUSEHOLD = 0.15  # lodgers, step-children, partners who kept their name
TWIN_RATE = 0.03  # of the third and later members of a household: same birthday as the last

FEMALE_NAMES = _words(
    """
olivia amelia isla ava emily sophia grace mia poppy ella lily evie isabella sophie ivy freya
charlotte jessica rosie daisy alice florence elsie sienna phoebe matilda evelyn ruby chloe hannah
lucy emma sarah laura rebecca amy rachel jennifer nicola samantha katherine elizabeth victoria
helen joanne claire louise michelle lisa karen susan margaret patricia mary jean barbara dorothy
christine linda deborah julie angela tracey amanda kelly natalie gemma hayley stacey leanne zoe
megan abigail holly bethany lauren jade chelsea shannon kirsty fatima aisha zainab maryam priya
amira khadija chioma blessing precious abena ngozi agnieszka joanna anna maria eleanor harriet
alexandra josephine penelope christina frances catherine kathleen gabriella isabelle theresa
yvonne janet pauline sandra wendy carol brenda shirley sheila valerie jasmine aaliyah hafsa
"""
)
MALE_NAMES = _words(
    """
oliver george noah arthur harry leo muhammad jack charlie oscar jacob henry thomas freddie alfie
theo william theodore archie joshua alexander james isaac edward lucas tommy finley max logan
ethan samuel daniel joseph benjamin michael david john robert richard paul mark andrew stephen
peter christopher matthew anthony kevin gary simon neil darren wayne lee craig jason dean ryan
liam connor callum jordan kyle lewis nathan adam luke aaron jamie scott kenneth ronald terence
leonard frederick albert alfred harold francis patrick philip timothy nicholas gregory lawrence
jonathan ibrahim yusuf omar ali hassan mohammed ahmed abdul tariq kwame kofi emeka chinedu tunde
piotr tomasz krzysztof marek gabriel zachary nathaniel steven dennis keith trevor graham barry roy
"""
)
# The short forms agencies record. Deliberately not identical to the engine's map: some records
# use forms the engine does not know ("mags", "benny"), as real data would.
NICKNAMES = {
    "william": ("bill", "billy", "will", "liam"),
    "robert": ("rob", "bob", "bobby", "robbie"),
    "richard": ("rich", "rick", "dick", "richie"),
    "elizabeth": ("liz", "beth", "lizzie", "betty"),
    "margaret": ("maggie", "peggy", "meg", "mags"),
    "katherine": ("kate", "katie", "kathy"),
    "catherine": ("cath", "cathy", "kate"),
    "thomas": ("tom", "tommy"),
    "james": ("jim", "jimmy", "jamie"),
    "michael": ("mike", "mick", "micky"),
    "christopher": ("chris", "kit"),
    "alexander": ("alex", "sandy"),
    "alexandra": ("alex", "lexi"),
    "jennifer": ("jen", "jenny"),
    "rebecca": ("becky", "becca"),
    "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davey"),
    "anthony": ("tony",),
    "andrew": ("andy", "drew"),
    "matthew": ("matt",),
    "nicholas": ("nick", "nicky"),
    "joseph": ("joe", "joey"),
    "benjamin": ("ben", "benny"),
    "edward": ("ed", "eddie", "ted"),
    "frederick": ("fred", "freddie"),
    "stephen": ("steve",),
    "steven": ("steve", "stevie"),
    "jonathan": ("jon", "jonny"),
    "josephine": ("jo", "josie"),
    "victoria": ("vicky", "tori"),
    "patricia": ("pat", "trish"),
    "susan": ("sue", "susie"),
    "deborah": ("debbie", "debs"),
    "christine": ("chris", "chrissie"),
    "kenneth": ("ken", "kenny"),
    "timothy": ("tim",),
    "abigail": ("abby", "abi"),
    "isabella": ("bella", "izzy"),
    "charlotte": ("lottie", "charlie"),
    "eleanor": ("ellie", "nell"),
    "penelope": ("penny",),
    "jessica": ("jess",),
    "gabriella": ("gabby",),
    "joshua": ("josh",),
    "harold": ("harry",),
    "lawrence": ("larry",),
    "terence": ("terry",),
    "leonard": ("len", "lenny"),
    "zachary": ("zach",),
    "philip": ("phil",),
    "gregory": ("greg",),
    "ronald": ("ron", "ronnie"),
    "albert": ("bert",),
    "alfred": ("alf", "alfie"),
    "dorothy": ("dot", "dotty"),
}
COMMON_SURNAMES = _words(
    """
smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson
wright walker white edwards hughes green hall lewis harris clarke patel jackson wood turner
martin cooper hill ward morris moore clark lee king baker harrison morgan allen james scott
phillips watson davis parker price bennett young griffiths mitchell kelly cook carter richardson
bailey collins bell shaw murphy miller cox richards khan marshall anderson simpson ellis adams
singh begum wilkinson foster chapman powell webb rogers gray mason ali hunt hussain campbell
matthews owen palmer holmes mills barnes knight lloyd butler russell barker fisher stevens
jenkins murray dixon harvey graham pearson ahmed fletcher walsh kaur gibson howard andrews
stewart elliott reynolds saunders payne fox ford pearce day brooks west lawrence cole atkinson
bradley spencer gill dawson ball burton obrien watts rose booth perry ryan grant wells armstrong
francis rees hayes hart hudson newman barrett webster hunter gregory carr lowe page marsh riley
dunn woods parsons berry stone reid holland hawkins harding porter robertson newton oliver reed
kennedy williamson bird gardner shah dean lane cooke bates henderson parry burgess bishop walton
burns nicholson shepherd ross cross long freeman warren nicholls hamilton byrne sutton mcdonald
yates hodgson robson curtis hopkins okafor adeyemi mensah nowak kowalski osei okoro boateng
"""
)
_SURNAME_STARTS = _words(
    """
ash brad whit hol thorn mar black red green hard win pen lang stan ever kirk fair haw ox rad
wake bur sel ald bright cal dun ham nor shel wen col brom fen har lat mil pad rud sax tad
"""
)
_SURNAME_MIDDLES = ("", "er", "ing", "el", "en", "ow", "am", "is")
_SURNAME_ENDS = _words(
    """
ley ton field wood worth ham by ford well stead more dale son ridge combe hurst wick thorpe
croft low den ling stone bury gate shaw
"""
)
_RARE_GIVEN_STARTS = _words("ka lu mi ta ro za ne sa de ja ri co be ma na")
_RARE_GIVEN_ENDS = _words("ra na lia ton rin vin dra son ley ette mir ko")
DISTRICTS = _words("SE1 SE5 SE11 SE15 SE16 SE17 SE21 SE22 SE24 SE27 SW2 SW4 SW8 SW9 SW16")
_UNIT_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))
UNITS_PER_SECTOR = 150
EARLIEST_BIRTH, LATEST_BIRTH = np.datetime64("1940-01-01"), np.datetime64("2012-12-31")


@dataclass(frozen=True)
class People:
    """The true persons: one entry per person in each array."""

    given_name: np.ndarray
    family_name: np.ndarray
    previous_family_name: np.ndarray  # "" unless she has one
    date_of_birth: np.ndarray  # datetime64[D]
    sex: np.ndarray
    postcode: np.ndarray
    previous_postcode: np.ndarray  # "" unless they moved


def generate_population(*, records: int = 1_000_000, seed: int = 20261201) -> pd.DataFrame:
    """Exactly `records` rows of agency extracts, with every row's true person."""
    rng = np.random.default_rng(seed)
    mean_records = _mean_records_per_person()
    people = generate_people(int(records / mean_records * 1.05) + 10, rng)
    person_of_record, source = _extract_memberships(len(people.sex), records, rng)
    frame = corrupted_records(people, person_of_record, rng)
    frame.insert(0, "source", np.asarray(AGENCIES)[source])
    frame.insert(1, "true_person_id", person_of_record)
    order = rng.permutation(records)
    frame = frame.iloc[order].reset_index(drop=True)
    frame.insert(0, "unique_id", [f"{s}-{i:07d}" for i, s in enumerate(frame["source"])])
    return frame


def generate_people(count: int, rng: np.random.Generator) -> People:
    """`count` true persons in households sharing a surname and a postcode."""
    household = _household_of_each_person(count, rng)
    household_count = int(household[-1]) + 1
    postcodes = _borough_postcodes()
    surnames, surname_weights = _surnames()
    household_postcode = postcodes[rng.integers(0, len(postcodes), household_count)]
    household_surname = rng.choice(surnames, household_count, p=surname_weights)

    sex = np.where(rng.random(count) < 0.5, "female", "male")
    family_name = household_surname[household]
    own_surname = rng.random(count) < OWN_SURNAME_IN_HOUSEHOLD
    family_name[own_surname] = rng.choice(surnames, int(own_surname.sum()), p=surname_weights)

    span = int((LATEST_BIRTH - EARLIEST_BIRTH).astype(int)) + 1
    date_of_birth = EARLIEST_BIRTH + rng.integers(0, span, count).astype("timedelta64[D]")
    position = np.arange(count) - np.searchsorted(household, household)
    twins = np.flatnonzero((position >= 2) & (rng.random(count) < TWIN_RATE))
    date_of_birth[twins] = date_of_birth[twins - 1]

    married = (
        (sex == "female")
        & (date_of_birth < np.datetime64("1994-01-01"))
        & (rng.random(count) < CORRUPTION_RATES["married_women_with_previous_surname"])
    )
    previous_family_name = np.full(count, "", dtype=object)
    previous_family_name[married] = rng.choice(surnames, int(married.sum()), p=surname_weights)

    postcode = household_postcode[household]
    moved = rng.random(count) < CORRUPTION_RATES["people_who_moved"]
    previous_postcode = np.full(count, "", dtype=object)
    previous_postcode[moved] = _nearby_or_elsewhere(postcode[moved], postcodes, rng)
    return People(
        given_name=_given_names(sex, rng),
        family_name=family_name,
        previous_family_name=previous_family_name,
        date_of_birth=date_of_birth,
        sex=sex,
        postcode=postcode,
        previous_postcode=previous_postcode,
    )


def corrupted_records(
    people: People, person_of_record: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """One record per entry of `person_of_record`, each corrupted independently."""
    n = len(person_of_record)
    rates = CORRUPTION_RATES

    def happens(rate: float) -> np.ndarray:
        return rng.random(n) < rate

    given = people.given_name[person_of_record].astype(object)
    _use_nicknames(given, happens(rates["given_name_nickname"]), rng)
    _apply_typos(given, happens(rates["given_name_typo"]), rng)
    given[happens(rates["given_name_missing"])] = None

    family = people.family_name[person_of_record].astype(object)
    previous = people.previous_family_name[person_of_record]
    use_previous = (previous != "") & happens(rates["previous_surname_used"])
    family[use_previous] = previous[use_previous]
    _apply_typos(family, happens(rates["family_name_typo"]), rng)
    family[happens(rates["family_name_missing"])] = None

    postcode = people.postcode[person_of_record].astype(object)
    moved_from = people.previous_postcode[person_of_record]
    at_previous = (moved_from != "") & happens(rates["previous_address_used"])
    postcode[at_previous] = moved_from[at_previous]
    postcode[happens(rates["postcode_missing"])] = None

    sex = people.sex[person_of_record].astype(object)
    sex[happens(rates["sex_missing"])] = None
    return pd.DataFrame(
        {
            "given_name": _as_entered(given, rng),
            "family_name": _as_entered(family, rng),
            "date_of_birth": _corrupted_dates(people.date_of_birth[person_of_record], happens),
            "sex": sex,
            "postcode": _postcodes_as_entered(postcode, rng),
        }
    )


def _mean_records_per_person() -> float:
    extracts = sum((k + 1) * p for k, p in enumerate(EXTRACT_COUNT_PROBABILITIES))
    return extracts * (1 + DUPLICATE_WITHIN_EXTRACT)


def _extract_memberships(
    people: int, records: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """(person, agency) for exactly `records` records: each person in 1-5 distinct extracts,
    sometimes twice in one; the last person's records are cut to make the total exact."""
    extracts = rng.choice(5, people, p=EXTRACT_COUNT_PROBABILITIES) + 1
    agency_order = np.argsort(rng.random((people, 5)), axis=1)
    in_extract = np.arange(5)[None, :] < extracts[:, None]
    person = np.broadcast_to(np.arange(people)[:, None], (people, 5))[in_extract]
    agency = agency_order[in_extract]
    twice = rng.random(len(person)) < DUPLICATE_WITHIN_EXTRACT
    person = np.concatenate([person, person[twice]])
    agency = np.concatenate([agency, agency[twice]])
    by_person = np.argsort(person, kind="stable")
    person, agency = person[by_person], agency[by_person]
    if len(person) < records:
        raise ValueError("too few people for the records asked for")
    return person[:records], agency[:records]


def _household_of_each_person(count: int, rng: np.random.Generator) -> np.ndarray:
    sizes = rng.choice(5, count, p=HOUSEHOLD_SIZE_PROBABILITIES) + 1
    return np.repeat(np.arange(count), sizes)[:count]


def _borough_postcodes() -> np.ndarray:
    """Every postcode of the borough: 15 districts x 10 sectors x 150 units."""
    rng = np.random.default_rng(0)  # the borough's shape is the same whatever the seed
    codes = []
    for district in DISTRICTS:
        for sector in range(10):
            units = rng.choice(len(_UNIT_LETTERS) ** 2, UNITS_PER_SECTOR, replace=False)
            first, second = _UNIT_LETTERS[units // 20], _UNIT_LETTERS[units % 20]
            codes.extend(f"{district} {sector}{a}{b}" for a, b in zip(first, second, strict=True))
    return np.array(codes, dtype=object)


def _nearby_or_elsewhere(
    postcodes: np.ndarray, borough: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A previous address: half in the same sector (a move down the road), half anywhere."""
    elsewhere = borough[rng.integers(0, len(borough), len(postcodes))]
    units = rng.integers(0, len(_UNIT_LETTERS), (len(postcodes), 2))
    nearby = np.array(
        [
            f"{code[:-2]}{_UNIT_LETTERS[a]}{_UNIT_LETTERS[b]}"
            for code, (a, b) in zip(postcodes, units, strict=True)
        ],
        dtype=object,
    )
    moved = np.where(rng.random(len(postcodes)) < 0.5, nearby, elsewhere)
    # A "move" to the very same unit is no move; send those elsewhere.
    return np.where(moved == postcodes, elsewhere, moved)


def _zipf_weights(count: int, exponent: float, offset: float) -> np.ndarray:
    weights = 1.0 / (np.arange(count) + offset) ** exponent
    return weights / weights.sum()


def _surnames() -> tuple[np.ndarray, np.ndarray]:
    """Common surnames for 35% of people (Smith about 1%, as in England and Wales), a long tail
    of about 9,000 rarer ones for the rest."""
    tail = sorted(
        {
            start + middle + end
            for start in _SURNAME_STARTS
            for middle in _SURNAME_MIDDLES
            for end in _SURNAME_ENDS
        }
        - set(COMMON_SURNAMES)
    )
    order = np.random.default_rng(1).permutation(len(tail))
    names = np.array(COMMON_SURNAMES + [tail[i] for i in order], dtype=object)
    weights = np.concatenate(
        [
            0.35 * _zipf_weights(len(COMMON_SURNAMES), 1.0, 10.0),
            0.65 * _zipf_weights(len(tail), 0.6, 10.0),
        ]
    )
    return names, weights


def _given_names(sex: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Names from each sex's list by popularity, with 5% rarer invented names."""
    rare = np.array(
        sorted({a + b for a in _RARE_GIVEN_STARTS for b in _RARE_GIVEN_ENDS}), dtype=object
    )
    names = np.empty(len(sex), dtype=object)
    for this_sex, pool in (("female", FEMALE_NAMES), ("male", MALE_NAMES)):
        chosen = np.flatnonzero(sex == this_sex)
        names[chosen] = rng.choice(pool, len(chosen), p=_zipf_weights(len(pool), 0.9, 8.0))
    invented = rng.random(len(sex)) < 0.05
    names[invented] = rng.choice(rare, int(invented.sum()))
    return names


def _use_nicknames(given: np.ndarray, chosen: np.ndarray, rng: np.random.Generator) -> None:
    for i in np.flatnonzero(chosen):
        short_forms = NICKNAMES.get(given[i])
        if short_forms:
            given[i] = short_forms[rng.integers(len(short_forms))]


def _apply_typos(values: np.ndarray, chosen: np.ndarray, rng: np.random.Generator) -> None:
    """One keying error in each chosen value: insert, delete, substitute or transpose."""
    letters = string.ascii_lowercase
    for i in np.flatnonzero(chosen):
        word = values[i]
        if not word or len(word) < 3:
            continue
        at = int(rng.integers(1, len(word)))  # agencies rarely get the first letter wrong
        kind = rng.integers(4)
        letter = letters[rng.integers(26)]
        if kind == 0:
            word = word[:at] + letter + word[at:]
        elif kind == 1:
            word = word[:at] + word[at + 1 :]
        elif kind == 2:
            word = word[:at] + letter + word[at + 1 :]
        elif at < len(word) - 1:
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        else:
            word = word[: at - 1] + word[at] + word[at - 1]
        values[i] = word


def _corrupted_dates(dates: np.ndarray, happens) -> np.ndarray:
    text = np.datetime_as_string(dates, unit="D").astype(object)
    rates = CORRUPTION_RATES
    for i in np.flatnonzero(happens(rates["date_of_birth_transposed"])):
        year, month, day = text[i].split("-")
        if int(day) <= 12 and day != month:
            text[i] = f"{year}-{day}-{month}"
    for i in np.flatnonzero(happens(rates["date_of_birth_year_off_by_one"])):
        year, rest = text[i][:4], text[i][4:]
        shifted = f"{int(year) + (1 if i % 2 else -1)}{rest}"
        text[i] = shifted if rest != "-02-29" else text[i]  # 29 February is in leap years only
    for i in np.flatnonzero(happens(rates["date_of_birth_digit_typo"])):
        day = int(text[i][8:])
        wrong = day + 1 if day < 28 else day - 1
        text[i] = f"{text[i][:8]}{wrong:02d}"
    text[happens(rates["date_of_birth_missing"])] = None
    return text


def _as_entered(names: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """How a name arrives: capitalised mostly, in capitals from some systems (not corruption:
    the engine's cleaning undoes it)."""
    style = rng.random(len(names))
    entered = np.empty(len(names), dtype=object)
    for i, (name, draw) in enumerate(zip(names, style, strict=True)):
        if name is None:
            entered[i] = None
        elif draw < 0.25:
            entered[i] = name.upper()
        else:
            entered[i] = name.capitalize()
    return entered


def _postcodes_as_entered(postcodes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    style = rng.random(len(postcodes))
    entered = postcodes.copy()
    for i in np.flatnonzero(style < 0.2):
        if entered[i] is not None:
            entered[i] = (
                entered[i].replace(" ", "").lower()
                if style[i] < 0.05
                else entered[i].replace(" ", "")
            )
    return entered
