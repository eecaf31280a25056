from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "casebridge.training"
    label = "training"
    verbose_name = "GP programme and training"

    def ready(self) -> None:
        from casebridge.training.scopes import register_scopes

        register_scopes()
