"""SIRM proposals: incidents the rule proposes for a meeting, and the coordinator's decision."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.incidents.models import Incident
from casebridge.panels.models import Meeting
from casebridge.panels.services import agenda_add, meeting_schedule
from casebridge.pathways.models import Case, CasePerson, Pathway
from casebridge.pathways.services import referral_create
from casebridge.violence.criteria import incident_rule_may_be_met, incident_rule_met, sift_reads
from casebridge.violence.models import SirmProposal

SIRM_CODE = "sirm"
REASON_LIMIT = 2_000
CHUNK = 1_000


def _sirm_pathway() -> Pathway | None:
    return Pathway.objects.filter(code=SIRM_CODE, is_active=True).first()


@transaction.atomic
def sirm_proposals_for(*, incidents: Sequence[Incident]) -> list[SirmProposal]:
    """Propose a SIRM for each incident that meets the active sirm pathway's rule.

    Called in the transaction that records the incidents, so an incident is never recorded
    without its check. The incidents are given with their fields: those that could not meet the
    rule whoever their people are are sifted out first, and only the others are read again
    with their victim and suspect. The proposals are the system's, not the recording user's:
    no permission is asked, and only the SIRM coordinators see them. An incident already
    proposed is skipped.

    Returns:
        The proposals made (empty with no active sirm pathway, or none met).
    """
    pathway = _sirm_pathway()
    if pathway is None or "incident_rule" not in pathway.definition or not incidents:
        return []
    rule = pathway.definition["incident_rule"]
    ids = [
        incident.pk
        for incident in incidents
        if incident_rule_may_be_met(incident=incident, rule=rule)
    ]
    return _propose(pathway, ids)


@transaction.atomic
class SirmSift:
    """SIRM proposals for the incidents an import writes as columns (values by field attname,
    ``id`` included), without a model instance for each. Each chunk is sifted as it is written
    (each row through one instance holding its values in turn), with no query once the pathway
    is read, so the import's writes need not wait for it; ``propose`` then reads the few left
    with their people and proposes, a chunk at a time as they were sifted (one audit entry for
    each chunk with a proposal), once every chunk is written, in the import's transaction."""

    def __init__(self) -> None:
        self._pathway: Pathway | None = None
        self._read = False
        self._chunks: list[list[Any]] = []
        # Whether the rule may be met, by what the rule reads of an incident (``_reads``).
        self._judged: dict[tuple[Any, ...], bool] = {}
        self._reads: tuple[list[str], list[str]] | None = None

    @property
    def _rule(self) -> dict[str, Any] | None:
        if not self._read:
            self._pathway, self._read = _sirm_pathway(), True
        if self._pathway is None:
            return None
        return self._pathway.definition.get("incident_rule")  # type: ignore[no-any-return]

    def sift(self, *, columns: Mapping[str, Sequence[Any]]) -> None:
        """Sift a chunk of incidents given as columns (each field's values by attname)."""
        rule = self._rule
        if rule is None or not columns.get("id"):
            return
        if self._reads is None:
            self._reads = sift_reads(rule["when"])
        fields, people = self._reads
        names = (*fields, *people)
        # Only what the rule reads, a person's id as given or not: an import's incidents are
        # alike in it by the thousand, and each alike is judged once.
        read = zip(
            *(columns[f] for f in fields), *(map(bool, columns[p]) for p in people), strict=True
        )
        ids = []
        for pk, key in zip(columns["id"], read, strict=True):
            may = self._judged.get(key)
            if may is None:
                # As the fields' own attributes would set them: the probe holds nothing else.
                probe = Incident()
                probe.__dict__.update(zip(names, key, strict=True))
                may = self._judged[key] = incident_rule_may_be_met(incident=probe, rule=rule)
            if may:
                ids.append(pk)
        self._chunks.append(ids)

    def propose(self) -> list[SirmProposal]:
        if self._pathway is None:
            return []
        chunks, self._chunks = self._chunks, []
        return [proposal for ids in chunks for proposal in _propose(self._pathway, ids)]


def _propose(pathway: Pathway, ids: list[Any]) -> list[SirmProposal]:
    """Proposals for those of the incidents ``ids`` that meet the rule, read with their people."""
    rule = pathway.definition["incident_rule"]
    now = timezone.now()
    proposals = []
    for start in range(0, len(ids), CHUNK):
        # Re-read with the people the rule judges (and whether proposed already).
        chunk = (
            Incident.objects.filter(pk__in=ids[start : start + CHUNK], sirm_proposal__isnull=True)
            .select_related("victim", "suspect")
            .order_by("occurred_at", "reference")
        )
        for incident in chunk:
            result = incident_rule_met(incident=incident, rule=rule)
            if result.met:
                proposals.append(
                    SirmProposal(
                        incident=incident,
                        proposed_at=now,
                        rule_version=pathway.version,
                        criteria=result.as_json(),
                    )
                )
    if not proposals:
        return []
    SirmProposal.objects.bulk_create(proposals, batch_size=CHUNK)
    references = [proposal.incident.reference for proposal in proposals]
    audit_record(
        actor=None,
        actor_username="system",
        action="create",
        object_type=Resource.SIRM_PROPOSAL,
        summary=f"SIRM proposed for {len(proposals)} incidents: {', '.join(references)}",
        changes={
            "rule_version": pathway.version,
            "proposals": [str(proposal.pk) for proposal in proposals],
            "incidents": [str(proposal.incident_id) for proposal in proposals],
        },
    )
    return proposals


