"""The signed-in user's notifications: the newest first, unread ones marked, and all of them
marked read once shown."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from casebridge.audit.reads import viewed
from casebridge.notifications.selectors import notifications_for
from casebridge.notifications.services import notifications_read
from casebridge.ui.decorators import current_user, signed_in

PAGE_SIZE = 25


@signed_in
def notification_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    page = Paginator(notifications_for(user=user), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    notifications_read(user=user)
    viewed(request, object_type="notification", summary=f"Viewed {len(shown)} notifications")
    return render(request, "notifications/list.html", {"page": page, "notifications": shown})
