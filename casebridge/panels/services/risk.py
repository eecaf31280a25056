"""Rating the risk areas a panel's pathway definition names, case by case."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.panels.models import AgendaItem, Meeting, RiskRating
from casebridge.panels.services.agenda import clean_text
from casebridge.panels.services.common import lock_meeting, require_runner, require_status


def _codes(definition: dict[str, Any], key: str) -> dict[str, str]:
    return {item["code"]: item["label"] for item in definition.get(key, [])}


@transaction.atomic
def risk_rate(
    *,
    actor: User,
    agenda_item: AgendaItem,
    area: str,
    level: str,
    assessment: str,
    at: datetime | None = None,
) -> RiskRating:
    """Rate one risk area for the case an agenda item discusses (a SIRM's reprisal risk, say).

    Coordinator only, while the meeting is planned or held. Rating an area again replaces the
    earlier rating; the audit trail keeps both levels.

    Args:
        area, level: codes of the pathway definition's ``risk_areas`` and ``risk_levels``.
        assessment: what the panel found and why it rated it so.
        at: when the panel rated it; now if not given.
    """
    meeting = lock_meeting(agenda_item.meeting)
    require_runner(actor, meeting)
    authorize(user=actor, action=Action.VIEW, obj=agenda_item.case)
    require_status(meeting, Meeting.Status.PLANNED, Meeting.Status.HELD, doing="rate risks")
    areas = _codes(meeting.pathway.definition, "risk_areas")
    if not areas:
        raise ApplicationError(f"{meeting.pathway.name} does not rate risk areas.")
    if area not in areas:
        raise ApplicationError("Select the risk area.", field="area")
    if level not in _codes(meeting.pathway.definition, "risk_levels"):
        raise ApplicationError("Select the level of risk.", field="level")
    assessment = clean_text(
        assessment, field="assessment", missing="Enter what the panel found and why."
    )
    rating = (
        RiskRating.objects.select_for_update().filter(agenda_item=agenda_item, area=area).first()
    )
    before = (rating.level, len(rating.assessment)) if rating else (None, None)
    if rating is None:
        rating = RiskRating(agenda_item=agenda_item, area=area)
    rating.level, rating.assessment = level, assessment
    rating.rated_by, rating.rated_at = actor, at or timezone.now()
    rating.save()
    # The assessment stays out of the audit trail, as information shared does: it may name
    # people and places the trail's readers must not see.
    audit_record(
        actor=actor,
        action="change" if before[0] else "create",
        object_type="risk_rating",
        object_id=rating.pk,
        summary=f"{areas[area]} rated {level} for {agenda_item.case.reference} at {meeting.title}",
        changes={
            "meeting": str(meeting.pk),
            "case": str(agenda_item.case_id),
            "area": area,
            "level": [before[0], level],
            "assessment_characters": [before[1], len(assessment)],
        },
    )
    return rating
