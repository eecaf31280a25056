from django.apps import AppConfig


class ViolenceConfig(AppConfig):
    name = "casebridge.violence"
    label = "violence"
    verbose_name = "Serious violence: SIRM and the Serious Adult Violence panel"

    def ready(self) -> None:
        # checks registers the incident-rule check; receivers proposes a SIRM for each incident
        # recorded (incidents know nothing of violence).
        from casebridge.violence import checks, receivers  # noqa: F401
        from casebridge.violence.scopes import register_scopes

        register_scopes()
