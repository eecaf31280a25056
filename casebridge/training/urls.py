from django.urls import path

from casebridge.training.views import sessions, surgeries

app_name = "training"

urlpatterns = [
    path("gp-surgeries/", surgeries.surgery_index, name="surgery_list"),
    path("gp-surgeries/new/", surgeries.surgery_create, name="surgery_create"),
    path("gp-surgeries/figures/", surgeries.programme_report, name="programme_report"),
    path("gp-surgeries/<uuid:surgery_id>/", surgeries.surgery_detail, name="surgery_detail"),
    path(
        "gp-surgeries/<uuid:surgery_id>/status/",
        surgeries.surgery_status,
        name="surgery_status",
    ),
    path(
        "gp-surgeries/<uuid:surgery_id>/referrals/",
        surgeries.referral_create,
        name="referral_record",
    ),
    path("training/", sessions.session_index, name="session_list"),
    path("training/new/", sessions.session_create, name="session_create"),
    path("training/figures/", sessions.training_report, name="training_report"),
    path("training/courses/", sessions.course_index, name="course_list"),
    path("training/courses/new/", sessions.course_new, name="course_create"),
    path("training/<uuid:session_id>/", sessions.session_detail, name="session_detail"),
    path(
        "training/<uuid:session_id>/attendance/",
        sessions.attendance_create,
        name="attendance_record",
    ),
]
