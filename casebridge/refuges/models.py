"""Refuges, who runs them, and the stays of the women and children they shelter.

A refuge's address is a restricted field: only the provider's staff and users explicitly
entitled to it may see it (``access.policy.visible_refuge_addresses``). Nothing here prints it:
``str()`` of a refuge is its name.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from casebridge.agencies.models import Agency
from casebridge.people.models import Person


class Refuge(models.Model):
    """A women's refuge. Each bed space is one household: a woman and the children with her."""

    PROVIDER_KINDS = (Agency.Kind.CHARITY, Agency.Kind.HOUSING)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    provider = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="refuges")
    bed_spaces = models.PositiveSmallIntegerField()
    # Restricted: the provider's staff and the explicitly entitled only.
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100)
    postcode = models.CharField(max_length=10)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(bed_spaces__gt=0), name="refuge_has_beds"),
        ]

    def __str__(self) -> str:
        return self.name  # never the address

    @property
    def address(self) -> str:
        """The restricted address. Only for callers that checked the user is entitled to it."""
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)


class Stay(models.Model):
    """A woman's stay at a refuge, with the children who came with her.

    She occupies one bed space each night from ``arrived_on`` up to (not including)
    ``departed_on``; an open stay occupies every night from its arrival.
    """

    class MoveOn(models.TextChoices):
        SOCIAL_HOUSING = "social_housing", "Social housing"
        PRIVATE_RENTED = "private_rented", "Private rented accommodation"
        HOME_WITH_SANCTUARY = "home_sanctuary", "Returned home with Sanctuary Scheme measures"
        ANOTHER_REFUGE = "another_refuge", "Another refuge"
        FRIENDS_FAMILY = "friends_family", "Staying with friends or family"
        RETURNED_TO_PERPETRATOR = "perpetrator", "Returned to the perpetrator"
        UNKNOWN = "unknown", "Not known"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    refuge = models.ForeignKey(Refuge, on_delete=models.PROTECT, related_name="stays")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="refuge_stays")
    children: "models.ManyToManyField[Person, StayChild]" = models.ManyToManyField(
        Person, through="StayChild", related_name="refuge_stays_as_child"
    )
    arrived_on = models.DateField()
    departed_on = models.DateField(null=True, blank=True)
    move_on = models.CharField(max_length=20, choices=MoveOn.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    departure_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-arrived_on"]
        indexes = [
            models.Index(fields=["refuge", "arrived_on"], name="stay_refuge_arrival"),
            models.Index(fields=["person", "arrived_on"], name="stay_person_arrival"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True) | Q(departed_on__gte=F("arrived_on")),
                name="stay_departs_after_arrival",
            ),
            models.CheckConstraint(
                condition=Q(departed_on__isnull=True, move_on="")
                | (Q(departed_on__isnull=False) & ~Q(move_on="")),
                name="stay_move_on_at_departure",
            ),
        ]

    def __str__(self) -> str:
        return f"Stay from {self.arrived_on:%d %B %Y}"


class StayChild(models.Model):
    """A child who stayed with their mother: they arrive and leave with her."""

    stay = models.ForeignKey(Stay, on_delete=models.CASCADE, related_name="stay_children")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["stay", "person"], name="staychild_unique"),
        ]

    def __str__(self) -> str:
        return f"Child on {self.stay}"
