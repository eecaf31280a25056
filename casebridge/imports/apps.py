from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "casebridge.imports"
    label = "imports"
    verbose_name = "Partner data imports"

    def ready(self) -> None:
        from casebridge.imports import checks  # noqa: F401  (registers the format check)
        from casebridge.imports.scopes import register_scopes

        register_scopes()
