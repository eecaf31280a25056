"""``casebridge worker``: runs the background tasks (django-tasks-db's worker loop) and, every
``--tick`` seconds between them, tries again runs whose worker died and queues the schedules'
due runs. Run as many as you like, on SQLite or PostgreSQL: each task runs once, each due run
is queued once."""

import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db.utils import OperationalError
from django_tasks.utils import get_random_id
from django_tasks_db.management.commands.db_worker import Worker

from casebridge.jobs.services import runs_recover, schedules_enqueue_due

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run background tasks, try again those whose worker died, and queue the schedules' "
        "due runs. Stop it with Ctrl+C or SIGTERM: the task in hand finishes first."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1,
            help="seconds to wait when no task is queued (default: %(default)s)",
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=15,
            help="seconds between looks for dead runs and due schedules (default: %(default)s)",
        )
        parser.add_argument("--worker-id", default=get_random_id(), help="unique per worker")

    def handle(self, *args: Any, **options: Any) -> None:
        # Its loop says "starting" and "no more tasks" each time round (every second here).
        logging.getLogger("django_tasks_db").setLevel(logging.WARNING)
        worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,  # back here once no task is ready, for the tick
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=options["worker_id"],
            excluded_queue_names=[],
        )
        worker.configure_signals()
        logger.info("Worker %s started", options["worker_id"])
        next_tick = 0.0
        while worker.running:
            try:
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + options["tick"]
                    self._tick()
                worker.run()
            except OperationalError as error:
                # SQLite's write lock held past its timeout by a long import (another
                # worker's): try again next time round.
                logger.warning("The database was busy: %s", error)
            if worker.running:
                time.sleep(options["interval"])

    def _tick(self) -> None:
        try:
            for run in runs_recover():
                logger.warning(
                    "Run %s (%s): its worker stopped; now %s", run.pk, run.title, run.status
                )
            for run in schedules_enqueue_due():
                logger.info("Scheduled run %s queued: %s", run.pk, run.title)
        except OperationalError:
            raise  # a busy database: the loop waits and tries again
        except Exception:
            # The tasks still run; the tick is tried again next time round, and said in the log.
            logger.exception("Looking for dead runs and due schedules failed")
