"""Refuge pages: the list, a refuge with its occupancy and residents, arrivals, departures.

The address reaches a template only through ``refuge_addresses``, which leaves out every
refuge the user is not entitled to; templates never read the address fields themselves.
"""

from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import (
    AccessDenied,
    Action,
    Resource,
    authorize_stays,
    permitted,
    require_permission,
)
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.people.forms import PersonSearchForm
from casebridge.people.searching import search_from_form
from casebridge.people.selectors import person_get
from casebridge.refuges.forms import ArrivalForm, DepartureForm, RefugeForm
from casebridge.refuges.selectors import (
    children_of,
    current_stays,
    may_act_on_stays,
    may_view_refuges,
    occupied_on,
    recent_half_years,
    refuge_addresses,
    refuge_get,
    refuge_list,
    refuge_occupancy,
    stay_get,
)
from casebridge.refuges.services import refuge_create, stay_begin, stay_end
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
def refuge_index(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if not may_view_refuges(user=user):
        raise AccessDenied(Action.VIEW, Resource.REFUGE)
    refuges = list(refuge_list(user=user))
    addresses = refuge_addresses(user=user, refuges=refuges)
    today = timezone.localdate()
    rows = [
        {
            "refuge": refuge,
            "address": addresses.get(refuge.pk),
            "occupied": occupied_on(refuge=refuge, day=today),
        }
        for refuge in refuges
    ]
    viewed(
        request,
        object_type=Resource.REFUGE,
        summary="Viewed refuge list",
        changes={
            "refuges": [str(r.pk) for r in refuges],
            "addresses_shown": [str(pk) for pk in addresses],
        },
    )
    may_add = permitted(user=user, action=Action.CREATE, resource=Resource.REFUGE)
    return render(request, "refuges/refuge_list.html", {"rows": rows, "may_add": may_add})


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def refuge_new(request: HttpRequest) -> HttpResponse:
    """A provider records a refuge it runs; only its staff will see the address entered here."""
    user = current_user(request)
    require_permission(user=user, action=Action.CREATE, resource=Resource.REFUGE)
    if user.agency is None:
        raise AccessDenied(Action.CREATE, Resource.REFUGE)
    form = RefugeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            refuge = refuge_create(
                actor=user,
                name=form.cleaned_data["name"],
                provider=user.agency,
                bed_spaces=form.cleaned_data["bed_spaces"],
                address=form.address(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("refuges:refuge_detail", refuge_id=refuge.pk)
    return render(request, "refuges/refuge_form.html", {"form": form, "provider": user.agency})


@signed_in
def refuge_detail(request: HttpRequest, refuge_id: UUID) -> HttpResponse:
    user = current_user(request)
    refuge = refuge_get(user=user, refuge_id=refuge_id)
    address = refuge_addresses(user=user, refuges=[refuge]).get(refuge.pk)
    today = timezone.localdate()
    may_see_residents = may_act_on_stays(user=user, refuge=refuge, action=Action.VIEW)
    stays = current_stays(user=user, refuge=refuge) if may_see_residents else []
    periods = recent_half_years(today=today)
    occupancy = [
        (period, refuge_occupancy(user=user, start=period.start, end=period.end, refuges=[refuge]))
        for period in periods
    ]
    viewed(
        request,
        object_type=Resource.REFUGE,
        object_id=refuge.pk,
        summary=f"Viewed refuge {refuge.name}",
        changes={
            "address_shown": address is not None,
            "residents": [str(stay.person_id) for stay in stays],
        },
    )
    context = {
        "refuge": refuge,
        "address": address,
        "occupied": occupied_on(refuge=refuge, day=today),
        "may_see_residents": may_see_residents,
        "stays": stays,
        "can_record_arrival": may_act_on_stays(user=user, refuge=refuge, action=Action.CREATE),
        "can_record_departure": may_act_on_stays(user=user, refuge=refuge, action=Action.CHANGE),
        "occupancy": [(period, figures[0]) for period, figures in occupancy if figures],
    }
    return render(request, "refuges/refuge_detail.html", context)


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def arrival_search(request: HttpRequest, refuge_id: UUID) -> HttpResponse:
    """Find the woman arriving. POST, so names never appear in URLs or logs."""
    user = current_user(request)
    refuge = refuge_get(user=user, refuge_id=refuge_id)
    authorize_stays(user=user, action=Action.CREATE, refuge=refuge)
    form = PersonSearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = search_from_form(
            user=user, form=form, purpose="for a refuge arrival", context={"refuge": str(refuge.pk)}
        )
    status = 400 if form.errors else 200
    return render(
        request,
        "refuges/arrival_search.html",
        {"refuge": refuge, "form": form, "results": results},
        status=status,
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def arrival_record(request: HttpRequest, refuge_id: UUID, person_id: UUID) -> HttpResponse:
    user = current_user(request)
    refuge = refuge_get(user=user, refuge_id=refuge_id)
    authorize_stays(user=user, action=Action.CREATE, refuge=refuge)
    person = person_get(user=user, person_id=person_id)
    form = ArrivalForm(request.POST or None, children=children_of(user=user, person=person))
    if request.method == "POST" and form.is_valid():
        try:
            stay_begin(
                actor=user,
                refuge=refuge,
                person=person,
                arrived_on=form.cleaned_data["arrived_on"],
                children=form.chosen_children(),
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{person}'s arrival is recorded.")
            return redirect("refuges:refuge_detail", refuge_id=refuge.pk)
    viewed(
        request,
        object_type="person",
        object_id=person.pk,
        summary=f"Viewed refuge arrival form for {refuge.name}",
    )
    status = 400 if form.errors else 200
    return render(
        request,
        "refuges/arrival_form.html",
        {"refuge": refuge, "person": person, "form": form},
        status=status,
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def departure_record(request: HttpRequest, stay_id: UUID) -> HttpResponse:
    user = current_user(request)
    stay = stay_get(user=user, stay_id=stay_id, action=Action.CHANGE)
    form = DepartureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            stay_end(
                actor=user,
                stay=stay,
                departed_on=form.cleaned_data["departed_on"],
                move_on=form.cleaned_data["move_on"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            messages.success(request, f"{stay.person}'s departure is recorded.")
            return redirect("refuges:refuge_detail", refuge_id=stay.refuge_id)
    viewed(
        request,
        object_type=Resource.REFUGE_STAY,
        object_id=stay.pk,
        summary=f"Viewed departure form for {stay.refuge.name}",
    )
    status = 400 if form.errors else 200
    return render(
        request, "refuges/departure_form.html", {"stay": stay, "form": form}, status=status
    )
