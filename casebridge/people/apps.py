from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "casebridge.people"
    label = "people"

    def ready(self) -> None:
        from casebridge.access.redaction import register
        from casebridge.people.restricted import CONFIDENTIAL_ADDRESSES, register_fingerprint
        from casebridge.people.scopes import register_scopes

        register(CONFIDENTIAL_ADDRESSES)
        register_fingerprint()
        register_scopes()
