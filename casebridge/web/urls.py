from django.urls import path

from casebridge.web import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("assets/<path:path>", views.govuk_asset, name="assets"),
]
