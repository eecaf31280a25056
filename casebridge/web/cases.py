"""Referral and case pages. Who may see or move a case is decided by the selectors/services.

The case page shows what every app records on a case (casework, panels, justice, the SAV and
Victim Coordinator referrals), and the referral page refers through each pathway's own service,
so both live above those apps."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from casebridge.access.policy import AccessDenied
from casebridge.accounts.models import User
from casebridge.audit.reads import viewed
from casebridge.casework.selectors import case_casework
from casebridge.core.errors import ApplicationError
from casebridge.justice.selectors import case_justice_contacts, records_justice_contacts
from casebridge.panels.marac import marac_referral_create
from casebridge.panels.models import Meeting
from casebridge.panels.selectors import case_agenda_items, meeting_get
from casebridge.pathways.forms import TransitionForm
from casebridge.pathways.models import MARAC_CODE, Case, MaracReferral
from casebridge.pathways.selectors import (
    case_disclosure_requests,
    case_get,
    case_next_steps,
    case_people,
    case_timeline,
    pathways_open_to,
    receiving_services,
)
from casebridge.pathways.services import case_transition, referral_create
from casebridge.people.models import Person
from casebridge.people.selectors import person_get, person_relationships
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error
from casebridge.victims.selectors import victim_referral_for
from casebridge.victims.services import VICTIM_COORDINATOR_CODE, victim_referral_create
from casebridge.violence.sav import SAV_CODE, sav_referral_create
from casebridge.violence.sav_selectors import sav_referral_for
from casebridge.web.forms import ReferralForm


def _from_meeting(request: HttpRequest, user: User) -> Meeting | None:
    """The panel meeting referring, named by its page's link (``?meeting=``) or the form."""
    meeting_id = request.POST.get("from_meeting") or request.GET.get("meeting")
    if not meeting_id:
        return None
    try:
        return meeting_get(user=user, meeting_id=UUID(meeting_id))
    except ValueError as error:
        raise AccessDenied("view", "meeting", meeting_id) from error


def _make_referral(
    form: ReferralForm, *, user: User, person: Person, meeting: Meeting | None
) -> Case:
    """Refer through the pathway's own service when it asks more than the generic referral."""
    data = form.cleaned_data
    code = form.chosen_pathway().code
    common = {
        "referral_reason": data["referral_reason"],
        "consent": data["consent"],
        "lawful_basis": data["lawful_basis"],
    }
    if code == MARAC_CODE:
        return marac_referral_create(
            actor=user,
            victim=person,
            perpetrators=form.chosen_people("perpetrators"),
            children=form.chosen_people("children"),
            relationship=data["relationship"] or MaracReferral.Relationship.OTHER,
            victim_aware=data["victim_aware"] == "yes",
            judgement_reason=data["judgement_reason"],
            needs=data["needs"],
            **common,
        )
    if code == SAV_CODE:
        return sav_referral_create(
            actor=user,
            subject=person,
            gang_affiliated=data["gang_affiliated"] == "yes",
            youth_transition=data["youth_transition"] == "yes",
            **common,
        )
    service = form.chosen_service()
    # Without a service chosen the generic referral says to choose one.
    if code == VICTIM_COORDINATOR_CODE and service is not None:
        return victim_referral_create(
            actor=user,
            subject=person,
            owner_agency=service,
            victim_kind=data["victim_kind"],
            from_meeting=meeting,
            **common,
        )
    return referral_create(
        actor=user, pathway=form.chosen_pathway(), subject=person, owner_agency=service, **common
    )


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def refer(request: HttpRequest, person_id: UUID) -> HttpResponse:
    user = current_user(request)
    person = person_get(user=user, person_id=person_id)
    pathways = pathways_open_to(user=user)
    if not pathways:
        raise AccessDenied("refer", "person", person.pk)
    meeting = _from_meeting(request, user)
    form = ReferralForm(
        request.POST or None,
        pathways=pathways,
        services=receiving_services(pathways=pathways),
        related=person_relationships(user=user, person=person),
        # A meeting page's link names the pathway and the meeting; the referrer fills in the rest.
        initial={
            "pathway": request.GET.get("pathway", ""),
            "from_meeting": meeting.pk if meeting else None,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = _make_referral(form, user=user, person=person, meeting=meeting)
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("pathways:case_detail", case_id=case.pk)
    viewed(
        request,
        object_type="person",
        object_id=person.pk,
        summary="Viewed person to refer them",
    )
    return render(
        request, "pathways/refer.html", {"form": form, "person": person, "meeting": meeting}
    )


def _render_case(
    request: HttpRequest, case: Case, form: TransitionForm | None = None, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    people = list(case_people(case=case))
    next_steps = case_next_steps(user=user, case=case)
    viewed(
        request,
        object_type="case",
        object_id=case.pk,
        summary=f"Viewed case {case.reference}",
        changes={"people": [str(case.subject_id), *(str(cp.person_id) for cp in people)]},
    )
    code = case.pathway.code
    is_marac = code == MARAC_CODE
    records_contacts = records_justice_contacts(case=case)
    context = {
        "case": case,
        "people": people,
        "timeline": list(case_timeline(case=case)),
        "transitions": next_steps.transitions,
        "can_record_casework": bool(next_steps.activities),
        "is_marac": is_marac,
        "disclosures": case_disclosure_requests(case=case) if is_marac else [],
        "can_record_disclosures": is_marac and next_steps.may_change,
        "panel_items": case_agenda_items(user=user, case=case),
        "casework": case_casework(case=case),
        "may_change_casework": next_steps.may_change and not case.is_closed,
        "may_change": next_steps.may_change,
        # Built only for a pathway that records them (the page shows them for no other).
        "records_justice_contacts": records_contacts,
        "justice_contacts": case_justice_contacts(case=case) if records_contacts else [],
        "sav_referral": sav_referral_for(case=case) if code == SAV_CODE else None,
        "victim_referral": (
            victim_referral_for(user=user, case=case) if code == VICTIM_COORDINATOR_CODE else None
        ),
        "form": form,
        "failed_transition": form.data.get("transition") if form is not None else None,
    }
    return render(request, "pathways/case_detail.html", context, status=status)


@signed_in
def case_detail(request: HttpRequest, case_id: UUID) -> HttpResponse:
    return _render_case(request, case_get(user=current_user(request), case_id=case_id))


@signed_in
@require_POST
def transition(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = current_user(request)
    case = case_get(user=user, case_id=case_id)
    # Ids like "reason-decline", matching the textarea of the form that was sent.
    form = TransitionForm(request.POST, auto_id=f"%s-{request.POST.get('transition', '')[:40]}")
    if form.is_valid():
        try:
            case_transition(
                actor=user,
                case=case,
                transition=form.cleaned_data["transition"],
                reason=form.cleaned_data["reason"],
                outcome=form.cleaned_data["outcome"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            return redirect("pathways:case_detail", case_id=case.pk)
    return _render_case(request, case_get(user=user, case_id=case_id), form, status=400)
