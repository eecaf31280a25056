"""Incidents tell whoever listens that they were recorded; violence checks each against the SIRM
rule in the same transaction, so an incident is never recorded without its check."""

from typing import Any

from django.dispatch import receiver

from casebridge.incidents.models import Incident
from casebridge.incidents.signals import incidents_recorded
from casebridge.violence.services import sirm_proposals_for


@receiver(incidents_recorded, sender=Incident)
def propose_sirm(sender: Any, incidents: list[Incident], **kwargs: Any) -> None:
    sirm_proposals_for(incidents=incidents)
