from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "casebridge.plans"
    label = "plans"
    verbose_name = "Partnership action plans"
