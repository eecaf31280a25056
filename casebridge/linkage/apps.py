from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "casebridge.linkage"
    label = "linkage"
