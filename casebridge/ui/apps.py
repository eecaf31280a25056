from django.apps import AppConfig


class UiConfig(AppConfig):
    """The GOV.UK layout, components and view decorators every app's pages are built from."""

    name = "casebridge.ui"
    label = "ui"
