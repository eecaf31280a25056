from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "casebridge.imports"
    label = "imports"
    verbose_name = "Partner data imports"

    def ready(self) -> None:
        from casebridge.imports import checks  # noqa: F401  (registers the format check)
        from casebridge.imports.receivers import run_abandoned
        from casebridge.imports.scopes import register_scopes
        from casebridge.imports.selectors import person_ages, person_batches
        from casebridge.jobs.models import TaskRun
        from casebridge.jobs.services import run_abandoned as abandoned
        from casebridge.linkage.rules import register_age_reader, register_batch_reader

        register_scopes()
        # Linkage's hard rule: two people brought by one batch are two people.
        register_batch_reader(person_batches)
        # And: a record whose extract bounds its age (a pupil's) is not of someone born outside.
        register_age_reader(person_ages)
        # A batch whose background run is given up is failed (jobs knows no imports).
        abandoned.connect(run_abandoned, sender=TaskRun)
