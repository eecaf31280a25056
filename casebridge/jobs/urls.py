from django.urls import path

from casebridge.jobs import views

app_name = "jobs"

urlpatterns = [
    path("background/<uuid:run_id>/", views.run_detail, name="run_detail"),
    path("background/<uuid:run_id>/status/", views.run_status, name="run_status"),
]
