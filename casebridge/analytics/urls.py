from django.urls import path

from casebridge.analytics.views import downloads, figures

app_name = "analytics"

urlpatterns = [
    path("figures/", figures.figures_dashboard, name="dashboard"),
    path("figures/refresh/", figures.figures_refresh, name="refresh"),
    path("figures/export.csv", downloads.figures_export, name="export"),
    path("figures/board-report/", downloads.board_report, name="board_report"),
    path("figures/<slug:indicator_id>/", figures.indicator_detail, name="indicator"),
    path("figures/<slug:indicator_id>/records/", figures.figure_records_list, name="records"),
]
