"""Completing an assessment. Authorised through access.policy and audited in one transaction."""

from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casebridge.access.policy import AccessDenied, Action, authorize
from casebridge.accounts.models import User
from casebridge.assessments import engine
from casebridge.assessments.models import Assessment, Instrument
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.pathways.models import Case
from casebridge.people.models import Person

# Clocks differ a little between machines; an assessment "in the future" beyond this is a typo.
CLOCK_TOLERANCE = timedelta(minutes=5)


def _current_instrument(code: str) -> Instrument:
    instrument = Instrument.objects.filter(code=code, is_current=True).first()
    if instrument is None:
        raise ApplicationError(f"There is no instrument {code!r} in use.")
    return instrument


def _check_case(*, actor: User, person: Person, case: Case) -> None:
    authorize(user=actor, action=Action.VIEW, obj=case)
    in_case = case.subject_id == person.pk or case.people.filter(person=person).exists()
    if not in_case:
        raise ApplicationError("That case is not about this person.", field="case")


def _final_band(
    *, instrument: Instrument, computed: str, judgement_band: str, judgement_reason: str
) -> str:
    """The band after professional judgement, which may raise the level but never lower it."""
    if not judgement_band:
        if judgement_reason:
            raise ApplicationError(
                "Choose the higher risk level, or remove the reason",
                field="judgement_band",
            )
        return computed
    definition = instrument.definition
    chosen = engine.band_rank(definition, judgement_band)
    if chosen is None:
        raise ApplicationError("Choose a risk level from the list", field="judgement_band")
    computed_rank = engine.band_rank(definition, computed)
    assert computed_rank is not None  # the engine computed it from this definition
    if chosen <= computed_rank:
        raise ApplicationError(
            f"The answers give {instrument.band_label(computed).lower()}. Professional judgement "
            "can only raise the risk level, never lower it or keep it the same",
            field="judgement_band",
        )
    if not judgement_reason:
        raise ApplicationError(
            "Explain why your professional judgement raises the risk level",
            field="judgement_reason",
        )
    return judgement_band


def _checked_stage(instrument: Instrument, stage: str) -> str:
    stages = [s["code"] for s in instrument.definition.get("stages", [])]
    if not stages:
        if stage:
            raise ApplicationError(f"{instrument.name} has no stages.", field="stage")
        return ""
    if stage not in stages:
        raise ApplicationError("Select the stage of the work this assessment is for", field="stage")
    return stage


@transaction.atomic
def assessment_complete(
    *,
    actor: User,
    person: Person,
    instrument_code: str,
    answers: Mapping[str, object],
    case: Case | None = None,
    judgement_band: str = "",
    judgement_reason: str = "",
    assessed_at: datetime | None = None,
    stage: str = "",
) -> Assessment:
    """Record a completed assessment of ``person`` with the current version of an instrument.

    Args:
        actor: who completed it; they must be able to see the person (and the case, if given).
        person: who was assessed.
        instrument_code: the instrument, e.g. ``"da-risk-checklist"``; its current version is used.
        answers: ``{question_code: answer}`` with an allowed answer for every question.
        case: the case the assessment was made for, if any; the person must be in it.
        judgement_band: a higher band chosen on professional judgement, or ``""``.
        judgement_reason: why; required when ``judgement_band`` is given.
        assessed_at: when it was completed, if earlier than now (entered afterwards); not in
            the future, nor before the person's date of birth.

    Returns:
        The new assessment, with score, computed band and final band worked out by the engine.

    Raises:
        AccessDenied: the actor may not see the person or the case.
        AnswersInvalid: questions unanswered or answered with a value they do not allow (one
            message per question, keyed by question code).
        ApplicationError: any other rule broken (judgement lowering the band, no reason, ...).
    """
    authorize(user=actor, action=Action.VIEW, obj=person)
    if actor.agency is None:
        raise AccessDenied(Action.CREATE, "assessment")
    if case is not None:
        _check_case(actor=actor, person=person, case=case)
    instrument = _current_instrument(instrument_code)
    now = timezone.now()
    # A later day is refused whatever the clocks: in the last minutes of a day, the start of
    # tomorrow is within the tolerance of now.
    if assessed_at is not None and (
        assessed_at > now + CLOCK_TOLERANCE
        or timezone.localdate(assessed_at) > timezone.localdate(now)
    ):
        raise ApplicationError(
            "The date of the assessment must be today or in the past", field="assessed_at"
        )
    born = person.date_of_birth
    if born is not None and timezone.localdate(assessed_at or now) < born:
        raise ApplicationError(
            "The date of the assessment must be on or after the person's date of birth "
            f"({born.day} {born:%B %Y})",
            field="assessed_at",
        )
    stage = _checked_stage(instrument, stage)
    cleaned = engine.clean_answers(instrument.definition, answers)
    total = engine.score(instrument.definition, cleaned)
    computed = engine.band_for(instrument.definition, total)["code"]
    judgement_reason = judgement_reason.strip()
    final = _final_band(
        instrument=instrument,
        computed=computed,
        judgement_band=judgement_band,
        judgement_reason=judgement_reason,
    )
    # Lock the person so two assessments saved at once cannot take the same sequence number.
    Person.objects.select_for_update().filter(pk=person.pk).first()
    previous = Assessment.objects.filter(person=person, instrument_code=instrument.code).aggregate(
        last=Max("sequence")
    )["last"]
    assessment = Assessment.objects.create(
        person=person,
        case=case,
        instrument=instrument,
        instrument_code=instrument.code,
        answers=cleaned,
        score=total,
        computed_band=computed,
        professional_judgement_band=judgement_band,
        judgement_reason=judgement_reason,
        final_band=final,
        assessed_by=actor,
        assessing_agency=actor.agency,
        assessed_at=assessed_at or now,
        sequence=(previous or 0) + 1,
        stage=stage,
    )
    audit_record(
        actor=actor,
        action="create",
        object_type="assessment",
        object_id=assessment.pk,
        summary=f"Completed {instrument.name} (version {instrument.version}): "
        f"{instrument.band_label(final)}",
        # The answers stay out: the audit log is read by people who may not see them.
        changes={
            "person": str(person.pk),
            "case": str(case.pk) if case else None,
            "instrument": instrument.code,
            "version": instrument.version,
            "sequence": assessment.sequence,
            "score": total,
            "computed_band": computed,
            "final_band": final,
            "raised_on_judgement": bool(judgement_band),
        },
    )
    return assessment
