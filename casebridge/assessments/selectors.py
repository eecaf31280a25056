"""Reading assessments: for a person's pages (checked against the user) and for the referral
criteria (called by services that have already authorised the referral)."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Q, QuerySet

from casebridge.access.policy import AccessDenied, Action, authorize, visible
from casebridge.accounts.models import User
from casebridge.assessments import engine
from casebridge.assessments.models import Assessment, Instrument
from casebridge.pathways.models import Case
from casebridge.people.models import Person


def _visible_to(user: User) -> Q:
    # Seeing the person is not enough for an assessment made for a case the user may not see
    # (a sealed case, another agency's): its existence and risk level would leak through it.
    cases = visible(user=user, action=Action.VIEW, queryset=Case.objects.all())
    return Q(case__isnull=True) | Q(case__in=cases)


def assessments_for_person(*, user: User, person: Person) -> QuerySet[Assessment]:
    """The person's assessments the user may see, newest first.

    Raises:
        AccessDenied: the user may not see the person (shown as 404).
    """
    authorize(user=user, action=Action.VIEW, obj=person)
    return (
        Assessment.objects.filter(person=person)
        .filter(_visible_to(user))
        .select_related("instrument", "assessed_by", "assessing_agency")
        .order_by("-assessed_at", "-sequence")
    )


def assessment_get(*, user: User, assessment_id: UUID | str) -> Assessment:
    """The assessment, if the user may see its person (and its case, if it has one).

    Raises:
        AccessDenied: otherwise, or if there is no such assessment (both shown as 404).
    """
    assessment = (
        Assessment.objects.select_related(
            "instrument", "person", "case", "assessed_by", "assessing_agency"
        )
        .prefetch_related("person__names")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        raise AccessDenied(Action.VIEW, "assessment", assessment_id)
    shown = visible_assessments(user=user, queryset=Assessment.objects.filter(pk=assessment.pk))
    if not shown.exists():
        raise AccessDenied(Action.VIEW, "assessment", assessment_id)
    return assessment


def visible_assessments(*, user: User, queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Narrow ``queryset`` to the assessments whose person (and case, if any) the user may see."""
    people = visible(user=user, action=Action.VIEW, queryset=Person.objects.all())
    return queryset.filter(person__in=people).filter(_visible_to(user))


def current_instruments() -> list[Instrument]:
    """The instrument versions new assessments use, by name."""
    return list(Instrument.objects.filter(is_current=True).order_by("name"))


def current_instrument(*, code: str) -> Instrument | None:
    return Instrument.objects.filter(code=code, is_current=True).first()


def latest_assessment(
    *,
    person_ids: Collection[UUID],
    instrument_code: str,
    on_or_before: datetime | None = None,
) -> Assessment | None:
    """The most recent assessment of any of these person records with this instrument.

    For rules about a person's history (the MARAC "visible high risk" criterion): pass every
    record of the person (``people.selectors.identity_ids``). No user: the caller has already
    authorised what it is doing, and must not show the assessment to anyone who may not see it.

    Args:
        person_ids: the person records to look at.
        instrument_code: e.g. ``"da-risk-checklist"``, any version.
        on_or_before: only assessments completed at or before this time (``None``: any).

    Returns:
        The assessment with the latest ``assessed_at`` (ties: the later entered), or ``None``.
    """
    assessments = Assessment.objects.filter(
        person_id__in=list(person_ids), instrument_code=instrument_code
    )
    if on_or_before is not None:
        assessments = assessments.filter(assessed_at__lte=on_or_before)
    return assessments.select_related("instrument").order_by("-assessed_at", "-created_at").first()


def referral_criteria_met(*, assessment: Assessment, pathway_code: str) -> list[str]:
    """The referral criteria of a pathway that the assessment's final band meets.

    From the instrument version's ``referral_rules``: a rule is met when the final band (after
    professional judgement) is the rule's band or a higher one. For example, a
    ``da-risk-checklist`` assessment in the high band gives ``["visible_high_risk"]`` for
    ``"da-marac"``.
    """
    return engine.criteria_met(
        assessment.instrument.definition, band=assessment.final_band, pathway=pathway_code
    )


@dataclass(frozen=True)
class AreaProgress:
    """One question's answers at each stage, for showing progress area by area."""

    code: str
    text: str
    by_stage: dict[str, int | None]

    @property
    def change(self) -> int | None:
        scored = [value for value in self.by_stage.values() if value is not None]
        return scored[-1] - scored[0] if len(scored) > 1 else None


def progress_by_area(*, user: User, person: Person, instrument: Instrument) -> list[AreaProgress]:
    """The latest answer to each question at each of the instrument's stages, for a person the
    user may see (their assessments are filtered as ``assessments_for_person`` filters them)."""
    stages = [stage["code"] for stage in instrument.definition.get("stages", [])]
    latest: dict[str, Assessment] = {}
    history = assessments_for_person(user=user, person=person).filter(
        instrument_code=instrument.code, stage__in=stages
    )
    for assessment in history.order_by("assessed_at", "sequence"):
        latest[assessment.stage] = assessment
    return [
        AreaProgress(
            code=question["code"],
            text=question["text"],
            by_stage={
                stage: latest[stage].answers.get(question["code"]) if stage in latest else None
                for stage in stages
            },
        )
        for question in instrument.definition["questions"]
    ]
