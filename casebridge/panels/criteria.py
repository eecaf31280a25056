"""The referral-criteria engine: each criterion a pathway definition names is checked against
the records (risk assessments, incidents, earlier referrals), never ticked by hand."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from casebridge.assessments.selectors import latest_assessment, referral_criteria_met
from casebridge.core.periods import months_before
from casebridge.incidents.selectors import incidents_involving_victim
from casebridge.pathways.models import Case, CasePerson, Pathway


@dataclass(frozen=True)
class Referral:
    """What the engine needs to know about a referral being made."""

    pathway: Pathway
    victim_ids: Collection[UUID]
    perpetrator_ids: Collection[UUID]
    referred_at: datetime
    judgement_reason: str = ""


@dataclass(frozen=True)
class CriterionMet:
    code: str
    label: str
    evidence: str
    repeat_of: Case | None = None


Evaluator = Callable[[Referral, dict[str, Any]], CriterionMet | None]


def _assessed(
    referral: Referral, *, code: str, label: str, instruments: list[str]
) -> CriterionMet | None:
    """Met when the latest assessment with one of the instruments, before the referral, is in
    a band whose referral rule gives this criterion of the pathway."""
    for instrument in instruments:
        assessment = latest_assessment(
            person_ids=referral.victim_ids,
            instrument_code=instrument,
            on_or_before=referral.referred_at,
        )
        if assessment is None:
            continue
        if code in referral_criteria_met(assessment=assessment, pathway_code=referral.pathway.code):
            return CriterionMet(
                code,
                label,
                f"{assessment.instrument.name} on {assessment.assessed_at:%d %b %Y}: "
                f"score {assessment.score}, {assessment.final_band} risk",
            )
    return None


def _visible_high_risk(referral: Referral, rule: dict[str, Any]) -> CriterionMet | None:
    return _assessed(
        referral,
        code="visible_high_risk",
        label=rule.get("label", "Visible high risk"),
        instruments=[rule["instrument"]],
    )


def _identified_risk(referral: Referral, rule: dict[str, Any]) -> CriterionMet | None:
    return _assessed(
        referral,
        code="identified_risk",
        label=rule.get("label", "Identified risk"),
        instruments=rule["instruments"],
    )


def _potential_escalation(referral: Referral, rule: dict[str, Any]) -> CriterionMet | None:
    since = months_before(referral.referred_at, rule["window_months"])
    incidents = incidents_involving_victim(
        person_ids=referral.victim_ids,
        category=rule["incident_category"],
        reporting_agency_kind=rule["reporting_agency_kind"],
        since=since,
        until=referral.referred_at,
    )
    if len(incidents) < rule["min_incidents"]:
        return None
    references = ", ".join(incident.reference for incident in incidents)
    return CriterionMet(
        "potential_escalation",
        rule.get("label", "Potential escalation"),
        f"{len(incidents)} incidents in the {rule['window_months']} months before referral: "
        f"{references}",
    )


def _perpetrators_of(case: Case) -> set[UUID]:
    return set(
        CasePerson.objects.filter(case=case, role=CasePerson.Role.PERPETRATOR).values_list(
            "person_id", flat=True
        )
    )


def _repeat(referral: Referral, rule: dict[str, Any]) -> CriterionMet | None:
    """A repeat is a referral of the same victim within the window of their last referral.

    With ``same_perpetrator``, the abuse must be by the same perpetrator(s): a referral naming
    a different perpetrator is a new case. Where either referral names no perpetrator, nothing
    shows the perpetrator differs, so it counts as a repeat.
    """
    since = months_before(referral.referred_at, rule["window_months"])
    last = (
        Case.objects.filter(
            pathway=referral.pathway,
            subject_id__in=referral.victim_ids,
            referred_at__gte=since,
            referred_at__lt=referral.referred_at,
        )
        .exclude(state="declined")
        .order_by("-referred_at")
        .first()
    )
    if last is None:
        return None
    if rule["same_perpetrator"]:
        previous = _perpetrators_of(last)
        if previous and referral.perpetrator_ids and not previous & set(referral.perpetrator_ids):
            return None
    return CriterionMet(
        "repeat",
        rule.get("label", "Repeat referral"),
        f"Last referred as {last.reference} on {last.referred_at:%d %b %Y}",
        repeat_of=last,
    )


def _professional_judgement(referral: Referral, rule: dict[str, Any]) -> CriterionMet | None:
    reason = referral.judgement_reason.strip()
    if not reason:
        return None
    return CriterionMet(
        "professional_judgement", rule.get("label", "Professional judgement"), reason
    )


EVALUATORS: dict[str, Evaluator] = {
    "visible_high_risk": _visible_high_risk,
    "identified_risk": _identified_risk,
    "potential_escalation": _potential_escalation,
    "repeat": _repeat,
    "professional_judgement": _professional_judgement,
}


def criteria_met(referral: Referral) -> list[CriterionMet]:
    """Every criterion of the referral's pathway that the records show is met."""
    rules: dict[str, dict[str, Any]] = referral.pathway.definition.get("referral_criteria", {})
    results = (EVALUATORS[code](referral, rule) for code, rule in rules.items())
    return [result for result in results if result is not None]
