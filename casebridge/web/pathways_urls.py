"""The pathways namespace's URLs. They live here, above the apps, because the case page and the
referral page (web/cases.py) gather many apps; the names and paths are the pathways app's."""

from django.urls import path

from casebridge.pathways.views import caseload, cases, disclosures
from casebridge.web import cases as case_pages

app_name = "pathways"

urlpatterns = [
    path("people/<uuid:person_id>/refer/", case_pages.refer, name="refer"),
    path("cases/", cases.case_index, name="case_list"),
    path("cases/<uuid:case_id>/", case_pages.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/transition/", case_pages.transition, name="transition"),
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
