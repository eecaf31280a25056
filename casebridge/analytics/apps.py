from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "casebridge.analytics"
    verbose_name = "Partnership figures"
