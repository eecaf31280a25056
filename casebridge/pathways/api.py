"""Read-only JSON for a case: reference, pathway, state and timeline."""

from uuid import UUID

from django.http import HttpRequest, JsonResponse
from django.urls import path

from casebridge.audit.reads import viewed
from casebridge.pathways.selectors import case_get, case_timeline
from casebridge.ui.decorators import api_view, current_user


@api_view
def case_detail(request: HttpRequest, case_id: UUID) -> JsonResponse:
    user = current_user(request)
    case = case_get(user=user, case_id=case_id)
    viewed(
        request,
        object_type="case",
        object_id=case.pk,
        summary=f"Viewed case {case.reference} (API)",
    )
    return JsonResponse(
        {
            "id": str(case.pk),
            "reference": case.reference,
            "pathway": {"code": case.pathway.code, "name": case.pathway.name},
            "state": {"code": case.state, "label": case.state_label},
            "timeline": [
                {
                    "occurred_at": event.occurred_at.isoformat(),
                    "kind": event.kind,
                    "from_state": event.from_state,
                    "to_state": event.to_state,
                    "text": event.text,
                    "actor": event.actor.username if event.actor else None,
                }
                for event in case_timeline(case=case)
            ],
        }
    )


urlpatterns = [
    path("cases/<uuid:case_id>/", case_detail, name="case"),
]
