from django.urls import path

from casebridge.refuges import views

app_name = "refuges"

urlpatterns = [
    path("refuges/", views.refuge_index, name="refuge_list"),
    path("refuges/new/", views.refuge_new, name="refuge_new"),
    path("refuges/<uuid:refuge_id>/", views.refuge_detail, name="refuge_detail"),
    path("refuges/<uuid:refuge_id>/arrivals/", views.arrival_search, name="arrival_search"),
    path(
        "refuges/<uuid:refuge_id>/arrivals/<uuid:person_id>/",
        views.arrival_record,
        name="arrival",
    ),
    path("refuge-stays/<uuid:stay_id>/departure/", views.departure_record, name="departure"),
]
