from django.urls import path

from casebridge.assessments import views

app_name = "assessments"

urlpatterns = [
    path(
        "people/<uuid:person_id>/assessments/new/<slug:instrument_code>/",
        views.new,
        name="new",
    ),
    path("assessments/<uuid:assessment_id>/", views.detail, name="detail"),
    path(
        "people/<uuid:person_id>/assessments/<slug:instrument_code>/progress/",
        views.progress,
        name="progress",
    ),
]
