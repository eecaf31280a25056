"""Writing meetings, agendas, information shared and actions.

Every service is keyword-only, runs in one transaction, asks ``access.policy`` first and writes
an audit entry with the change.
"""

from casebridge.panels.services.actions import action_agree, action_cancel, action_complete
from casebridge.panels.services.agenda import (
    agenda_add,
    agenda_build,
    information_share,
    minutes_record,
)
from casebridge.panels.services.community import (
    community_impact_schedule,
    community_impact_summary_record,
)
from casebridge.panels.services.meetings import (
    attendee_add,
    meeting_cancel,
    meeting_close,
    meeting_mark_held,
    meeting_schedule,
)
from casebridge.panels.services.risk import risk_rate

__all__ = [
    "action_agree",
    "action_cancel",
    "action_complete",
    "agenda_add",
    "agenda_build",
    "attendee_add",
    "community_impact_schedule",
    "community_impact_summary_record",
    "information_share",
    "meeting_cancel",
    "meeting_close",
    "meeting_mark_held",
    "meeting_schedule",
    "minutes_record",
    "risk_rate",
]
