from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "casebridge.incidents"
    label = "incidents"
