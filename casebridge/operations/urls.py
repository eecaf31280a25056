from django.urls import path

from casebridge.operations import views

app_name = "health"

# No sign-in: a load balancer asks (docs/deployment.md, "Health checks").
urlpatterns = [
    path("health/live/", views.live, name="live"),
    path("health/ready/", views.readiness, name="ready"),
]
