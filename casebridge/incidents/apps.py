from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "casebridge.incidents"
    label = "incidents"

    def ready(self) -> None:
        from casebridge.incidents.scopes import register_scopes

        register_scopes()
