from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "casebridge.casework"
    label = "casework"
    verbose_name = "Casework: tiers, needs and services"
