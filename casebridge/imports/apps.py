from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "casebridge.imports"
    label = "imports"
    verbose_name = "Partner data imports"

    def ready(self) -> None:
        from casebridge.imports import checks  # noqa: F401  (registers the format check)
        from casebridge.imports.scopes import register_scopes
        from casebridge.imports.selectors import person_batches
        from casebridge.linkage.rules import register_batch_reader

        register_scopes()
        # Linkage's hard rule: two people brought by one batch are two people.
        register_batch_reader(person_batches)
