from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

from casebridge.pathways import api as pathways_api
from casebridge.web import people_api

admin.site.__class__ = OTPAdminSite

api_patterns = ([*people_api.urlpatterns, *pathways_api.urlpatterns], "api")

urlpatterns = [
    # One way in: the admin's own login form would skip the sign-in throttle.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path("admin/", admin.site.urls),
    path("", include("casebridge.accounts.urls")),
    path("", include("casebridge.web.urls")),
    path("", include("casebridge.web.people_urls")),
    path("", include("casebridge.web.pathways_urls")),
    path("", include("casebridge.oversight.urls")),
    path("", include("casebridge.administration.urls")),
    path("", include("casebridge.operations.urls")),
    path("", include("casebridge.panels.urls")),
    path("", include("casebridge.assessments.urls")),
    path("", include("casebridge.refuges.urls")),
    path("", include("casebridge.training.urls")),
    path("", include("casebridge.web.analytics_urls")),
    path("", include("casebridge.linkage.urls")),
    path("", include("casebridge.imports.urls")),
    path("", include("casebridge.casework.urls")),
    path("", include("casebridge.justice.urls")),
    path("", include("casebridge.plans.urls")),
    path("", include("casebridge.violence.urls")),
    path("", include("casebridge.exploitation.urls")),
    path("", include("casebridge.victims.urls")),
    path("", include("casebridge.jobs.urls")),
    path("", include("casebridge.notifications.urls")),
    path("api/v1/", include(api_patterns)),
]
