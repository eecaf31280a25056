import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from casebridge.audit.middleware import AuditContextMiddleware
from casebridge.audit.models import AuditEvent
from casebridge.audit.reads import viewed
from casebridge.ui.decorators import signed_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/page/")
    user.is_verified = lambda: True
    request.user = user
    return request


def _page(request: HttpRequest) -> HttpResponse:
    viewed(request, object_type="case", object_id="c-1", summary="Viewed case", changes={"a": 1})
    viewed(request, object_type="action", summary="Viewed their actions")
    return HttpResponse("page")


def test_a_signed_in_page_writes_what_it_named_as_viewed_in_order_as_the_user():
    user = UserFactory()

    signed_in(_page)(_request(user))

    entries = list(AuditEvent.objects.filter(action="view").order_by("pk"))
    assert [(e.object_type, e.object_id, e.summary, e.actor_id) for e in entries] == [
        ("case", "c-1", "Viewed case", user.pk),
        ("action", "", "Viewed their actions", user.pk),
    ]
    assert entries[0].changes == {"a": 1}


def test_a_page_that_fails_before_it_is_made_records_nothing_as_seen():
    def failing(request: HttpRequest) -> HttpResponse:
        viewed(request, object_type="case", summary="Viewed case")
        raise RuntimeError("the template is broken")

    with pytest.raises(RuntimeError):
        signed_in(failing)(_request(UserFactory()))

    assert not AuditEvent.objects.filter(action="view").exists()


def test_a_page_naming_what_it_showed_without_the_decorator_fails_loudly():
    middleware = AuditContextMiddleware(_page)

    with pytest.raises(ImproperlyConfigured, match="not behind signed_in or api_view"):
        middleware(_request(UserFactory()))
