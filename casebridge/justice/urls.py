from django.urls import path

from casebridge.justice import views

app_name = "justice"

urlpatterns = [
    path("justice/cases/<uuid:case_id>/contacts/new/", views.contact_create, name="contact_create"),
]
