import uuid
from typing import Any

from django.conf import settings
from django.db import models

from casebridge.agencies.models import Agency, Team
from casebridge.people.models import Person


class Pathway(models.Model):
    """A configured pathway (DA-MARAC, IDVA, SIRM ...). Its states and transitions are data."""

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    reference_prefix = models.CharField(max_length=6)
    version = models.PositiveIntegerField(default=1)
    definition = models.JSONField()
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def initial_state(self) -> str:
        return str(self.definition["initial_state"])

    def state_label(self, code: str) -> str:
        return next((s["label"] for s in self.definition["states"] if s["code"] == code), code)

    def is_terminal(self, code: str) -> bool:
        return any(s["code"] == code and s.get("terminal") for s in self.definition["states"])

    def transitions_from(self, state: str) -> list[dict[str, Any]]:
        return [t for t in self.definition["transitions"] if t["from"] == state]


class Case(models.Model):
    """A person's journey through one pathway, from referral to closure."""

    class Consent(models.TextChoices):
        GIVEN = "given", "Given"
        REFUSED = "refused", "Refused"
        NOT_ASKED = "not_asked", "Not asked: asking would increase risk"

    class LawfulBasis(models.TextChoices):
        CONSENT = "consent", "Consent (UK GDPR 6(1)(a), 9(2)(a))"
        SAFEGUARDING = (
            "safeguarding",
            "Safeguarding of children and individuals at risk (DPA 2018 Sch. 1 para 18)",
        )
        PUBLIC_TASK = "public_task", "Public task (UK GDPR 6(1)(e))"
        LAW_ENFORCEMENT = "law_enforcement", "Law enforcement purposes (DPA 2018 Part 3)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="cases")
    subject = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    state = models.CharField(max_length=40)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="owned_cases")
    owner_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="owned_cases", null=True, blank=True
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        null=True,
        blank=True,
    )
    referring_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referred_cases"
    )
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referred_cases",
        null=True,
        blank=True,
    )
    referred_at = models.DateTimeField()
    referral_reason = models.TextField()
    consent = models.CharField(max_length=12, choices=Consent.choices)
    lawful_basis = models.CharField(max_length=20, choices=LawfulBasis.choices)
    is_restricted = models.BooleanField(
        default=False, help_text="Sealed: hidden from everyone not explicitly entitled."
    )
    closed_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner_agency", "state"], name="case_owner_state"),
            models.Index(fields=["pathway", "referred_at"], name="case_pathway_referred"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def state_label(self) -> str:
        return self.pathway.state_label(self.state)

    @property
    def is_closed(self) -> bool:
        return self.pathway.is_terminal(self.state)


class CasePerson(models.Model):
    """Another person in the case: the perpetrator, a child in the household."""

    class Role(models.TextChoices):
        PERPETRATOR = "perpetrator", "Alleged perpetrator"
        CHILD = "child", "Child in the household"
        OTHER = "other", "Other person"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="caseperson_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.case}"


class CaseEvent(models.Model):
    """One line of a case's timeline, written explicitly by the services through events.py."""

    class Kind(models.TextChoices):
        REFERRED = "referred", "Referred"
        TRANSITION = "transition", "Status changed"
        PERSON_ADDED = "person_added", "Person added"
        NOTE = "note", "Note"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()} at {self.occurred_at:%Y-%m-%d}"
