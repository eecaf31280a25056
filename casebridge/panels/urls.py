from django.urls import path

from casebridge.panels.views import actions, agenda, community, exports, meetings

app_name = "panels"

urlpatterns = [
    path("meetings/", meetings.meeting_index, name="meeting_list"),
    path("meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<uuid:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<uuid:meeting_id>/attendees/",
        meetings.attendee_create,
        name="attendee_add",
    ),
    path(
        "meetings/<uuid:meeting_id>/agenda/build/",
        meetings.meeting_build_agenda,
        name="agenda_build",
    ),
    path("meetings/<uuid:meeting_id>/held/", meetings.meeting_held, name="meeting_held"),
    path(
        "meetings/<uuid:meeting_id>/cancel/",
        meetings.meeting_cancellation,
        name="meeting_cancel",
    ),
    path("meetings/<uuid:meeting_id>/close/", meetings.meeting_closure, name="meeting_close"),
    path(
        "meetings/<uuid:meeting_id>/community-impact/",
        community.community_impact_create,
        name="community_impact_create",
    ),
    path(
        "meetings/<uuid:meeting_id>/summary/",
        community.community_impact_summary,
        name="community_impact_summary",
    ),
    path("meetings/<uuid:meeting_id>/agenda.csv", exports.export_csv, name="export_csv"),
    path("meetings/<uuid:meeting_id>/agenda.pdf", exports.export_pdf, name="export_pdf"),
    path(
        "agenda-items/<int:item_id>/information/",
        agenda.item_information,
        name="information_share",
    ),
    path("agenda-items/<int:item_id>/minutes/", agenda.item_minutes, name="minutes_record"),
    path("agenda-items/<int:item_id>/action/", agenda.item_action, name="action_agree"),
    path(
        "agenda-items/<int:item_id>/risk/<slug:area>/",
        agenda.item_risk,
        name="risk_rate",
    ),
    path("actions/", actions.action_index, name="action_list"),
    path(
        "actions/<uuid:action_id>/complete/",
        actions.action_completion,
        name="action_complete",
    ),
    path(
        "actions/<uuid:action_id>/cancel/",
        actions.action_cancellation,
        name="action_cancel",
    ),
]
