"""Loads every definition file. It lives above access, pathways and assessments (access knows no
domain app), and loads the pathways first: permission rules may name one."""

from django.core.management.base import BaseCommand

from casebridge.access.definitions import load_permissions
from casebridge.assessments.definitions import load_instruments
from casebridge.jobs.schedules import load_schedules
from casebridge.pathways.definitions import load_pathways


class Command(BaseCommand):
    help = (
        "Load pathway definitions, permission rules, instruments and schedules from their "
        "YAML files."
    )

    def handle(self, *args: object, **options: object) -> None:
        pathways = load_pathways()
        rules = load_permissions()
        instruments = load_instruments()
        schedules = load_schedules()
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {len(pathways)} pathway(s), {rules} permission rule(s), "
                f"{len(instruments)} instrument version(s) and {len(schedules)} schedule(s)."
            )
        )
