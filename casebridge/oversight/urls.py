from django.urls import path

from casebridge.oversight import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.search, name="search"),
    path("audit/break-glass/", views.break_glass, name="break_glass"),
    path(
        "audit/break-glass/<int:access_id>/review/",
        views.break_glass_review_view,
        name="break_glass_review",
    ),
]
