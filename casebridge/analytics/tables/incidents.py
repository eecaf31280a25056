"""The incidents table: what was reported, by whom, its outcome, and the serious-violence
details the knife-crime and serious youth violence figures count (with the victim's age, sex and
ethnicity on the day)."""

from datetime import date, datetime
from uuid import UUID

import pyarrow as pa

from casebridge.analytics.tables.common import Survivors, TableSpec, age_band, local_day, values
from casebridge.core.dates import age_on
from casebridge.incidents.models import Incident

# The victim's age on the day, in the bands the serious youth violence figures are broken down by.
VICTIM_AGE_BANDS = ((0, 9), (10, 14), (15, 17), (18, 19), (20, 24))
SERIOUS_INJURIES = ("serious", "fatal")


def serious_violence(*, weapon: str, injury: str, kidnapping: bool) -> bool:
    """Most serious violence or a weapon-enabled offence, as far as an incident's fields tell:
    a weapon was used (or a firearm discharged, which needs one), the victim was seriously or
    fatally injured, or it was a kidnapping. Which offence categories count is the indicator's."""
    return bool(weapon) or injury in SERIOUS_INJURIES or kidnapping


INCIDENTS = pa.schema(
    [
        ("incident_id", pa.string()),
        ("category", pa.string()),
        ("domestic_abuse", pa.bool_()),
        ("occurred_on", pa.date32()),
        ("reporting_agency_kind", pa.string()),
        ("outcome", pa.string()),  # "" until the reporting agency records one
        ("outcome_on", pa.date32()),
        ("weapon", pa.string()),  # "", knife, firearm or other
        ("firearm_discharged", pa.bool_()),
        ("kidnapping", pa.bool_()),
        ("injury", pa.string()),  # "" (not recorded), none, injury, serious or fatal
        ("injured", pa.bool_()),  # any injury, serious or fatal
        ("serious_violence", pa.bool_()),  # see serious_violence()
        ("gang_related", pa.bool_()),
        ("ward", pa.string()),  # None when not recorded
        ("outside_borough", pa.bool_()),
        ("victim_id", pa.string()),  # the victim's surviving record
        ("victim_age", pa.int32()),  # whole years on the day
        ("victim_age_band", pa.string()),
        ("victim_sex", pa.string()),
        ("victim_ethnicity", pa.string()),
    ]
)


def incidents() -> TableSpec:
    survivors = Survivors()

    def victim(
        person: UUID | None, born: date | None, sex: str | None, on: date
    ) -> tuple[str | None, int | None, str | None]:
        if person is None:
            return None, None, None
        born, survivor_sex = survivors.born_and_sex(person, born, sex or "")
        return survivors.id(person), age_on(born, on), survivor_sex

    def row(
        pk: UUID,
        category: str,
        domestic: bool,
        occurred: datetime,
        agency: str,
        outcome: str,
        outcome_on: date | None,
        weapon: str,
        discharged: bool,
        kidnapping: bool,
        injury: str,
        gang: bool,
        ward: str,
        outside: bool,
        person: UUID | None,
        born: date | None,
        sex: str | None,
        ethnicity: str | None,
    ) -> tuple[object, ...]:
        on = local_day(occurred)
        victim_id, years, victim_sex = victim(person, born, sex, on)
        return (
            str(pk),
            category,
            domestic,
            on,
            agency,
            outcome,
            outcome_on,
            weapon,
            discharged,
            kidnapping,
            injury,
            injury in ("injury", *SERIOUS_INJURIES),
            serious_violence(weapon=weapon, injury=injury, kidnapping=kidnapping),
            gang,
            ward or None,
            outside,
            victim_id,
            years,
            age_band(years, VICTIM_AGE_BANDS),
            victim_sex,
            ethnicity,
        )

    rows = (
        row(*fields)
        for fields in values(
            Incident.objects.all(),
            "pk",
            "category",
            "domestic_abuse",
            "occurred_at",
            "reporting_agency__kind",
            "outcome",
            "outcome_on",
            "weapon",
            "firearm_discharged",
            "kidnapping",
            "injury",
            "gang_related",
            "ward",
            "outside_borough",
            "victim_id",
            "victim__date_of_birth",
            "victim__sex",
            "victim__ethnicity",
        )
    )
    return TableSpec(INCIDENTS, rows)
