"""Reading Victim Coordinator referrals, narrowed to what the user may see inside the query."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from casebridge.access.policy import AccessDenied, Action, Resource, permitted
from casebridge.accounts.models import User
from casebridge.casework.definitions import label
from casebridge.casework.models import ServiceReferral
from casebridge.panels.models import Meeting
from casebridge.panels.selectors import visible_meetings
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.selectors import case_list, pathway_named
from casebridge.victims.models import VictimReferral
from casebridge.victims.services import HEARD, VICTIM_COORDINATOR_CODE, refers_from


@dataclass(frozen=True)
class VictimReferralDetails:
    """Where a referral came from. ``meeting_shown`` says whether the user may see the panel
    meeting itself (its title and page); the panel and date are shown to anyone who sees the
    case, so the Victim Coordinator knows which panel to go back to."""

    referral: VictimReferral
    meeting_shown: bool


def victim_referral_for(*, user: User, case: Case) -> VictimReferralDetails | None:
    referral = (
        VictimReferral.objects.filter(case=case)
        .select_related("from_meeting", "from_meeting__pathway")
        .first()
    )
    if referral is None:
        return None
    shown = (
        referral.from_meeting_id is not None
        and visible_meetings(user=user).filter(pk=referral.from_meeting_id).exists()
    )
    return VictimReferralDetails(referral, shown)


@dataclass(frozen=True)
class VictimReferralRow:
    """One referral on the Victim Coordinator's list, with the services referred on to."""

    case: Case
    from_meeting: Meeting | None
    onward: list[str]


def victim_referral_list(*, user: User) -> QuerySet[Case]:
    """The Victim Coordinator cases the user may see, newest referral first, with where each
    came from and the onward referrals made loaded alongside (a fixed number of queries)."""
    pathway = Pathway.objects.get(code=VICTIM_COORDINATOR_CODE)
    if not permitted(user=user, action=Action.VIEW, resource=Resource.CASE, pathway=pathway):
        raise AccessDenied(Action.VIEW, Resource.CASE)
    return (
        case_list(user=user, pathway=pathway)
        .select_related("referring_agency", "owner_user", "victim_referral__from_meeting__pathway")
        .prefetch_related(
            Prefetch("service_referrals", queryset=ServiceReferral.objects.order_by("referred_on"))
        )
    )


def victim_referral_rows(*, cases: Iterable[Case]) -> list[VictimReferralRow]:
    """Rows for a page of ``victim_referral_list``: the panel that referred, and the onward
    referrals by their labels."""
    rows = []
    for case in cases:
        referral = getattr(case, "victim_referral", None)
        onward = [
            label(case.pathway, "services", service.service)
            for service in case.service_referrals.all()
        ]
        rows.append(VictimReferralRow(case, referral.from_meeting if referral else None, onward))
    return rows


def may_refer_from_meeting(*, user: User, meeting: Meeting) -> bool:
    """Whether the meeting's page offers to refer the people it discussed to the Victim
    Coordinator: a held panel of the violence and exploitation kind, and a user who may refer."""
    if not refers_from(meeting) or meeting.status not in HEARD:
        return False
    pathway = Pathway.objects.get(code=VICTIM_COORDINATOR_CODE)
    return permitted(user=user, action=Action.CREATE, resource=Resource.CASE, pathway=pathway)


def may_work_victim_referrals(*, user: User) -> bool:
    """The list of referrals belongs in the Victim Coordinator's navigation; a practitioner who
    referred someone finds the case under Cases."""
    pathway = pathway_named(user=user, code=VICTIM_COORDINATOR_CODE)
    return pathway is not None and permitted(
        user=user, action=Action.CHANGE, resource=Resource.CASE, pathway=pathway
    )
