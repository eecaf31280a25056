from django.apps import AppConfig


class RefugesConfig(AppConfig):
    name = "casebridge.refuges"
    label = "refuges"
    verbose_name = "Refuges"
