from django.urls import path

from casebridge.casework import views

app_name = "casework"

urlpatterns = [
    path("casework/cases/<uuid:case_id>/tier/", views.tier_set, name="tier_set"),
    path("casework/cases/<uuid:case_id>/needs/new/", views.need_new, name="need_new"),
    path("casework/cases/<uuid:case_id>/needs/<int:need_id>/", views.need_edit, name="need_edit"),
    path("casework/cases/<uuid:case_id>/services/new/", views.service_new, name="service_new"),
    path(
        "casework/cases/<uuid:case_id>/services/<int:referral_id>/start/",
        views.service_start,
        name="service_start",
    ),
    path(
        "casework/cases/<uuid:case_id>/services/<int:referral_id>/end/",
        views.service_end,
        name="service_end",
    ),
    path(
        "casework/<slug:pathway_code>/contacts-due/",
        views.contacts_due_list,
        name="contacts_due",
    ),
]
