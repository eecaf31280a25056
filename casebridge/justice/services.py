"""Recording a woman's contacts with the criminal justice system on her case."""

from datetime import date

from django.db import transaction

from casebridge.access.policy import Action, authorize
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.dates import refuse_future
from casebridge.core.errors import ApplicationError
from casebridge.justice.models import JusticeContact
from casebridge.justice.selectors import records_justice_contacts
from casebridge.pathways.events import case_noted
from casebridge.pathways.models import Case, CaseEvent


@transaction.atomic
def justice_contact_record(
    *,
    actor: User,
    case: Case,
    stage: str,
    occurred_on: date,
    outcome: str = "",
    offence_on: date | None = None,
    notes: str = "",
) -> JusticeContact:
    """Record a contact with the criminal justice system (an arrest, a sentence ...) on a case.

    Args:
        actor: who records it; they must be able to change the case.
        case: an open case of a pathway whose definition has ``justice_contacts: true``.
        stage: a ``JusticeContact.Stage`` value.
        occurred_on: the day of the contact; not after today (UK time).
        outcome: one of ``JusticeContact.OUTCOMES_BY_STAGE[stage]``, required for a stage that
            has outcomes and refused for one that has none.
        offence_on: when the offence was committed, if known; not after the contact.
        notes: what the worker wants to remember about it.

    Raises:
        AccessDenied: the actor may not change the case.
        ApplicationError: the pathway does not record such contacts, the case is closed, or a
            value is missing or impossible (``field`` names it).
    """
    # Lock the row so the case cannot be closed between the check and the write.
    case = Case.objects.select_for_update().select_related("pathway").get(pk=case.pk)
    authorize(user=actor, action=Action.CHANGE, obj=case)
    if not records_justice_contacts(case=case):
        raise ApplicationError(
            f"{case.pathway.name} does not record contacts with the criminal justice system."
        )
    if case.is_closed:
        raise ApplicationError("This case is closed; reopen it before recording a contact.")
    _check_stage_and_outcome(stage, outcome)
    _check_dates(occurred_on, offence_on)
    contact = JusticeContact.objects.create(
        case=case,
        stage=stage,
        outcome=outcome,
        occurred_on=occurred_on,
        offence_on=offence_on,
        notes=notes.strip(),
        recorded_by=actor,
    )
    _timeline_entry(contact, actor)
    audit_record(
        actor=actor,
        action="create",
        object_type="justice_contact",
        object_id=contact.pk,
        summary=f"Recorded {contact.get_stage_display().lower()} on {case.reference}",
        # The notes stay out of the trail, as case text does; only that there are some.
        changes={
            "case": str(case.pk),
            "stage": [None, stage],
            "outcome": [None, outcome],
            "occurred_on": [None, occurred_on],
            "offence_on": [None, offence_on],
            "notes": bool(contact.notes),
        },
    )
    return contact


def _check_stage_and_outcome(stage: str, outcome: str) -> None:
    if stage not in JusticeContact.Stage.values:
        raise ApplicationError(
            "Select the contact with the criminal justice system.", field="stage"
        )
    allowed = JusticeContact.OUTCOMES_BY_STAGE.get(stage, ())
    label = JusticeContact.Stage(stage).label.lower()
    if allowed and outcome not in allowed:
        raise ApplicationError(f"Select the outcome of the {label}.", field="outcome")
    if not allowed and outcome:
        raise ApplicationError(f"No outcome is recorded for {label}.", field="outcome")


def _check_dates(occurred_on: date, offence_on: date | None) -> None:
    refuse_future(
        occurred_on,
        field="occurred_on",
        message="The date of the contact must be today or in the past.",
    )
    if offence_on is not None and offence_on > occurred_on:
        raise ApplicationError(
            "The date of the offence must be on or before the date of the contact.",
            field="offence_on",
        )


def _timeline_entry(contact: JusticeContact, actor: User) -> CaseEvent:
    label = contact.get_stage_display()
    if contact.outcome:
        label = f"{label}: {contact.get_outcome_display()}"
    return case_noted(
        case=contact.case,
        actor=actor,
        day=contact.occurred_on,
        text=f"Criminal justice contact: {label}",
    )
