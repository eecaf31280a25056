"""``casebridge linkage train``, ``casebridge linkage match --batch N --as USER`` and
``casebridge linkage review-count``.

Training runs as the system, as the scheduled ``snapshot`` does: an analyst retrains from the
Identity review pages, a scheduler or an operator from here. Matching a batch imported before
there was a model is what the batch page's button does, as the analyst named.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from casebridge.access.policy import AccessDenied
from casebridge.accounts.models import User
from casebridge.core.errors import ApplicationError
from casebridge.linkage.calibration import thresholds_given
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
        match = actions.add_parser(
            "match", help="match an imported batch's people with the people held"
        )
        match.add_argument("--batch", type=int, required=True, help="the import batch's number")
        match.add_argument("--as", dest="username", required=True, help="the analyst matching")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "review-count":
            self.stdout.write(str(pending_review_count()))
            return
        if options["action"] == "match":
            self._match(batch_id=options["batch"], username=options["username"])
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
            f"{model.upper_threshold:g} or more, sends for review from {model.lower_threshold:g}"
            f" ({'as given' if thresholds_given(model) else 'chosen by calibration'})."
        )
        if model.settings.get("casebridge", {}).get("training_note"):
            self.stdout.write(model.settings["casebridge"]["training_note"])

    def _match(self, *, batch_id: int, username: str) -> None:
        # The imports app owns batches; the service is the one behind the batch page's button.
        from casebridge.imports.models import ImportBatch
        from casebridge.imports.services.linking import batch_link

        try:
            actor = User.objects.get(username=username, is_active=True)
            batch = ImportBatch.objects.get(pk=batch_id)
            batch = batch_link(actor=actor, batch=batch)
        except User.DoesNotExist as error:
            raise CommandError(f"There is no active user {username}.") from error
        except ImportBatch.DoesNotExist as error:
            raise CommandError(f"There is no import batch {batch_id}.") from error
        except AccessDenied as error:
            raise CommandError(f"{username} may not match import batch {batch_id}.") from error
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if batch.awaiting_linkage:
            raise CommandError(batch.linkage)
        self.stdout.write(f"Import batch {batch.pk}: {batch.linkage}")
