"""What the policy knows about one user, loaded once per request.

A fact is a set of ids about the user (the cases they are entitled to, the people they broke
the glass for, the cases on the agendas of meetings their agency attends). Apps register the
facts their conditions read (``register_fact``, from ``AppConfig.ready``). A user's facts are
loaded lazily, each at most once, and kept on the user object (a request's user, a service's
actor), so a check in the selector and again in the service, or VIEW then CHANGE on one page,
query nothing the second time.

A fact is loaded again when a record it is read from was saved or deleted in this process since
(``post_save``/``post_delete`` bump a counter per model; a service that writes such records in
bulk says so with ``written_in_bulk``); other processes' changes are seen by the next request,
which loads its facts afresh.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from casebridge.core.prepared import ClockNow

if TYPE_CHECKING:
    from casebridge.access.conditions import Link
    from casebridge.accounts.models import User

_versions: defaultdict[type[Model], int] = defaultdict(int)
_watched: set[type[Model]] = set()


@dataclass(frozen=True)
class Fact:
    """A set of ids about a user.

    Attributes:
        name: how conditions name it ("entitled_cases").
        rows: the user's rows ("their entitlements"), from which ``id_field`` is taken. They
            may read the user's id, foreign keys (agency, team) and roles and nothing else about
            them: the permission filters built from them are kept per those (``policy``).
        id_field: the column that holds the ids.
        sources: "app_label.Model" of every model whose changes change the fact.
        until: for facts that lapse (break-glass), the column that says when each row lapses.
    """

    name: str
    rows: Callable[["User"], QuerySet[Any]]
    id_field: str
    sources: tuple[str, ...]
    until: str = ""

    def current_rows(self, user: "User") -> QuerySet[Any]:
        rows = self.rows(user)
        return rows.filter(**{f"{self.until}__gt": ClockNow()}) if self.until else rows


_facts: dict[str, Fact] = {}


def register_fact(fact: Fact) -> None:
    """Make a fact available to conditions (call from ``AppConfig.ready``; idempotent)."""
    _facts[fact.name] = fact
    watch(fact.sources)


def watch(sources: Iterable[str]) -> None:
    """Count saves and deletes of these models, so facts read from them are loaded again."""
    for label in sources:
        model = apps.get_model(label)
        if model not in _watched:
            _watched.add(model)
            post_save.connect(_bump, sender=model, dispatch_uid=f"access-facts-save-{label}")
            post_delete.connect(_bump, sender=model, dispatch_uid=f"access-facts-delete-{label}")


def _bump(sender: type[Model], **kwargs: object) -> None:
    _versions[sender] += 1


def written_in_bulk(model: type[Model]) -> None:
    """Records of ``model`` were written without a signal (``bulk_create``): facts read from them
    are loaded again at the next check, as after a save. Without this the check stays right (a
    refusal is confirmed in the database) but each check of the new records queries."""
    _bump(model)


_models: dict[str, type[Model]] = {}


def version(sources: Iterable[str]) -> tuple[int, ...]:
    """The save counters of these models (watched from the first time they are asked for)."""
    counters = []
    for label in sources:
        model = _models.get(label)
        if model is None:
            watch([label])
            model = _models[label] = apps.get_model(label)
        counters.append(_versions[model])
    return tuple(counters)


@dataclass
class _Loaded:
    version: tuple[int, ...]
    ids: frozenset[Any]
    lapses_at: datetime | None = None


class AccessFacts:
    """One user's facts, each loaded the first time a check needs it."""

    def __init__(self, user: "User") -> None:
        self.user = user
        self._ids: dict[str, _Loaded] = {}
        self._linked: dict[tuple[str, object], tuple[tuple[int, ...], list[dict[str, Any]]]] = {}
        self.conditions: dict[tuple[type[Model], str, str], Any] = {}

    def user_key(self) -> tuple[object, ...]:
        """What the facts' rows may read about the user (``Fact.rows``)."""
        user = self.user
        return (user.pk, user.agency_id, user.team_id, tuple(sorted(user.role_ids)))

    def subquery(self, name: str) -> QuerySet[Any]:
        fact = _facts[name]
        return fact.current_rows(self.user).values(fact.id_field)

    def ids(self, name: str) -> frozenset[Any]:
        """The fact's ids, loaded once while nothing they are read from has changed."""
        fact = _facts[name]
        current = version(fact.sources)
        loaded = self._ids.get(name)
        if (
            loaded is None
            or loaded.version != current
            or (loaded.lapses_at is not None and loaded.lapses_at <= timezone.now())
        ):
            rows = fact.current_rows(self.user)
            if fact.until:
                ends = dict(rows.values_list(fact.id_field, fact.until))
                loaded = _Loaded(current, frozenset(ends), min(ends.values(), default=None))
            else:
                loaded = _Loaded(current, frozenset(rows.values_list(fact.id_field, flat=True)))
            self._ids[name] = loaded
        return loaded.ids

    def linked(self, link: "Link", pk: object) -> list[dict[str, Any]]:
        """The records linked to ``pk`` (a person's cases), loaded once per record."""
        current = version(link.sources)
        key = (link.name, pk)
        cached = self._linked.get(key)
        if cached is None or cached[0] != current:
            cached = (current, link.rows(pk))
            self._linked[key] = cached
        return cached[1]


def facts_for(user: "User") -> AccessFacts:
    facts: AccessFacts | None = getattr(user, "_access_facts", None)
    if facts is None:
        facts = AccessFacts(user)
        setattr(user, "_access_facts", facts)  # noqa: B010  (kept for the user object's life)
    return facts
