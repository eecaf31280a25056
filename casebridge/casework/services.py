"""Recording casework on a case: its tier, the needs found with their support and outcome, and
referrals to services and programmes. What may be recorded is the case's pathway definition."""

from datetime import date

from django.db import transaction
from django.utils import formats, timezone

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.casework import definitions
from casebridge.casework.models import Need, ServiceReferral, TierAssignment
from casebridge.core.dates import refuse_future
from casebridge.core.errors import ApplicationError
from casebridge.pathways.events import case_noted
from casebridge.pathways.models import Case


def _open_case(*, actor: User, case: Case) -> Case:
    """The case, locked so two people recording at once write in turn, once the actor may
    change it and it is still open."""
    case = Case.objects.select_for_update().select_related("pathway").get(pk=case.pk)
    authorize(user=actor, action=Action.CHANGE, obj=case)
    if case.is_closed:
        raise ApplicationError("This case is closed; reopen it before recording casework.")
    return case


def _not_future(day: date, *, field: str, what: str) -> None:
    refuse_future(day, field=field, message=f"The date {what} must be today or in the past.")


def _not_before(day: date, earlier: date, *, field: str, message: str) -> None:
    if day < earlier:
        raise ApplicationError(f"{message} ({_day(earlier)}).", field=field)


def _day(day: date) -> str:
    return formats.date_format(day, "j F Y")


def _audit(
    *, actor: User, case: Case, action: str, summary: str, changes: dict[str, object]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        object_type="case",
        object_id=case.pk,
        summary=f"{summary} on {case.reference}",
        changes=changes,
    )


@transaction.atomic
def tier_assign(
    *, actor: User, case: Case, tier: str, assigned_on: date, reason: str = ""
) -> TierAssignment:
    """Place the case in a tier from ``assigned_on``; the latest assignment is the current one."""
    case = _open_case(actor=actor, case=case)
    chosen = definitions.required_entry(case.pathway, "tiers", tier, field="tier")
    _not_future(assigned_on, field="assigned_on", what="the tier was set")
    assignment = TierAssignment.objects.create(
        case=case, tier=tier, assigned_on=assigned_on, reason=reason.strip(), assigned_by=actor
    )
    text = f"Tier set: {chosen['label']}"
    case_noted(
        case=case,
        actor=actor,
        day=assigned_on,
        text=f"{text}. {assignment.reason}" if assignment.reason else text,
    )
    _audit(
        actor=actor,
        case=case,
        action="create",
        summary=f"Set the tier to {tier}",
        changes={"tier_assignment": assignment.pk, "tier": tier, "assigned_on": str(assigned_on)},
    )
    return assignment


@transaction.atomic
def need_record(
    *, actor: User, case: Case, area: str, identified_on: date, support: str = ""
) -> Need:
    """Record a need found in one of the pathway's areas (one record per area and case)."""
    case = _open_case(actor=actor, case=case)
    chosen = definitions.required_entry(case.pathway, "needs", area, field="area")
    _not_future(identified_on, field="identified_on", what="the need was identified")
    if Need.objects.filter(case=case, area=area).exists():
        raise ApplicationError(
            f"A need in {chosen['label'].lower()} is already recorded; record its support and "
            "outcome instead.",
            field="area",
        )
    need = Need.objects.create(
        case=case,
        area=area,
        identified_on=identified_on,
        support=support.strip(),
        recorded_by=actor,
    )
    case_noted(case=case, actor=actor, day=identified_on, text=f"Need: {chosen['label']}")
    _audit(
        actor=actor,
        case=case,
        action="create",
        summary=f"Recorded a need in {area}",
        changes={"need": need.pk, "area": area, "identified_on": str(identified_on)},
    )
    return need


@transaction.atomic
def need_update(
    *, actor: User, need: Need, support: str, outcome: str = "", outcome_on: date | None = None
) -> Need:
    """Record the support given for a need and, once known, its outcome and the day of it."""
    case = _open_case(actor=actor, case=need.case)
    need = Need.objects.select_for_update().get(pk=need.pk)
    area = definitions.entry(case.pathway, "needs", need.area) or {"label": need.area}
    outcomes = area.get("outcomes", [])
    if outcome and not any(o["code"] == outcome for o in outcomes):
        raise ApplicationError("Select one of this need's outcomes.", field="outcome")
    if outcome and outcome_on is None:
        raise ApplicationError("Enter the date of the outcome.", field="outcome_on")
    if outcome_on is not None and not outcome:
        raise ApplicationError("Select the outcome for that date.", field="outcome")
    if outcome_on is not None:
        _not_future(outcome_on, field="outcome_on", what="of the outcome")
        _not_before(
            outcome_on,
            need.identified_on,
            field="outcome_on",
            message="The outcome cannot be before the need was identified",
        )
    before = {"support": need.support, "outcome": need.outcome}
    need.support, need.outcome, need.outcome_on = support.strip(), outcome, outcome_on
    need.save(update_fields=["support", "outcome", "outcome_on", "updated_at"])
    if outcome and outcome != before["outcome"]:
        case_noted(
            case=case,
            actor=actor,
            day=outcome_on or timezone.localdate(),
            text=f"Outcome for {area['label']}: {definitions.option_label(outcomes, outcome)}",
        )
    _audit(
        actor=actor,
        case=case,
        action="change",
        summary=f"Recorded the support for the need in {need.area}",
        changes={
            "need": need.pk,
            "support_changed": before["support"] != need.support,
            "outcome": [before["outcome"], outcome],
        },
    )
    return need


