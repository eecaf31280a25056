from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "casebridge.reports"
    verbose_name = "Board reports"
