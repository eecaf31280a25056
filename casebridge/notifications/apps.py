from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "casebridge.notifications"
    label = "notifications"
    verbose_name = "Notifications"
