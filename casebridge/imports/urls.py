from django.urls import path

from casebridge.imports import views

app_name = "imports"

urlpatterns = [
    path("imports/", views.batch_index, name="batch_list"),
    path("imports/new/", views.upload, name="upload"),
    path("imports/formats/", views.formats, name="formats"),
    path("imports/<int:batch_id>/", views.batch_detail, name="batch_detail"),
    path("imports/<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("imports/<int:batch_id>/match/", views.batch_match, name="batch_match"),
    path("imports/<int:batch_id>/rejected/", views.rejected, name="rejected"),
    path("imports/<int:batch_id>/rejected.csv", views.rejected_csv, name="rejected_csv"),
    path("imports/<int:batch_id>/notes/", views.noted, name="noted"),
    path("imports/<int:batch_id>/notes.csv", views.noted_csv, name="noted_csv"),
]
