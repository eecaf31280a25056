from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "casebridge.audit"
    label = "audit"

    def ready(self) -> None:
        from casebridge.audit import receivers  # noqa: F401  (connects the sign-in receivers)
