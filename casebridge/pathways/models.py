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

    @property
    def receiving_agency_kinds(self) -> list[str]:
        return list(self.definition.get("receiving_agency_kinds", []))

    def activity_label(self, code: str) -> str | None:
        return next(
            (a["label"] for a in self.definition.get("activities", []) if a["code"] == code), None
        )

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
    outcome = models.CharField(
        max_length=40, blank=True, help_text="The outcome chosen at the last transition with one."
    )
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
        ACTIVITY = "activity", "Casework"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    from_state = models.CharField(max_length=40, blank=True)
    to_state = models.CharField(max_length=40, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    activity = models.CharField(
        max_length=40, blank=True, help_text="For casework: which of the pathway's activities."
    )
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.case}: {self.get_kind_display()} at {self.occurred_at:%Y-%m-%d}"


class ReferralCriterion(models.Model):
    """A referral criterion the referral met, with the evidence found in the records."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="criteria")
    code = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    evidence = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "code"], name="referralcriterion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case}: {self.code}"


# The MARAC pathway's code in its definition (da-marac.yaml).
MARAC_CODE = "da-marac"


class MaracReferral(models.Model):
    """What the national MARAC dataset asks of a referral, as it was when referred.

    The victim's diversity details are copied at referral time, because the dataset reports
    them as they were then, whatever the person record says later.
    """

    class Relationship(models.TextChoices):
        PARTNER = "partner", "Current intimate partner"
        EX_PARTNER = "ex_partner", "Former intimate partner"
        CHILD_TO_PARENT = "child_to_parent", "Their child (child-to-parent abuse)"
        FAMILY = "family", "Other family member"
        OTHER = "other", "Other"

    class Need(models.TextChoices):
        """The victim's needs the referral records (the MARAC dataset's support needs)."""

        MENTAL_HEALTH = "mental_health", "Mental health"
        ALCOHOL = "alcohol", "Alcohol misuse"
        DRUGS = "drugs", "Drugs misuse"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="marac")
    relationship = models.CharField(max_length=16, choices=Relationship.choices)
    victim_aware = models.BooleanField(help_text="The victim knows about the referral.")
    children_in_household = models.PositiveSmallIntegerField(default=0)
    repeat_of = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="repeated_by"
    )
    victim_sex = models.CharField(max_length=12, choices=Person.Sex.choices)
    victim_gender_identity = models.CharField(max_length=60, blank=True)
    victim_ethnicity = models.CharField(max_length=12, choices=Person.Ethnicity.choices)
    victim_disability = models.CharField(max_length=10, choices=Person.YesNoUnknown.choices)
    victim_sexual_orientation = models.CharField(
        max_length=14, choices=Person.SexualOrientation.choices
    )
    victim_age = models.PositiveSmallIntegerField(null=True, blank=True)
    mental_health_need = models.BooleanField(default=False)
    alcohol_need = models.BooleanField(default=False, help_text="An alcohol misuse need.")
    drugs_need = models.BooleanField(default=False, help_text="A drugs misuse need.")

    NEED_FIELDS = {
        Need.MENTAL_HEALTH: "mental_health_need",
        Need.ALCOHOL: "alcohol_need",
        Need.DRUGS: "drugs_need",
    }

    def __str__(self) -> str:
        return f"MARAC referral {self.case}"

    @property
    def needs(self) -> list[str]:
        """The victim's needs recorded on the referral, as ``Need`` codes."""
        return [need for need, name in self.NEED_FIELDS.items() if getattr(self, name)]

    @property
    def victim_is_lgbt(self) -> bool | None:
        orientation = self.victim_sexual_orientation
        if orientation == Person.SexualOrientation.NOT_RECORDED:
            return None
        return orientation != Person.SexualOrientation.HETEROSEXUAL or bool(
            self.victim_gender_identity
        )

    @property
    def victim_aged_16_or_17(self) -> bool:
        return self.victim_age in (16, 17)


class DisclosureRequest(models.Model):
    """A Domestic Violence Disclosure Scheme (Clare's Law) request linked to a MARAC case."""

    class Route(models.TextChoices):
        RIGHT_TO_ASK = "right_to_ask", "Right to ask"
        RIGHT_TO_KNOW = "right_to_know", "Right to know"

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        DISCLOSED = "disclosed", "Disclosure made"
        NOT_DISCLOSED = "not_disclosed", "No disclosure"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="disclosure_requests")
    route = models.CharField(max_length=14, choices=Route.choices)
    requested_on = models.DateField()
    decision = models.CharField(max_length=14, choices=Decision.choices, default=Decision.PENDING)
    decided_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.get_route_display()} for {self.case}"
