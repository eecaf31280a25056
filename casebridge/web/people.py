"""The person page and recording a person: they gather the person's records from many apps
(cases, assessments, exploitation records) and ask linkage whether the person is already held."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import Action, Resource, permitted, require_permission
from casebridge.assessments.selectors import assessments_for_person, current_instruments
from casebridge.audit.reads import viewed
from casebridge.audit.services import audit_record
from casebridge.core.errors import ApplicationError
from casebridge.exploitation.selectors import person_records
from casebridge.linkage.selectors import SamePersonCandidate, same_person_candidates
from casebridge.pathways.selectors import (
    pathways_open_to,
    person_cases,
    person_has_hidden_sealed_cases,
)
from casebridge.people.forms import PersonCreateForm
from casebridge.people.selectors import (
    may_change_person,
    person_addresses,
    person_get,
    person_has_hidden_addresses,
    person_other_records,
    person_relationships,
)
from casebridge.people.services import person_create
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    require_permission(user=user, action=Action.CREATE, resource=Resource.PERSON)
    form = PersonCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        details = form.details()
        if not form.cleaned_data["confirm_new"]:
            candidates = same_person_candidates(user=user, details=details)
            if candidates:
                return _offer_existing(request, form, candidates)
        try:
            person = person_create(actor=user, details=details)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("people:detail", person_id=person.pk)
    return render(request, "people/create.html", {"form": form})


def _offer_existing(
    request: HttpRequest, form: PersonCreateForm, candidates: list[SamePersonCandidate]
) -> HttpResponse:
    """Ask "is this the same person?", showing people already held who may be the one being
    recorded, before a second record of them is made. A new record needs an explicit no."""
    audit_record(
        actor=current_user(request),
        action="search",
        object_type="person",
        summary=f"Offered {len(candidates)} people who may be the person being recorded",
        changes={"results": [str(candidate.id) for candidate in candidates]},
    )
    context = {"form": form, "candidates": candidates, "typed": form.typed_values()}
    return render(request, "people/create.html", context)


@signed_in
def detail(request: HttpRequest, person_id: UUID) -> HttpResponse:
    user = current_user(request)
    person = person_get(user=user, person_id=person_id)
    viewed(
        request,
        object_type="person",
        object_id=person.pk,
        summary="Viewed person record",
    )
    has_hidden_addresses = person_has_hidden_addresses(user=user, person=person)
    context = {
        "person": person,
        "names": list(person.names.all()),
        "identifiers": list(person.identifiers.all()),
        "addresses": list(person_addresses(user=user, person=person)),
        "has_hidden_addresses": has_hidden_addresses,
        "relationships": person_relationships(user=user, person=person),
        "other_records": person_other_records(user=user, person=person),
        "cases": list(person_cases(user=user, person=person)),
        "can_refer": bool(pathways_open_to(user=user)),
        "can_break_glass": permitted(
            user=user,
            action=Action.USE,
            resource=Resource.BREAK_GLASS,
        )
        # Break-glass is offered only where there is something restricted to open.
        and (has_hidden_addresses or person_has_hidden_sealed_cases(user=user, person=person)),
        "assessments": list(assessments_for_person(user=user, person=person)),
        "assessment_instruments": current_instruments(),
        "exploitation_records": person_records(user=user, person=person),
        "may_change": may_change_person(user=user, person=person),
    }
    return render(request, "people/detail.html", context)
