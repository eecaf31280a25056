"""The other side of test_worker.py: run as ``python -m tests.jobs.world COMMAND`` in a process
of its own, on the database DATABASE_URL names (never the test run's, whose transaction a
worker could not see), with the settings a server and its workers use (the database backend).

- ``import ROWS``: migrate, load the definitions and schedules, record an analyst and the
  police, and queue an upload of ROWS police offences as a web request would; prints the
  batch's id and its run's.
- ``schedule DIRECTORY``: say it is ready in DIRECTORY, wait until another has too, then queue
  the schedules' due runs; prints how many this process queued (two of them race).
"""

import io
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

import django


def _import(rows: int) -> None:
    from django.core.management import call_command
    from django.utils import timezone

    from casebridge.imports.queueing import import_enqueue
    from casebridge.imports.services import import_start
    from casebridge.jobs.models import Schedule
    from casebridge.jobs.schedules import load_schedules
    from tests.imports.factories import analyst, offence, offences_csv, police
    from tests.migrated_database import load_definitions

    call_command("migrate", verbosity=0)
    load_definitions()
    load_schedules()
    # As if synced two days ago: both schedules have a due run now.
    Schedule.objects.update(created_at=timezone.now() - timedelta(days=2))
    actor = analyst()
    content = offences_csv(*(offence(f"{n // 1000:02d}/{n % 1000}/22") for n in range(rows)))
    batch = import_start(
        actor=actor,
        kind="police-offences",
        supplied_by=police(),
        file_name="offences.csv",
        content=io.BytesIO(content),
    )
    run = import_enqueue(actor=actor, batch=batch)
    print(batch.pk, run.pk)


def _schedule(directory: Path) -> None:
    from casebridge.jobs.services import schedules_enqueue_due

    (directory / f"ready-{os.getpid()}").touch()
    while len(list(directory.glob("ready-*"))) < 2:
        time.sleep(0.005)
    print(len(schedules_enqueue_due()))


if __name__ == "__main__":
    django.setup()
    command, argument = sys.argv[1:3]
    if command == "import":
        _import(int(argument))
    else:
        _schedule(Path(argument))