def _lock_undecided(proposal: SirmProposal) -> SirmProposal:
    proposal = (
        SirmProposal.objects.select_for_update(of=("self",))
        .select_related("incident", "incident__victim", "incident__suspect")
        .get(pk=proposal.pk)
    )
    if proposal.status != SirmProposal.Status.PROPOSED:
        raise ApplicationError(
            f"The SIRM proposal for {proposal.incident.reference} is already decided: "
            f"{proposal.get_status_display().lower()}."
        )
    return proposal


def _referral_reason(incident: Incident, criteria: list[dict[str, str]]) -> str:
    day = timezone.localdate(incident.occurred_at)
    evidence = "; ".join(item["evidence"] for item in criteria)
    return (
        f"{incident.get_category_display()} {incident.reference} on {day.day} {day:%b %Y} "
        f"met the SIRM criteria: {evidence}."
    )


@transaction.atomic
def sirm_convene(
    *,
    actor: User,
    proposal: SirmProposal,
    scheduled_for: datetime,
    attending_agencies: Iterable[Agency] = (),
    title: str = "",
    location: str = "",
) -> Meeting:
    """Convene a SIRM for a proposed incident: open its case and schedule the meeting.

    The case is the victim's (the suspect's where no victim is recorded), with the suspect as
    the alleged perpetrator, already accepted; the meeting has it on its agenda.

    Args:
        actor: a SIRM coordinator; they chair the meeting and their agency owns the case.
        proposal: a proposal not yet decided.
        scheduled_for: when the meeting starts (timezone-aware).
        attending_agencies: the agencies invited; only they see the case.
        title: defaults to "SIRM - <incident reference>".
        location: the venue or "Online".

    Returns:
        The planned meeting.
    """
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.SIRM_PROPOSAL)
    proposal = _lock_undecided(proposal)
    incident = proposal.incident
    pathway = _sirm_pathway()
    if pathway is None:
        raise ApplicationError("The SIRM pathway is not taking referrals.")
    subject = incident.victim or incident.suspect
    if subject is None:
        raise ApplicationError(f"Incident {incident.reference} names no victim or suspect.")
    others = []
    if incident.victim is not None and incident.suspect is not None:
        others.append((incident.suspect, CasePerson.Role.PERPETRATOR))
    case = referral_create(
        actor=actor,
        pathway=pathway,
        subject=subject,
        referral_reason=_referral_reason(incident, proposal.criteria),
        consent=Case.Consent.NOT_ASKED,
        lawful_basis=Case.LawfulBasis.SAFEGUARDING,
        other_people=others,
    )
    meeting = meeting_schedule(
        actor=actor,
        pathway=pathway,
        scheduled_for=scheduled_for,
        title=title.strip() or f"SIRM - {incident.reference}",
        location=location,
        attending_agencies=attending_agencies,
    )
    agenda_add(actor=actor, meeting=meeting, case=case)
    proposal.status = SirmProposal.Status.CONVENED
    proposal.case = case
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "case", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.SIRM_PROPOSAL,
        object_id=proposal.pk,
        summary=f"Convened a SIRM for incident {incident.reference}: {case.reference}",
        changes={
            "status": [SirmProposal.Status.PROPOSED, proposal.status],
            "case": [None, str(case.pk)],
            "meeting": [None, str(meeting.pk)],
        },
    )
    return meeting


@transaction.atomic
def sirm_not_needed(*, actor: User, proposal: SirmProposal, reason: str) -> SirmProposal:
    """Record that the coordinator decided no SIRM is needed for a proposed incident, and why."""
    require_permission(user=actor, action=Action.CHANGE, resource=Resource.SIRM_PROPOSAL)
    proposal = _lock_undecided(proposal)
    reason = reason.strip()
    if not reason:
        raise ApplicationError("Give the reason no SIRM is needed.", field="reason")
    if len(reason) > REASON_LIMIT:
        raise ApplicationError(
            f"Keep the reason to {REASON_LIMIT:,} characters or fewer.", field="reason"
        )
    proposal.status = SirmProposal.Status.NOT_NEEDED
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.decision_reason = reason
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    audit_record(
        actor=actor,
        action="change",
        object_type=Resource.SIRM_PROPOSAL,
        object_id=proposal.pk,
        summary=f"No SIRM needed for incident {proposal.incident.reference}",
        changes={"status": [SirmProposal.Status.PROPOSED, proposal.status]},
        reason=reason,
    )
    return proposal
