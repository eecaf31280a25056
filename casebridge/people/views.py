"""People pages of the people app alone: search, care experience, and break the glass to see
restricted records. Recording a person and the person page gather other apps: see web/people.py."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import Action, Resource, permitted, require_permission
from casebridge.access.services import break_glass_open
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.people.forms import BreakGlassForm, PersonSearchForm
from casebridge.people.searching import search_from_form
from casebridge.people.selectors import person_get
from casebridge.people.services import person_care_experienced_record
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """POST, so names and dates of birth never appear in URLs or logs (ASVS 14.2.1)."""
    user = current_user(request)
    require_permission(user=user, action=Action.VIEW, resource=Resource.PERSON)
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = search_from_form(user=user, form=form)
    can_create = permitted(user=user, action=Action.CREATE, resource=Resource.PERSON)
    return render(
        request,
        "people/search.html",
        {"form": form, "results": results, "can_create": can_create},
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def break_glass(request: HttpRequest, person_id: UUID) -> HttpResponse:
    user = current_user(request)
    person = person_get(user=user, person_id=person_id)
    require_permission(user=user, action=Action.USE, resource=Resource.BREAK_GLASS)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            break_glass_open(actor=user, person=person, reason=form.cleaned_data["reason"])
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("people:detail", person_id=person.pk)
    viewed(
        request,
        object_type="person",
        object_id=person.pk,
        summary="Viewed break-glass page",
    )
    return render(request, "people/break_glass.html", {"form": form, "person": person})


@signed_in
@require_http_methods(["POST"])
def care_experienced(request: HttpRequest, person_id: UUID) -> HttpResponse:
    user = current_user(request)
    person = person_get(user=user, person_id=person_id)
    person_care_experienced_record(
        actor=user, person=person, care_experienced=request.POST.get("care_experienced") == "yes"
    )
    return redirect("people:detail", person_id=person.pk)
