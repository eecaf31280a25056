from django.urls import path

from casebridge.plans import views

app_name = "plans"

urlpatterns = [
    path("plans/", views.plan_index, name="plan_list"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:plan_id>/commitments/new/", views.commitment_new, name="commitment_create"),
    path(
        "plans/<int:plan_id>/commitments/<int:commitment_id>/",
        views.commitment_detail,
        name="commitment_detail",
    ),
    path(
        "plans/<int:plan_id>/commitments/<int:commitment_id>/status/",
        views.commitment_status,
        name="commitment_status",
    ),
]
