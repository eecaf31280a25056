"""Reading casework: a case's tier, needs and referrals, and who is due a contact."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from casebridge.access.policy import AccessDenied, Action, visible
from casebridge.accounts.models import User
from casebridge.casework import definitions
from casebridge.casework.models import Need, ServiceReferral, TierAssignment
from casebridge.core.prepared import Prepared
from casebridge.pathways.models import Case, CaseEvent, Pathway
from casebridge.people.models import Person


def current_tier(*, case: Case) -> TierAssignment | None:
    """The case's latest tier assignment (by the day it applies from), if it has one."""
    return case.tier_assignments.order_by("-assigned_on", "-id").first()


@dataclass(frozen=True)
class NeedRow:
    need: Need
    area_label: str
    outcome_label: str
    outcomes: list[dict[str, Any]]


@dataclass(frozen=True)
class ReferralRow:
    referral: ServiceReferral
    service_label: str
    elements: list[dict[str, Any]]
    element_labels: list[str]


@dataclass(frozen=True)
class Casework:
    """A case's casework with labels from its pathway. ``tiers`` is oldest first, so the last is
    the current one. ``keeps_tiers`` (needs, services): whether the pathway defines them, so the
    page shows their section (the template asked ``case.pathway.definition.tiers``, which for a
    pathway without them failed three lookups, each raising, before it gave up)."""

    tiers: list[tuple[TierAssignment, str]]
    needs: list[NeedRow]
    referrals: list[ReferralRow]
    keeps_tiers: bool = False
    keeps_needs: bool = False
    keeps_services: bool = False

    @property
    def current_tier(self) -> tuple[TierAssignment, str] | None:
        return self.tiers[-1] if self.tiers else None


# A case page's casework, compiled once (the case's id their only value): the ORM built and
# compiled each of the three statements again on every case page of a pathway that keeps them.
_CASE_TIERS = Prepared.by_key(
    lambda case_id: TierAssignment.objects.select_related("assigned_by").filter(case_id=case_id),
    model=TierAssignment,
    key="case",
)
_CASE_NEEDS = Prepared.by_key(
    lambda case_id: Need.objects.filter(case_id=case_id),
    model=Need,
    key="case",
)
_CASE_SERVICE_REFERRALS = Prepared.by_key(
    lambda case_id: ServiceReferral.objects.filter(case_id=case_id),
    model=ServiceReferral,
    key="case",
)


def case_casework(*, case: Case) -> Casework:
    """The case's tiers, needs and service referrals; whoever may see the case may see them.

    Only those its pathway defines are read: the case page shows no others (a MARAC case has
    none), so it spends no query on them."""
    pathway = case.pathway
    defines = pathway.definition
    tiers = [
        (assignment, definitions.label(pathway, "tiers", assignment.tier))
        for assignment in (_CASE_TIERS.all_of(case, field="case") if defines.get("tiers") else [])
    ]
    needs = []
    for need in _CASE_NEEDS.all_of(case, field="case") if defines.get("needs") else []:
        area = definitions.entry(pathway, "needs", need.area) or {}
        outcomes = list(area.get("outcomes", []))
        outcome = definitions.option_label(outcomes, need.outcome) if need.outcome else ""
        needs.append(NeedRow(need, str(area.get("label", need.area)), outcome, outcomes))
    referrals = []
    for referral in (
        _CASE_SERVICE_REFERRALS.all_of(case, field="case") if defines.get("services") else []
    ):
        service = definitions.entry(pathway, "services", referral.service) or {}
        elements = list(service.get("elements", []))
        done = [definitions.option_label(elements, code) for code in referral.elements_completed]
        referrals.append(
            ReferralRow(referral, str(service.get("label", referral.service)), elements, done)
        )
    return Casework(
        tiers=tiers,
        needs=needs,
        referrals=referrals,
        keeps_tiers=bool(defines.get("tiers")),
        keeps_needs=bool(defines.get("needs")),
        keeps_services=bool(defines.get("services")),
    )


