from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "casebridge.access"
    label = "access"

    def ready(self) -> None:
        from casebridge.access.registry import register_fingerprint
        from casebridge.access.scopes import register_scopes

        register_scopes()
        register_fingerprint()
