"""The offence histories of the IOM cohort and of the young people in the youth justice system,
as the partners' extracts the analyst imports at the close of the period: the police's recorded
offences naming them as suspects (with cautions), the court outcomes of those charged, and the
Probation Service's releases onto licence, orders, recalls and licence ends.

The rows name people as the plan made them (``offending_plan``), with the PNC ID and CRN the
cohort's records hold, so each row attaches to the person it is about. The young people are
not otherwise recorded: the police extract records them, with their PNC IDs, and the court
extract then finds them by those.
"""

import csv
import tempfile
from collections.abc import Callable
from pathlib import Path

import time_machine

from casebridge.demo.calendar import AS_OF, PERIOD_END
from casebridge.demo.offenders import Offender
from casebridge.demo.offending_plan import plan_offending
from casebridge.demo.setup import Organisation
from casebridge.imports.models import ImportBatch
from casebridge.imports.services import import_file

ANALYST = "lee.chen"

Progress = Callable[[str], None]


def _identity(offender: Offender, prefix: str = "") -> dict[str, str]:
    details = offender.details
    born = details.date_of_birth
    return {
        f"{prefix}given_name": details.given_name,
        f"{prefix}family_name": details.family_name,
        f"{prefix}date_of_birth": born.isoformat() if born else "",
        f"{prefix}sex": {"female": "F", "male": "M"}.get(details.sex, ""),
        f"{prefix}postcode": details.addresses[0].postcode if details.addresses else "",
    }


def offence_rows(offenders: list[Offender]) -> list[dict[str, str]]:
    rows = []
    for offender in offenders:
        for offence in offender.offences:
            rows.append(
                {
                    "crime_reference": offence.reference,
                    "offence_group": offence.group,
                    "domestic_abuse_flag": "N",
                    "occurred_at": f"{offence.committed_at:%Y-%m-%d %H:%M}",
                    "outcome": offence.police_outcome,
                    "outcome_on": (
                        offence.police_outcome_on.isoformat() if offence.police_outcome_on else ""
                    ),
                    **_identity(offender, "suspect_"),
                    "suspect_pnc_id": offender.pnc,
                }
            )
    return rows


def court_rows(offenders: list[Offender]) -> list[dict[str, str]]:
    rows = []
    for offender in offenders:
        for offence in offender.offences:
            if offence.court_on is None:
                continue
            rows.append(
                {
                    "case_reference": f"CT-{offence.reference}",
                    "offence_on": offence.committed_on.isoformat(),
                    "outcome_on": offence.court_on.isoformat(),
                    "court": offence.court,
                    "verdict": offence.verdict,
                    "sentence": offence.sentence,
                    **_identity(offender),
                    "pnc_id": offender.pnc,
                }
            )
    return rows


def probation_rows(offenders: list[Offender]) -> list[dict[str, str]]:
    rows = []
    for offender in offenders:
        for event, day in sorted(offender.probation, key=lambda pair: pair[1]):
            rows.append(
                {
                    "event_reference": f"NB-OH-{len(rows):06d}",
                    "crn": offender.crn,
                    "event": event,
                    "event_on": day.isoformat(),
                    "tier": "a" if event == "licence_started" else "b",
                    "iom_cohort": "Y",
                    **_identity(offender),
                }
            )
    return rows


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_offence_histories(
    *, org: Organisation, seed: int, scale: float, progress: Progress
) -> None:
    """Import the three extracts on the period's last day, as the analyst does."""
    offenders = plan_offending(seed, scale).offenders
    extracts = [
        ("police-offences", "nb-police", offence_rows(offenders)),
        ("court-outcomes", "nb-police", court_rows(offenders)),
        ("probation-events", "nb-probation", probation_rows(offenders)),
    ]
    with (
        time_machine.travel(AS_OF, tick=False),
        tempfile.TemporaryDirectory(prefix="casebridge-demo-histories-") as directory,
    ):
        for kind, supplier, rows in extracts:
            if not rows:
                continue
            batch = import_file(
                actor=org.users[ANALYST],
                kind=kind,
                supplied_by=org.agencies[supplier],
                path=_write(Path(directory) / f"{kind}-histories-{PERIOD_END:%Y-%m}.csv", rows),
            )
            assert batch.status == ImportBatch.Status.LOADED, batch.error
            progress(
                f"  {kind} (offence histories): {batch.rows_loaded:,} rows loaded, "
                f"{batch.rows_rejected} rejected, {batch.people_matched} people found by "
                f"identifier, {batch.people_created} recorded"
            )