def need_get(*, case: Case, need_id: int | str) -> Need:
    """One need of this case (the caller has checked the case); an id from another case reads
    as missing."""
    need = case.needs.filter(pk=need_id).first()
    if need is None:
        raise AccessDenied(Action.VIEW, "need", need_id)
    need.case = case
    return need


def referral_get(*, case: Case, referral_id: int | str) -> ServiceReferral:
    """One service referral of this case, as ``need_get``."""
    referral = case.service_referrals.filter(pk=referral_id).first()
    if referral is None:
        raise AccessDenied(Action.VIEW, "service_referral", referral_id)
    referral.case = case
    return referral


# --- contacts due --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDue:
    """One case on the contacts-due list. ``subject_name`` is ``None`` when the user may not
    see the person. ``last_contact`` is ``None`` when nobody has made contact yet: then the
    contact is due from the day the current tier was set."""

    case: Case
    subject_name: str | None
    tier: str
    tier_label: str
    contact_within_days: int
    last_contact: datetime | None
    due_on: date
    days_overdue: int

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


def contact_activities(pathway: Pathway) -> list[str]:
    """The pathway's activities that count as a contact with the person."""
    return [a["code"] for a in pathway.definition.get("activities", []) if a.get("contact")]


def _contacts_due_cases(*, user: User, pathway: Pathway) -> QuerySet[Case]:
    states = pathway.definition["states"]
    not_working = [s["code"] for s in states if s.get("terminal")] + [pathway.initial_state]
    latest_tier = TierAssignment.objects.filter(case_id=OuterRef("pk")).order_by(
        "-assigned_on", "-id"
    )
    last_contact = CaseEvent.objects.filter(
        case_id=OuterRef("pk"),
        kind=CaseEvent.Kind.ACTIVITY,
        activity__in=contact_activities(pathway),
    ).order_by("-occurred_at")
    cases = visible(user=user, action=Action.VIEW, queryset=Case.objects.filter(pathway=pathway))
    return (
        cases.exclude(state__in=not_working)
        .annotate(
            tier=Subquery(latest_tier.values("tier")[:1]),
            tier_on=Subquery(latest_tier.values("assigned_on")[:1]),
            last_contact=Subquery(last_contact.values("occurred_at")[:1]),
        )
        .filter(tier__isnull=False)
        .select_related("subject")
        .prefetch_related("subject__names")
    )


def contacts_due(*, user: User, pathway: Pathway, today: date | None = None) -> list[ContactDue]:
    """The open cases of a pathway with tiers that the user may see, each with when its next
    contact is due: the tier's ``contact_within_days`` after the last contact (or after the
    tier was set, when there has been none). Most overdue first, then the soonest due."""
    today = today or timezone.localdate()
    tiers = {tier["code"]: tier for tier in definitions.entries(pathway, "tiers")}
    cases = list(_contacts_due_cases(user=user, pathway=pathway))
    shown_people = set(
        visible(
            user=user,
            action=Action.VIEW,
            queryset=Person.objects.filter(pk__in={case.subject_id for case in cases}),
        ).values_list("pk", flat=True)
    )
    rows = []
    for case in cases:
        # The subqueries' annotations, which the model's type does not know.
        code, tier_on, last = case.tier, case.tier_on, case.last_contact  # type: ignore[attr-defined]
        tier = tiers.get(code, {"label": code, "contact_within_days": 0})
        within = int(tier["contact_within_days"])
        counted_from = timezone.localdate(last) if last else tier_on
        due_on = counted_from + timedelta(days=within)
        rows.append(
            ContactDue(
                case=case,
                subject_name=_name(case.subject) if case.subject_id in shown_people else None,
                tier=code,
                tier_label=str(tier["label"]),
                contact_within_days=within,
                last_contact=last,
                due_on=due_on,
                days_overdue=max((today - due_on).days, 0),
            )
        )
    rows.sort(key=lambda row: (-row.days_overdue, row.due_on, row.case.reference))
    return rows


def _name(person: Person) -> str:
    name = person.primary_name
    return name.full_name if name else "(no name)"
