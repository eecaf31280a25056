"""What a meeting's page offers on other apps' behalf (the Victim Coordinator's "refer" link):
each app registers its offer in ``AppConfig.ready``, so panels need not know the apps above it."""

from collections.abc import Callable

from casebridge.accounts.models import User
from casebridge.panels.models import Meeting

# Called with keyword arguments ``user`` and ``meeting``: whether the page shows the offer.
MeetingOffer = Callable[..., bool]

_offers: dict[str, MeetingOffer] = {}


def register_meeting_offer(*, name: str, offered: MeetingOffer) -> None:
    """``name`` is the meeting page's template variable that shows the offer."""
    _offers[name] = offered


def meeting_offers(*, user: User, meeting: Meeting) -> dict[str, bool]:
    return {name: offered(user=user, meeting=meeting) for name, offered in _offers.items()}
