from django.urls import path

from casebridge.pathways.views import caseload, cases, disclosures

app_name = "pathways"

urlpatterns = [
    path("people/<uuid:person_id>/refer/", cases.refer, name="refer"),
    path("cases/", cases.case_index, name="case_list"),
    path("cases/<uuid:case_id>/", cases.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/transition/", cases.transition, name="transition"),
    path("cases/<uuid:case_id>/casework/", cases.activity, name="activity"),
    path(
        "cases/<uuid:case_id>/disclosures/new/",
        disclosures.disclosure_request,
        name="disclosure_request",
    ),
    path(
        "cases/<uuid:case_id>/disclosures/<int:request_id>/decision/",
        disclosures.disclosure_decision,
        name="disclosure_decision",
    ),
    path("caseload/", caseload.caseload, name="caseload"),
]
