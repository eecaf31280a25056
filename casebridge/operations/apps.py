from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """What the people who run Casebridge use: backup and restore, the health and readiness
    endpoints. It reads every app's tables and files as tables and files, knowing none of them."""

    name = "casebridge.operations"
    label = "operations"
