from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    """The partnership's administration pages: accounts and the quarterly access review, for
    the system administrator and, for their own agency's staff, an agency's lead."""

    name = "casebridge.administration"
    label = "administration"

    def ready(self) -> None:
        from casebridge.administration.scopes import register_scopes

        register_scopes()
