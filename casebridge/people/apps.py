from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "casebridge.people"
    label = "people"
