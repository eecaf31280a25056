from django.urls import path

from casebridge.violence import views

app_name = "violence"

urlpatterns = [
    path("violence/sirm/proposals/", views.proposal_index, name="sirm_proposal_list"),
    path(
        "violence/sirm/proposals/<uuid:proposal_id>/",
        views.proposal_detail,
        name="sirm_proposal_detail",
    ),
    path(
        "violence/sirm/proposals/<uuid:proposal_id>/convene/",
        views.proposal_convene,
        name="sirm_convene",
    ),
    path(
        "violence/sirm/proposals/<uuid:proposal_id>/not-needed/",
        views.proposal_not_needed,
        name="sirm_not_needed",
    ),
]
