from django.apps import AppConfig


class RefugesConfig(AppConfig):
    name = "casebridge.refuges"
    label = "refuges"
    verbose_name = "Refuges"

    def ready(self) -> None:
        from casebridge.access.redaction import register
        from casebridge.refuges.restricted import REFUGE_ADDRESSES, register_fingerprints
        from casebridge.refuges.scopes import register_scopes

        register(REFUGE_ADDRESSES)
        register_fingerprints()
        register_scopes()
