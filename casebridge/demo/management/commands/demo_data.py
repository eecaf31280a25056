"""``casebridge demo-data``: generate the fictional borough of Northbridge."""

import time
from argparse import ArgumentParser
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from casebridge.access.definitions import load_permissions
from casebridge.accounts.models import User
from casebridge.agencies.models import Agency, Team
from casebridge.assessments.definitions import load_instruments
from casebridge.demo.logins import login_table
from casebridge.demo.organisation import AGENCIES, DEMO_URL, USERS
from casebridge.demo.plan import Plan, build_plan, figures, total_figures
from casebridge.demo.sizes import DEFAULT_SEED, DEFAULT_SIZE, SIZES
from casebridge.demo.writer import write_plan
from casebridge.pathways.definitions import load_pathways
from casebridge.people.models import Person


class Command(BaseCommand):
    help = (
        "Generate the fictional borough of Northbridge (April 2021 - March 2023): agencies, "
        "demo users with second factors, residents, and DA-MARAC referrals."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--size", choices=list(SIZES), default=DEFAULT_SIZE)
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="If the database already has agencies or people, print the logins and stop.",
        )
        parser.add_argument(
            "--url",
            default=DEMO_URL,
            help="Where the demo will be served, for the sign-in banner (make demo passes its "
            "HOST and PORT).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.CASEBRIDGE_DEMO:
            # Its users share a published password and print their second factors' secrets.
            raise CommandError(
                "demo-data makes accounts whose password is published, so it only runs with demo "
                "settings (CASEBRIDGE_DEMO = True): DJANGO_SETTINGS_MODULE="
                "casebridge.config.settings.local casebridge demo-data ..."
            )
        populated = Agency.objects.exists() or Person.objects.exists()
        if populated and options["if_empty"]:
            self.stdout.write("The database already has data; nothing generated.\n")
            self.stdout.write(login_table(url=options["url"]))
            return
        if populated:
            raise CommandError(
                "The database already has agencies or people. Use a fresh database, or pass "
                "--if-empty to leave it as it is."
            )
        started = time.perf_counter()
        load_pathways()
        load_permissions()
        load_instruments()
        size, seed = SIZES[options["size"]], options["seed"]
        self.stdout.write(f"Planning Northbridge, size {size.name}, seed {seed} ...")
        plan = build_plan(size, seed)
        self.stdout.write(
            f"Writing {len(plan.case_people) + plan.resident_count:,} people and "
            f"{len(plan.referrals):,} referrals ..."
        )
        timings = write_plan(plan, progress=self.stdout.write)
        self._summary(plan, time.perf_counter() - started, timings.seconds)
        self.stdout.write("")
        self.stdout.write(login_table(url=options["url"]))

    def _summary(self, plan: Plan, elapsed: float, seconds: dict[str, float]) -> None:
        out = self.stdout.write
        out(self.style.SUCCESS(f"Generated Northbridge ({plan.size.name}) in {elapsed:.1f} s"))
        out("  time: " + ", ".join(f"{name} {value:.1f} s" for name, value in seconds.items()))
        signing_in = User.objects.filter(username__in=[u.username for u in USERS]).count()
        out(f"  agencies: {Agency.objects.count()}, teams: {Team.objects.count()}")
        out(f"  demo users: {signing_in} (and {len(AGENCIES)} generator accounts)")
        out(f"  people: {Person.objects.count():,}")
        for row in [*figures(plan), total_figures(plan)]:
            label = "both years" if row.year == "all" else f"FY {row.year}"
            out(
                f"  DA-MARAC {label}: {row.referrals} referrals, repeat rate "
                f"{row.repeat_rate:.1%}, {row.caring_rate:.1%} caring for children "
                f"({row.with_children} victims, {row.children} children), "
                f"{row.female_victims / max(row.referrals, 1):.0%} female victims"
            )
        states = Counter(r.final_state for r in plan.referrals)
        out("  case states now: " + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
