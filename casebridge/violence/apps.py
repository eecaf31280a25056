from django.apps import AppConfig


class ViolenceConfig(AppConfig):
    name = "casebridge.violence"
    label = "violence"
    verbose_name = "Serious violence: SIRM and the Serious Adult Violence panel"

    def ready(self) -> None:
        from casebridge.violence import checks  # noqa: F401  (registers the incident-rule check)
        from casebridge.violence.scopes import register_scopes

        register_scopes()
