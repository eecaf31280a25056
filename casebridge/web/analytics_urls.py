"""The analytics namespace's URLs: the figures pages (web/figures/) show the figures as the
board report prints them and offer the report, so they live above both analytics and reports."""

from django.urls import path

from casebridge.web.figures import downloads, views

app_name = "analytics"

urlpatterns = [
    path("figures/", views.figures_dashboard, name="dashboard"),
    path("figures/refresh/", views.figures_refresh, name="refresh"),
    path("figures/export.csv", downloads.figures_export, name="export"),
    path("figures/board-report/", downloads.board_report, name="board_report"),
    path("figures/<slug:indicator_id>/", views.indicator_detail, name="indicator"),
    path("figures/<slug:indicator_id>/records/", views.figure_records_list, name="records"),
]
