from django.apps import AppConfig


class VictimsConfig(AppConfig):
    name = "casebridge.victims"
    label = "victims"
    verbose_name = "Victim Coordinator: referrals from panels and agencies"
