"""Replaying the perpetrator programmes and partner support through the services.

What happens, and when, is planned in ``programme_plan`` (sources and volumes are described
there); here each planned step becomes the click that records it, with the clock set to its
moment: the referral by a police, probation or children's services practitioner, the provider's
facilitator moving the case along and scoring the outcome measure.
"""

import random
from datetime import datetime
from typing import TYPE_CHECKING

from casebridge.assessments.services import assessment_complete
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.names import load_pools
from casebridge.demo.organisation import USERS
from casebridge.demo.population import PersonMaker
from casebridge.demo.programme_plan import (
    PROGRAMMES,
    REASONS,
    PlannedParticipant,
    ProgrammeSpec,
    plan_programme,
)
from casebridge.pathways.models import Case, Pathway
from casebridge.pathways.services import case_transition, referral_create
from casebridge.people.services import people_bulk_create

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

SOURCE = "perpetrator programme referral"
MEASURE = "programme-outcomes"


def schedule_programmes(replay: "Replay") -> None:
    """Add every programme's referrals, moves and outcome measures to ``replay``.

    Participants are recorded by the referring agency's generator account when they are
    referred; the provider's practitioner facilitates, moving the case and scoring the measure
    (their agency holds the case, so they may see its subject).
    """
    rng = random.Random(f"{replay.seed}:programmes")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    maker = PersonMaker(rng, load_pools(), IdentifierAllocator(rng))
    for spec in PROGRAMMES:
        pathway = Pathway.objects.get(code=spec.pathway)
        for person in plan_programme(rng, maker, spec, replay.scale):
            _schedule_participant(replay, spec, pathway, person)


def _schedule_participant(
    replay: "Replay", spec: ProgrammeSpec, pathway: Pathway, planned: PlannedParticipant
) -> None:
    referrer = replay.user(planned.referrer)
    facilitator = replay.agency_user(spec.provider)
    generator = replay.org.generators[
        next(u.agency for u in USERS if u.username == planned.referrer)
    ]
    cases: list[Case] = []

    def refer() -> None:
        (subject,) = people_bulk_create(actor=generator, people=[planned.person], source=SOURCE)
        cases.append(
            referral_create(
                actor=referrer,
                pathway=pathway,
                subject=subject,
                referral_reason=spec.reason,
                consent=Case.Consent.GIVEN,
                lawful_basis=Case.LawfulBasis.CONSENT,
                owner_agency=replay.org.agencies[spec.provider],
                referred_at=planned.referred_at,
            )
        )

    def move(at: datetime | None, code: str, outcome: str = "") -> None:
        if at is None:
            return
        reason = REASONS.get(outcome, "")

        def run(at: datetime = at) -> None:
            cases[0] = case_transition(
                actor=facilitator,
                case=cases[0],
                transition=code,
                reason=reason,
                outcome=outcome if code not in ("decline",) else "",
                at=at,
            )

        replay.at(at, run)

    replay.at(planned.referred_at, refer)
    if spec.measured:
        move(planned.engaged_at, "engage")
        move(planned.entered_at, "enter")
        move(planned.left_at, "complete" if planned.completed else "leave", planned.outcome)
        move(planned.not_taken_up_at, "not_suitable", planned.outcome)
    else:
        move(planned.entered_at, "accept")
        move(planned.left_at, "close", planned.outcome)
        move(planned.not_taken_up_at, "decline", planned.outcome)
    for score in planned.scores:
        replay.at(
            score.at,
            lambda score=score: assessment_complete(
                actor=facilitator,
                person=cases[0].subject,
                instrument_code=MEASURE,
                answers=score.answers,
                case=cases[0],
                assessed_at=score.at,
                stage=score.stage,
            ),
        )
