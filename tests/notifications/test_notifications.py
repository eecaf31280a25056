"""A user's notifications: a page of their own (nobody else's), a count of the unread ones in
the header of every page, read once the page has shown them."""

import pytest
from django.urls import reverse

from casebridge.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_header_counts_the_unread_and_the_page_shows_then_reads_them(signed_in_client):
    user = UserFactory()
    notify(user=user, text="You have 2 overdue actions.", link="/actions/", email=False)
    notify(user=UserFactory(), text="Someone else's news.", email=False)
    client = signed_in_client(user)

    home = client.get(reverse("web:home")).content.decode()
    assert "Notifications" in home and '1<span class="govuk-visually-hidden"> unread' in home

    page = client.get(reverse("notifications:list")).content.decode()
    assert "You have 2 overdue actions." in page and 'href="/actions/"' in page
    assert "Someone else" not in page
    assert '"govuk-visually-hidden"> unread' not in client.get(reverse("web:home")).content.decode()
