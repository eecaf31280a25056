"""Planning Northbridge's offenders (no database), modelled on the source report's sections 6
and 7 (Barnet, 2022/23): the Integrated Offender Management cohort (``iom_plan``, with its
casework in ``iom_casework_plan`` and the Fitness Academy in ``fitness_academy_plan``), the
young people entering the youth justice system (``youth_plan``), the women referred to the
women's centre (``womens_plan``), and every offence the cohort and the young people commit, with
how and when it was proven (``offenders``).

The replay writes the cases from this plan (``offending``) and the partners' extracts of the
offence histories come from it too (``offence_histories``).
"""

import random
from dataclasses import dataclass
from functools import lru_cache

from casebridge.demo.fitness_academy_plan import plan_fitness_academy
from casebridge.demo.identifiers import IdentifierAllocator
from casebridge.demo.iom_plan import CohortPlanner, PlannedMember, plan_cohort, plan_contacts
from casebridge.demo.names import load_pools
from casebridge.demo.offenders import Identities, Offences, Offender
from casebridge.demo.population import PersonMaker
from casebridge.demo.womens_plan import PlannedWoman, plan_women
from casebridge.demo.youth_plan import plan_young_people


@dataclass
class OffendingPlan:
    members: list[PlannedMember]
    young_people: list[Offender]
    women: list[PlannedWoman]

    @property
    def offenders(self) -> list[Offender]:
        adopted = [m.offender for m in self.members if m.adopted_on is not None]
        return adopted + self.young_people


@lru_cache(maxsize=4)
def plan_offending(seed: int, scale: float) -> OffendingPlan:
    """The same people and offences for the same seed and scale: the replay writes the cases,
    and the extracts imported at the end name the same people."""
    rng = random.Random(f"{seed}:offending")  # nosec B311  # seeded on purpose: the demo borough is reproducible, not secret
    maker = PersonMaker(rng, load_pools(), IdentifierAllocator(rng))
    # One run of crime references and PNC IDs for everyone.
    offences, ids = Offences(rng), Identities(rng)
    # Everything draws from the one stream, so this order is part of what a seed gives.
    members = plan_cohort(CohortPlanner(rng, maker, offences, ids), scale)
    plan_fitness_academy(rng, members, scale)
    plan_contacts(rng, members)
    young_people = plan_young_people(rng, maker, offences, ids, scale)
    women = plan_women(rng, maker, scale)
    return OffendingPlan(members, young_people, women)
