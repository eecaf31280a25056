from django.urls import path

from casebridge.analytics import views

app_name = "analytics"

urlpatterns = [
    path("figures/", views.figures_dashboard, name="dashboard"),
    path("figures/refresh/", views.figures_refresh, name="refresh"),
    path("figures/<slug:indicator_id>/", views.indicator_detail, name="indicator"),
    path("figures/<slug:indicator_id>/records/", views.figure_records_list, name="records"),
]
