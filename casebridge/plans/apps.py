from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "casebridge.plans"
    label = "plans"
    verbose_name = "Partnership action plans"

    def ready(self) -> None:
        from casebridge.plans.scopes import register_scopes

        register_scopes()
