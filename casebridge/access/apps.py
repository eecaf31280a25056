from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "casebridge.access"
    label = "access"
