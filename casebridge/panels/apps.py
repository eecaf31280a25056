from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "casebridge.panels"
    label = "panels"
    verbose_name = "Panels and meetings"

    def ready(self) -> None:
        from casebridge.panels.scopes import register_scopes

        register_scopes()
