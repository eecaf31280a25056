"""Running a person search from the search form, as every page that finds someone does: the
search itself, its refusal shown on the form, and the audit entry naming what was looked for."""

from typing import Any

from casebridge.accounts.models import User
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.people.forms import PersonSearchForm
from casebridge.people.selectors import PersonMatch, person_search
from casebridge.ui.forms import add_application_error


def search_from_form(
    *, user: User, form: PersonSearchForm, purpose: str = "", context: dict[str, Any] | None = None
) -> list[PersonMatch] | None:
    """The matches for a valid, submitted form (``None`` if it was refused, with its error).

    Args:
        purpose: what the search was for, added to the audit summary ("for a refuge arrival").
        context: what else the audit entry should record (the refuge it was for, say).
    """
    terms = form.cleaned_data
    try:
        results = person_search(
            user=user,
            family_name=terms["family_name"],
            given_name=terms["given_name"],
            date_of_birth=terms["date_of_birth"],
        )
    except ApplicationError as error:
        add_application_error(form, error)
        return None
    audit_record(
        actor=user,
        action="search",
        object_type="person",
        summary=f"Searched people{f' {purpose}' if purpose else ''}: {len(results)} found",
        changes={
            **(context or {}),
            "family_name": terms["family_name"],
            "given_name": terms["given_name"],
            "date_of_birth": terms["date_of_birth"],
            "results": [str(person.id) for person in results],
        },
    )
    return results
