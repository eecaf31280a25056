from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "casebridge.justice"
    label = "justice"
    verbose_name = "Criminal justice contacts"

    def ready(self) -> None:
        from casebridge.justice import checks  # noqa: F401  (registers the definitions check)
