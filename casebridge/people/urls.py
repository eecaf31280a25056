from django.urls import path

from casebridge.people import views

app_name = "people"

urlpatterns = [
    path("people/search/", views.search, name="search"),
    path("people/new/", views.create, name="create"),
    path("people/<uuid:person_id>/", views.detail, name="detail"),
    path(
        "people/<uuid:person_id>/care-experienced/",
        views.care_experienced,
        name="care_experienced",
    ),
    path("people/<uuid:person_id>/break-glass/", views.break_glass, name="break_glass"),
]
