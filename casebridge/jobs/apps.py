from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "casebridge.jobs"
    label = "jobs"
    verbose_name = "Background work"
