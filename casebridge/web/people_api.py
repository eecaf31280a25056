"""Read-only JSON for a person: what the person page shows, and nothing it hides."""

from uuid import UUID

from django.http import HttpRequest, JsonResponse
from django.urls import path

from casebridge.audit.reads import viewed
from casebridge.pathways.selectors import person_cases
from casebridge.people.selectors import person_addresses, person_get
from casebridge.ui.decorators import api_view, current_user


@api_view
def person_detail(request: HttpRequest, person_id: UUID) -> JsonResponse:
    user = current_user(request)
    person = person_get(user=user, person_id=person_id)
    viewed(
        request,
        object_type="person",
        object_id=person.pk,
        summary="Viewed person record (API)",
    )
    return JsonResponse(
        {
            "id": str(person.pk),
            "names": [
                {"kind": n.kind, "given_name": n.given_name, "family_name": n.family_name}
                for n in person.names.all()
            ],
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
            "addresses": [
                {
                    "line_1": a.line_1,
                    "line_2": a.line_2,
                    "town": a.town,
                    "postcode": a.postcode,
                    "valid_from": a.valid_from.isoformat(),
                    "valid_to": a.valid_to.isoformat() if a.valid_to else None,
                }
                for a in person_addresses(user=user, person=person)
            ],
            "cases": [
                {"id": str(c.pk), "reference": c.reference}
                for c in person_cases(user=user, person=person)
            ],
        }
    )


urlpatterns = [
    path("people/<uuid:person_id>/", person_detail, name="person"),
]
