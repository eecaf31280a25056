from django.apps import AppConfig


class OversightConfig(AppConfig):
    """The auditor's pages: search the audit log and review break-glass access. They read both
    audit and access, so they sit above them and neither of those knows the other's pages."""

    name = "casebridge.oversight"
    label = "oversight"
