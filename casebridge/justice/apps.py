from django.apps import AppConfig


class JusticeConfig(AppConfig):
    name = "casebridge.justice"
    label = "justice"
    verbose_name = "Criminal justice contacts"
