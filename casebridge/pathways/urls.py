from django.urls import path

from casebridge.pathways import views

app_name = "pathways"

urlpatterns = [
    path("people/<uuid:person_id>/refer/", views.refer, name="refer"),
    path("cases/", views.case_index, name="case_list"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/transition/", views.transition, name="transition"),
    path("cases/<uuid:case_id>/casework/", views.activity, name="activity"),
]
