"""The people namespace's URLs. They live here, above the apps, because the person page and
recording a person (web/people.py) gather many apps; the names and paths are the people app's."""

from django.urls import path

from casebridge.people import views
from casebridge.web import people

app_name = "people"

urlpatterns = [
    path("people/search/", views.search, name="search"),
    path("people/new/", people.create, name="create"),
    path("people/<uuid:person_id>/", people.detail, name="detail"),
    path(
        "people/<uuid:person_id>/care-experienced/",
        views.care_experienced,
        name="care_experienced",
    ),
    path("people/<uuid:person_id>/break-glass/", views.break_glass, name="break_glass"),
]