@transaction.atomic
def service_refer(*, actor: User, case: Case, service: str, referred_on: date) -> ServiceReferral:
    """Refer the case's subject to one of the pathway's services or programmes."""
    case = _open_case(actor=actor, case=case)
    chosen = definitions.required_entry(case.pathway, "services", service, field="service")
    _not_future(referred_on, field="referred_on", what="of the referral")
    referral = ServiceReferral.objects.create(
        case=case, service=service, referred_on=referred_on, recorded_by=actor
    )
    case_noted(case=case, actor=actor, day=referred_on, text=f"Referred to {chosen['label']}")
    _audit(
        actor=actor,
        case=case,
        action="create",
        summary=f"Referred to {service}",
        changes={"service_referral": referral.pk, "referred_on": str(referred_on)},
    )
    return referral


@transaction.atomic
def service_start(*, actor: User, referral: ServiceReferral, started_on: date) -> ServiceReferral:
    """Record the day the subject started the service they were referred to."""
    case = _open_case(actor=actor, case=referral.case)
    referral = ServiceReferral.objects.select_for_update().get(pk=referral.pk)
    if referral.ended_on is not None:
        raise ApplicationError("This referral has ended; its start can no longer change.")
    _not_future(started_on, field="started_on", what="of the start")
    _not_before(
        started_on,
        referral.referred_on,
        field="started_on",
        message="The start cannot be before the referral",
    )
    previous = referral.started_on
    referral.started_on = started_on
    referral.save(update_fields=["started_on", "updated_at"])
    label = definitions.label(case.pathway, "services", referral.service)
    case_noted(case=case, actor=actor, day=started_on, text=f"Started {label}")
    _audit(
        actor=actor,
        case=case,
        action="change",
        summary=f"Recorded the start of {referral.service}",
        changes={"service_referral": referral.pk, "started_on": [_iso(previous), str(started_on)]},
    )
    return referral


@transaction.atomic
def service_end(
    *,
    actor: User,
    referral: ServiceReferral,
    ended_on: date,
    completed: bool,
    elements_completed: list[str],
) -> ServiceReferral:
    """Record the day the subject left the service, whether they completed it and which of its
    parts (elements) they completed."""
    case = _open_case(actor=actor, case=referral.case)
    referral = ServiceReferral.objects.select_for_update().get(pk=referral.pk)
    service = definitions.entry(case.pathway, "services", referral.service) or {
        "label": referral.service
    }
    if referral.started_on is None:
        raise ApplicationError("Record the start before the end.", field="ended_on")
    if referral.ended_on is not None:
        raise ApplicationError("The end of this referral is already recorded.")
    _not_future(ended_on, field="ended_on", what="of the end")
    _not_before(
        ended_on,
        referral.started_on,
        field="ended_on",
        message="The end cannot be before the start",
    )
    elements = service.get("elements", [])
    known = [e["code"] for e in elements]
    unknown = [code for code in elements_completed if code not in known]
    if unknown:
        raise ApplicationError(
            f"Select only parts of {service['label']}.", field="elements_completed"
        )
    # Kept in the definition's order, once each.
    chosen = [code for code in known if code in elements_completed]
    referral.ended_on, referral.completed, referral.elements_completed = ended_on, completed, chosen
    referral.save(update_fields=["ended_on", "completed", "elements_completed", "updated_at"])
    text = f"{'Completed' if completed else 'Left without completing'} {service['label']}"
    if chosen:
        parts = ", ".join(definitions.option_label(elements, code) for code in chosen)
        text = f"{text}. Parts completed: {parts}"
    case_noted(case=case, actor=actor, day=ended_on, text=text)
    _audit(
        actor=actor,
        case=case,
        action="change",
        summary=f"Recorded the end of {referral.service}",
        changes={
            "service_referral": referral.pk,
            "ended_on": str(ended_on),
            "completed": completed,
            "elements_completed": chosen,
        },
    )
    return referral


def _iso(day: date | None) -> str | None:
    return str(day) if day else None
