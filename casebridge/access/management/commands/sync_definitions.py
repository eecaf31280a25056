from django.core.management.base import BaseCommand

from casebridge.access.definitions import load_permissions
from casebridge.pathways.definitions import load_pathways


class Command(BaseCommand):
    help = "Load pathway definitions and permission rules from their YAML files."

    def handle(self, *args: object, **options: object) -> None:
        pathways = load_pathways()
        rules = load_permissions()
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {len(pathways)} pathway(s) and {rules} permission rule(s).")
        )
