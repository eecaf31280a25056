"""An analyst who imports, the agencies who send extracts, and files to send."""

import io
from pathlib import Path

from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.imports.formats import extract_format
from casebridge.imports.models import ImportBatch
from casebridge.imports.reading import Budget
from casebridge.imports.services import import_budget, import_run, import_start
from tests.factories import AgencyFactory, UserFactory, role

HEADER = (
    "crime_reference,offence_group,domestic_abuse_flag,occurred_at,outcome,outcome_on,"
    "victim_given_name,victim_family_name,victim_date_of_birth,victim_sex,victim_postcode"
)


def analyst(agency: Agency | None = None) -> User:
    return UserFactory(
        role=role("analyst"), agency=agency or AgencyFactory(kind=Agency.Kind.COUNCIL)
    )


def police() -> Agency:
    return AgencyFactory(kind=Agency.Kind.POLICE)


def offences_csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode() + b"\n"


def offence(reference: str = "01/1/22", **changes: str) -> str:
    values = {
        "crime_reference": reference,
        "offence_group": "violence_with_injury",
        "domestic_abuse_flag": "Y",
        "occurred_at": "2022-05-14 23:10",
        "outcome": "",
        "outcome_on": "",
        "victim_given_name": "Amira",
        "victim_family_name": "Hussain",
        "victim_date_of_birth": "1991-03-08",
        "victim_sex": "F",
        "victim_postcode": "SE15 4QT",
    } | changes
    return ",".join(values.values())


def run_import(
    *,
    actor: User,
    supplied_by: Agency,
    content: bytes,
    kind: str = "police-offences",
    file_name: str = "offences.csv",
) -> ImportBatch:
    batch = import_start(
        actor=actor,
        kind=kind,
        supplied_by=supplied_by,
        file_name=file_name,
        content=io.BytesIO(content),
    )
    return import_run(batch=batch)


def offences_budget() -> Budget:
    """What an import of police offences may read, as the settings say."""
    return import_budget(extract_format("police-offences"))


def example(kind: str) -> bytes:
    return Path(extract_format(kind).example_path()).read_bytes()


def matrix_batch(agency: Agency) -> ImportBatch:
    """A loaded batch imported by an analyst of ``agency``, with a rejected row."""
    content = "\n".join([HEADER, offence("01/1/22"), offence("01/2/22", offence_group="x")])
    return run_import(actor=analyst(agency), supplied_by=police(), content=content.encode())
