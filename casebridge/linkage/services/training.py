"""Training the model from the people held, and putting it in use."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from casebridge.access.policy import Action, Resource, require_permission
from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.linkage.calibration import operating_thresholds
from casebridge.linkage.models import LinkageModel
from casebridge.linkage.records import linkage_records, records_table
from casebridge.linkage.scores import MODEL_EXTRAS
from casebridge.linkage.thresholds import checked_thresholds, default_thresholds
from casebridge.people.models import Person

# Fewer people than this and training has too few likely pairs to learn from: its estimates
# would swing with every person added. Until then the lookup falls back to exact names.
MIN_TRAINING_PEOPLE = 200


def linkage_model_train(
    *,
    actor: User | None,
    upper_threshold: float | None = None,
    lower_threshold: float | None = None,
) -> LinkageModel:
    """Train a model on the current people and make it the one in use.

    ``actor`` None is the system (the ``linkage train`` command). Without thresholds they are
    chosen by calibration (``calibration.operating_thresholds``), and again at each linking run
    as analysts' decisions accumulate; thresholds given are kept (one left out comes from
    ``definitions/thresholds.yaml``). Training runs outside the transaction, so the database is
    not held for its minutes on a large population; the model and its audit entry are written
    together.

    Raises:
        AccessDenied: the actor may not resolve identities.
        ApplicationError: the thresholds are the wrong way round, or there are too few people.
    """
    if actor is not None:
        require_permission(user=actor, action=Action.CHANGE, resource=Resource.IDENTITY)
    given = upper_threshold is not None or lower_threshold is not None
    defaults = default_thresholds()
    # Checked before the minutes of training, not after.
    given_thresholds = checked_thresholds(
        upper=defaults.upper if upper_threshold is None else upper_threshold,
        lower=defaults.lower if lower_threshold is None else lower_threshold,
    )
    # Every record, merged ones included: the duplicates are what training learns a match
    # from; a register of survivors alone has none and gives a model that finds few links.
    records = linkage_records(people=Person.objects.all())
    if len(records) < MIN_TRAINING_PEOPLE:
        raise ApplicationError(
            f"Training needs at least {MIN_TRAINING_PEOPLE} people and {len(records)} are "
            "recorded. Train the model once more people are held."
        )
    # Imported here: the engine loads Splink, DuckDB and Arrow (about a second of CPU), which
    # only training needs, not every process that loads the linkage pages.
    from casebridge.linkage import engine

    backend = engine.backend_from_settings()
    try:
        settings = engine.train_model(records=records_table(records), backend=backend)
    except engine.TooFewDuplicates as error:
        raise ApplicationError(
            f"No model was stored: {error}. Train it once partner extracts that hold the same "
            "people more than once have been imported."
        ) from error
    except ValueError as error:
        # Splink's estimates fail outright when the records hold too few likely matches.
        raise ApplicationError(
            "The people held give the model too few likely matches to learn from (Splink: "
            f"{str(error)[:120]}). Train it once partner extracts have been imported."
        ) from error
    extras = {**settings[MODEL_EXTRAS], "thresholds_given": given}
    settings = {**settings, MODEL_EXTRAS: extras}
    # Without thresholds given, calibration chooses them (again at every linking run).
    thresholds = (
        given_thresholds
        if given
        else operating_thresholds(
            model=LinkageModel(
                settings=settings, upper_threshold=defaults.upper, lower_threshold=defaults.lower
            )
        )
    )
    with transaction.atomic():
        LinkageModel.objects.select_for_update().filter(is_current=True).update(is_current=False)
        latest = LinkageModel.objects.aggregate(latest=Max("version"))["latest"] or 0
        model = LinkageModel.objects.create(
            version=latest + 1,
            settings=settings,
            trained_at=timezone.now(),
            trained_by=actor,
            record_count=len(records),
            backend=backend,
            upper_threshold=thresholds.upper,
            lower_threshold=thresholds.lower,
            is_current=True,
        )
        audit_record(
            actor=actor,
            actor_username="" if actor else "system",
            action="create",
            object_type="linkage_model",
            object_id=model.pk,
            summary=f"Trained linkage model {model.version} on {len(records):,} people",
            changes={
                "version": model.version,
                "records": len(records),
                "backend": backend,
                "upper_threshold": thresholds.upper,
                "lower_threshold": thresholds.lower,
                "thresholds": "given" if given else "calibrated",
            },
        )
    return model
