"""Recording a contact with the criminal justice system on a case (the women's pathway)."""

from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from casebridge.access.policy import AccessDenied, Action
from casebridge.audit.reads import viewed
from casebridge.core.errors import ApplicationError
from casebridge.justice.forms import JusticeContactForm
from casebridge.justice.selectors import records_justice_contacts
from casebridge.justice.services import justice_contact_record
from casebridge.pathways.selectors import case_get
from casebridge.ui.decorators import current_user, signed_in
from casebridge.ui.forms import add_application_error


@signed_in
@require_http_methods(["GET", "HEAD", "POST"])
def contact_create(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = current_user(request)
    # Those who only read the case, like those who cannot see it, get a 404.
    case = case_get(user=user, case_id=case_id, action=Action.CHANGE)
    if not records_justice_contacts(case=case):
        raise AccessDenied("record a justice contact on", "case", case.pk)
    # An empty POST is still a submission: bound, so its errors show.
    form = JusticeContactForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            justice_contact_record(
                actor=user,
                case=case,
                stage=data["stage"],
                outcome=data["outcome"],
                occurred_on=data["occurred_on"],
                offence_on=data["offence_on"],
                notes=data["notes"],
            )
        except ApplicationError as error:
            add_application_error(form, error)
        else:
            url = reverse("pathways:case_detail", kwargs={"case_id": case.pk})
            return redirect(f"{url}#justice-contacts")
    viewed(
        request,
        object_type="case",
        object_id=case.pk,
        summary=f"Viewed {case.reference} to record a justice contact",
    )
    status = 400 if form.errors else 200
    return render(request, "justice/contact_form.html", {"case": case, "form": form}, status=status)
