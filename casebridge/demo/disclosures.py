"""Clare's Law requests on the demo's MARAC cases, recorded by the MARAC coordinator.

Source: the partnership report's 2021/22 figures, 22 requests under the Domestic Violence
Disclosure Scheme, 10.5% of the DA-MARAC cases. Each request comes within four weeks of the
referral; the police decide within about a month whether to disclose.
"""

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

from casebridge.demo.calendar import AS_OF, add_working_days, at_office_time
from casebridge.demo.marac import PlannedReferral
from casebridge.pathways.disclosures import disclosure_decide, disclosure_request_record
from casebridge.pathways.models import DisclosureRequest

if TYPE_CHECKING:
    from casebridge.demo.history import Replay

REQUEST_SHARE = 0.105  # of MARAC cases
RIGHT_TO_ASK = 0.4  # the rest are right to know: the police decide to tell the victim
DISCLOSED = 0.6


def schedule_disclosures(replay: "Replay", referrals: list[PlannedReferral]) -> None:
    """Add a request (and its decision, when one is due by the demo's today) for about one
    MARAC case in ten that was not declined."""
    rng = random.Random(f"{replay.seed}:clares-law")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    requests: dict[int, DisclosureRequest] = {}
    for index, planned in enumerate(referrals):
        if planned.final_state == "declined" or rng.random() >= REQUEST_SHARE:
            continue
        day = planned.referred_at.date() + timedelta(days=rng.randint(1, 28))
        requested_at = at_office_time(rng, day)
        route = (
            DisclosureRequest.Route.RIGHT_TO_ASK
            if rng.random() < RIGHT_TO_ASK
            else DisclosureRequest.Route.RIGHT_TO_KNOW
        )
        decided_at = at_office_time(rng, add_working_days(day, rng.randint(5, 30)))
        decision = (
            DisclosureRequest.Decision.DISCLOSED
            if rng.random() < DISCLOSED
            else DisclosureRequest.Decision.NOT_DISCLOSED
        )
        if requested_at > AS_OF:
            continue
        decided_on = decided_at.date()

        def request(index: int = index, route: str = route, on: date = day) -> None:
            requests[index] = disclosure_request_record(
                actor=replay.chair, case=replay.cases[index], route=route, requested_on=on
            )

        def decide(index: int = index, decision: str = decision, on: date = decided_on) -> None:
            disclosure_decide(
                actor=replay.chair, request=requests[index], decision=decision, decided_on=on
            )

        replay.at(requested_at, request)
        if decided_at <= AS_OF:
            replay.at(decided_at, decide)
