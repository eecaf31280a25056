from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "casebridge.assessments"
    label = "assessments"
    verbose_name = "Risk and outcome assessments"

    def ready(self) -> None:
        from casebridge.assessments import checks  # noqa: F401  (registers the instrument check)
