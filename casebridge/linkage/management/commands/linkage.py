"""``casebridge linkage train`` and ``casebridge linkage review-count``.

Training runs as the system, as the scheduled ``snapshot`` does: an analyst retrains from the
Identity review pages, a scheduler or an operator from here.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.core.errors import ApplicationError
from casebridge.linkage.selectors import pending_review_count
from casebridge.linkage.services import linkage_model_train
from casebridge.linkage.thresholds import default_thresholds


class Command(BaseCommand):
    help = "Identity resolution: train the linkage model, or count the pairs waiting for review."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        train = actions.add_parser(
            "train", help="train a model on the people held and put it in use"
        )
        defaults = default_thresholds()
        train.add_argument(
            "--upper",
            type=float,
            help=f"link automatically from this match weight (default {defaults.upper:g})",
        )
        train.add_argument(
            "--lower",
            type=float,
            help=f"send for review from this match weight (default {defaults.lower:g})",
        )
        actions.add_parser("review-count", help="print how many pairs wait for an analyst")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "review-count":
            self.stdout.write(str(pending_review_count()))
            return
        try:
            model = linkage_model_train(
                actor=None, upper_threshold=options["upper"], lower_threshold=options["lower"]
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Linkage model {model.version}: trained on {model.record_count:,} people with "
            f"{model.get_backend_display()}; links automatically at a match weight of "
            f"{model.upper_threshold:g} or more, sends for review from {model.lower_threshold:g}."
        )
