"""Reads are audited one way. A page names what it showed with ``viewed``; the view decorators
(``signed_in`` and ``api_view`` in casebridge.ui) write those entries, as the signed-in user,
once the page has been made. So no page writes its own "viewed" entry, and a page that fails
before it is made records nothing as seen."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

from casebridge.audit.services import audit_record

_VIEWED = "_casebridge_viewed"


@dataclass(frozen=True)
class Viewed:
    object_type: str
    object_id: object
    summary: str
    changes: dict[str, Any] | None


def viewed(
    request: HttpRequest,
    *,
    object_type: str,
    object_id: object = "",
    summary: str,
    changes: dict[str, Any] | None = None,
) -> None:
    """What this page shows: ``changes`` lists what was on it (the ids of a list's rows)."""
    entries = request.__dict__.setdefault(_VIEWED, [])
    entries.append(Viewed(object_type, object_id, summary, changes))


def check_views_recorded(request: HttpRequest) -> None:
    """A view that names what it showed without a decorator to write it would leave it out of
    the log: fail loudly (every URL is requested by the tests) rather than lose an entry."""
    if request.__dict__.get(_VIEWED):
        raise ImproperlyConfigured(
            f"{request.path} named what it showed but is not behind signed_in or api_view"
        )


def make_page_recording_views(
    request: HttpRequest, make_page: Callable[[], HttpResponse]
) -> HttpResponse:
    """Make the page, then write the entries it named, in the order it named them. A page that
    fails before it is made records nothing as seen."""
    try:
        response = make_page()
    finally:
        entries = request.__dict__.pop(_VIEWED, [])
    for entry in entries:
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            action="view",
            object_type=entry.object_type,
            object_id=entry.object_id,
            summary=entry.summary,
            changes=entry.changes,
        )
    return response
