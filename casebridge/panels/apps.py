from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "casebridge.panels"
    label = "panels"
    verbose_name = "Panels and meetings"
