from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "casebridge.accounts"
    label = "accounts"

    def ready(self) -> None:
        from casebridge.accounts import receivers  # noqa: F401  (connects the signal receivers)
        from casebridge.accounts.oidc import check_configuration

        check_configuration()
