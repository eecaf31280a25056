from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "casebridge.pathways"
    label = "pathways"

    def ready(self) -> None:
        from casebridge.pathways import checks  # noqa: F401  (registers the definition check)
        from casebridge.pathways.scopes import register_scopes
        from casebridge.pathways.selectors import register_fingerprint

        register_scopes()
        register_fingerprint()
